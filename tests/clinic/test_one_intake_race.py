"""Concurrent bookings of different times from one intake (two tabs, a resent form): exactly
one initial evaluation is booked, every other request gets ``AlreadyBookedError`` naming it.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL (the intake row lock)."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from django.db import connections

from painpath.clinic.models import (
    Appointment,
    AppointmentKind,
    AppointmentType,
    Clinic,
    Therapist,
    WorkingHours,
)
from painpath.clinic.services import AlreadyBookedError, PatientDetails, book_appointment
from painpath.patients import tokens
from painpath.patients.models import IntakeRecord

from .conftest import MONDAY_7AM, local, run_at_once

RACERS = 6


@pytest.mark.django_db(transaction=True)
def test_racing_bookings_from_one_intake_give_exactly_one_appointment() -> None:
    clinic = Clinic.objects.create(
        name="Race Clinic", address="x", phone="+1 555 0100", time_zone="America/New_York"
    )
    kind = AppointmentType.objects.create(
        clinic=clinic, name="Initial", kind=AppointmentKind.INITIAL, minutes=60
    )
    therapists = []
    for i in range(RACERS):  # one therapist each: no two racers want the same slot
        therapist = Therapist.objects.create(clinic=clinic, name=f"PT {i}", credentials="PT")
        WorkingHours.objects.create(
            therapist=therapist, weekday=1, start_time=time(9), end_time=time(17)
        )
        therapists.append(therapist)
    intake = IntakeRecord.objects.create(
        token_hash=tokens.digest(tokens.new_secret()),
        submission_key=tokens.new_secret(),
        answers={"age": 44},
        assessment={"triage": {"level": "routine", "reasons": []}, "conditions": []},
        triage_level="routine",
        engine_version="test",
        knowledge_version="test",
    )
    barrier = threading.Barrier(RACERS)
    results: list[object] = [None] * RACERS

    def attempt(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = book_appointment(
                appointment_type=kind,
                therapist=therapists[i],
                start=local(date(2026, 3, 3), 10),
                patient=PatientDetails(
                    name=f"Tab {i}", email="pat@example.com", phone="+1 555 0150"
                ),
                intake=intake,
                now=MONDAY_7AM,
            )
        except Exception as exc:  # recorded, then asserted below
            results[i] = exc
        finally:
            connections.close_all()

    run_at_once(attempt, RACERS)

    winners = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, AlreadyBookedError)]
    assert len(winners) == 1, results
    assert len(refused) == RACERS - 1, results
    assert all(r.appointment.pk == winners[0].pk for r in refused)
    assert Appointment.objects.count() == 1
