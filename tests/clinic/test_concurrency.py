"""Many requests racing for one slot: exactly one booking, every other request a clear
"slot no longer available" (issue 3: no double booking, enforced by the database)."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
import time_machine
from django.db import connection, connections

from painpath.clinic.models import (
    Appointment,
    AppointmentKind,
    AppointmentType,
    Clinic,
    Patient,
    Therapist,
    WorkingHours,
)
from painpath.clinic.services import PatientDetails, SlotUnavailableError, book_appointment

from .conftest import MONDAY_7AM, local, run_at_once

RACERS = 12


def _race_for_one_slot() -> list[object]:
    clinic = Clinic.objects.create(
        name="Race Clinic", address="x", phone="+1 555 0100", time_zone="America/New_York"
    )
    therapist = Therapist.objects.create(clinic=clinic, name="Sam Lee", credentials="PT")
    WorkingHours.objects.create(
        therapist=therapist, weekday=1, start_time=time(9), end_time=time(17)
    )
    kind = AppointmentType.objects.create(
        clinic=clinic,
        name="Initial",
        kind=AppointmentKind.INITIAL,
        minutes=60,
        buffer_after_minutes=15,
    )
    start = local(date(2026, 3, 3), 10)
    barrier = threading.Barrier(RACERS)
    results: list[object] = [None] * RACERS

    def attempt(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = book_appointment(
                appointment_type=kind,
                therapist=therapist,
                start=start,
                patient=PatientDetails(
                    name=f"Racer {i}", email=f"racer{i}@example.com", phone="+1 555 0150"
                ),
                now=MONDAY_7AM,
            )
        except Exception as exc:  # recorded, then asserted below
            results[i] = exc
        finally:
            connections.close_all()

    run_at_once(attempt, RACERS)
    return results


def _assert_exactly_one_winner(results: list[object]) -> None:
    winners = [r for r in results if isinstance(r, Appointment)]
    losers = [r for r in results if isinstance(r, SlotUnavailableError)]
    assert len(winners) == 1, results
    assert len(losers) == RACERS - 1, results
    assert Appointment.objects.count() == 1
    # The losers' patient records were rolled back with their failed bookings.
    assert Patient.objects.count() == 1
    assert Patient.objects.get().name == winners[0].patient.name  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_racing_bookings_on_sqlite_give_exactly_one_appointment() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite run only")
    _assert_exactly_one_winner(_race_for_one_slot())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_bookings_on_postgresql_give_exactly_one_appointment() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgresql://...")
    _assert_exactly_one_winner(_race_for_one_slot())


@pytest.mark.django_db(transaction=True)
def test_overlapping_reminder_runs_send_each_reminder_once() -> None:
    from django.core import mail

    from painpath.clinic.services import send_due_reminders

    _race_for_one_slot()  # leaves one booked visit on Tuesday 2026-03-03 10:00
    # Confirmed on the Monday (the real clock stamped today's date).
    Appointment.objects.update(confirmation_sent_at=MONDAY_7AM)
    mail.outbox.clear()
    due = local(date(2026, 3, 2), 12)
    runs = 6
    barrier = threading.Barrier(runs)
    counts: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(send_due_reminders(now=due))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(counts) == [0] * (runs - 1) + [1]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Reminder:")


@pytest.mark.django_db(transaction=True)
def test_racing_api_requests_get_one_201_and_409s_for_the_rest(settings: object) -> None:
    from django.test import Client

    settings.PAINPATH_BOOKING_RATE = "100000/m"  # type: ignore[attr-defined]
    clinic = Clinic.objects.create(
        name="Race Clinic", address="x", phone="+1 555 0100", time_zone="America/New_York"
    )
    therapist = Therapist.objects.create(clinic=clinic, name="Sam Lee", credentials="PT")
    WorkingHours.objects.create(
        therapist=therapist, weekday=1, start_time=time(9), end_time=time(17)
    )
    kind = AppointmentType.objects.create(
        clinic=clinic, name="Initial", kind=AppointmentKind.INITIAL, minutes=60
    )
    racers = 8
    barrier = threading.Barrier(racers)
    statuses: list[int] = []

    def attempt(i: int) -> None:
        body = {
            "appointment_type": str(kind.id),
            "therapist": str(therapist.id),
            "start": local(date(2026, 3, 3), 10).isoformat(),
            "patient": {"name": f"R{i}", "email": f"r{i}@example.com", "phone": "5550150"},
        }
        try:
            barrier.wait(timeout=10)
            response = Client().post("/api/v1/bookings", body, content_type="application/json")
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    with time_machine.travel(MONDAY_7AM, tick=True):
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * (racers - 1)
    assert Appointment.objects.count() == 1
