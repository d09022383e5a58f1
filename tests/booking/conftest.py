"""A small clinic, an intake with a private link, and a frozen clock for booking tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from painpath.clinic.models import (
    AppointmentKind,
    AppointmentType,
    Clinic,
    Therapist,
    WorkingHours,
)
from painpath.patients import tokens
from painpath.patients.models import IntakeRecord

NY = zoneinfo.ZoneInfo("America/New_York")
#: Monday 2 March 2026, 08:00 in New York: the clinic opens at 09:00, notice is 2 hours.
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=NY)


def local(day: str, hhmm: str) -> dt.datetime:
    """An aware datetime at ``hhmm`` on ``day`` in the clinic's zone."""
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=NY)


@pytest.fixture(autouse=True)
def generous_booking_rate(settings: Any) -> None:
    # Every test posts from 127.0.0.1; the real budget is tested on its own.
    settings.PAINPATH_BOOKING_RATE = "100000/m"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class ClinicSetup:
    clinic: Clinic
    initial: AppointmentType
    sam: Therapist
    ana: Therapist


@pytest.fixture
def setup(db: None) -> ClinicSetup:
    clinic = Clinic.objects.create(
        name="Riverside PT",
        address="1 Main St, Springfield",
        phone="+1 555 0100",
        time_zone="America/New_York",
    )
    initial = AppointmentType.objects.create(
        clinic=clinic, name="Initial evaluation", kind=AppointmentKind.INITIAL, minutes=60
    )
    AppointmentType.objects.create(
        clinic=clinic, name="Follow-up", kind=AppointmentKind.FOLLOW_UP, minutes=30
    )
    sam = Therapist.objects.create(
        clinic=clinic, name="Sam Rivera", credentials="DPT", bio="Treats sciatica in runners."
    )
    ana = Therapist.objects.create(clinic=clinic, name="Ana Brooks", credentials="PT")
    for weekday in range(5):  # Monday to Friday, 09:00-12:00 local
        for therapist in (sam, ana):
            WorkingHours.objects.create(
                therapist=therapist, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
            )
    return ClinicSetup(clinic, initial, sam, ana)


MakeIntake = Callable[..., tuple[IntakeRecord, str]]


@pytest.fixture
def make_intake(db: None) -> MakeIntake:
    """``make_intake(level="routine", email="")`` -> (record, private token)."""

    def make(level: str = "routine", email: str = "") -> tuple[IntakeRecord, str]:
        token = tokens.new_secret()
        record = IntakeRecord.objects.create(
            token_hash=tokens.digest(token),
            submission_key=tokens.new_secret(),
            answers={"age": 44},
            assessment={
                "triage": {"level": level, "reasons": []},
                "conditions": [{"id": "herniated_disc", "probability": 0.5, "evidence": []}],
            },
            triage_level=level,
            engine_version="test",
            knowledge_version="test",
            contact_email=email,
        )
        return record, token

    return make


def contact(**overrides: Any) -> dict[str, Any]:
    data = {"name": "Pat Example", "email": "pat@example.org", "phone": "+1 555 0199"}
    data.update(overrides)
    return data
