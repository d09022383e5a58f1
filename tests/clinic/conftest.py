"""Fixtures for the scheduling tests: a small clinic in America/New_York and a fixed clock.

The reference week: Monday 2026-03-02 to Friday 2026-03-06 (EST, UTC-5). US daylight saving
starts on Sunday 2026-03-08 (02:00 -> 03:00) and ends on Sunday 2026-11-01 (02:00 -> 01:00).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from painpath.clinic.models import (
    AppointmentKind,
    AppointmentType,
    Clinic,
    Therapist,
    WorkingHours,
)
from painpath.clinic.services import PatientDetails

NEW_YORK = ZoneInfo("America/New_York")
#: Monday 2026-03-02 07:00 EST.
MONDAY_7AM = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime at local wall-clock time in New York."""
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings: pytest.FixtureRequest) -> None:
    # Tests make many anonymous writes; the rate-limit test lowers this again on its own.
    settings.PAINPATH_BOOKING_RATE = "100000/m"  # type: ignore[attr-defined]


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(
        name="Test Clinic",
        address="1 Test Road\nTesttown",
        phone="+1 555 0199",
        email="desk@test.example",
        time_zone="America/New_York",
    )


@pytest.fixture
def therapist(clinic: Clinic) -> Therapist:
    """Works Monday to Friday, 09:00-17:00 local."""
    person = Therapist.objects.create(clinic=clinic, name="Alex Moreau", credentials="PT, DPT")
    for weekday in range(5):
        WorkingHours.objects.create(
            therapist=person, weekday=weekday, start_time=time(9), end_time=time(17)
        )
    return person


@pytest.fixture
def initial(clinic: Clinic) -> AppointmentType:
    """Initial evaluation: 60 minutes plus a 15-minute buffer."""
    return AppointmentType.objects.create(
        clinic=clinic,
        name="Initial evaluation",
        kind=AppointmentKind.INITIAL,
        minutes=60,
        buffer_after_minutes=15,
    )


@pytest.fixture
def follow_up(clinic: Clinic) -> AppointmentType:
    """Follow-up: 30 minutes, no buffer."""
    return AppointmentType.objects.create(
        clinic=clinic, name="Follow-up", kind=AppointmentKind.FOLLOW_UP, minutes=30
    )


@pytest.fixture
def person() -> PatientDetails:
    return PatientDetails(name="Jamie Rivera", email="jamie@example.com", phone="+1 555 0142")


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with committed(): ...`` runs the block's on-commit callbacks (the emails) at its end,
    as a real commit would; tests otherwise run inside one never-committed transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run_at_once(attempt: Callable[[int], None], racers: int) -> None:
    """Start ``attempt(0) .. attempt(racers - 1)`` in threads at once and wait for all (at most
    60 s each): the race tests' harness."""
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
