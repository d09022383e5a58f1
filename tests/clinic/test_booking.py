"""Booking, cancelling and rescheduling through the service functions."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.db import IntegrityError, connection

from painpath.clinic import services
from painpath.clinic.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Clinic,
    Patient,
    Therapist,
)
from painpath.clinic.services import (
    BookingValidationError,
    ExpiredTokenError,
    InvalidTokenError,
    PatientDetails,
    SlotUnavailableError,
    book_appointment,
    cancel_appointment,
    make_manage_token,
    reschedule_appointment,
)
from painpath.patients.models import IntakeRecord

from .conftest import MONDAY_7AM, local

TUESDAY = date(2026, 3, 3)


def _book(
    kind: AppointmentType,
    therapist: Therapist,
    start: datetime,
    person: PatientDetails,
    **extra: object,
) -> Appointment:
    return book_appointment(
        appointment_type=kind,
        therapist=therapist,
        start=start,
        patient=person,
        now=extra.pop("now", MONDAY_7AM),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def _nothing_written() -> bool:
    return Appointment.objects.count() == 0 and Patient.objects.count() == 0


def test_a_booking_stores_utc_times_the_buffer_and_the_patient(
    therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    appointment = _book(initial, therapist, local(TUESDAY, 10), person)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.start == datetime(2026, 3, 3, 15, tzinfo=UTC)
    assert appointment.end == datetime(2026, 3, 3, 16, tzinfo=UTC)
    assert appointment.busy_until == datetime(2026, 3, 3, 16, 15, tzinfo=UTC)
    assert appointment.patient.name == "Jamie Rivera"
    assert appointment.patient.email == "jamie@example.com"
    assert appointment.intake is None


def test_a_booking_can_link_the_intake_that_led_to_it(
    therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    intake = IntakeRecord.objects.create(
        token_hash=hashlib.sha256(b"t").hexdigest(),
        submission_key="k" * 32,
        answers={"age": 40},
        assessment={"triage": {"level": "routine"}, "conditions": []},
        triage_level="routine",
        engine_version="test",
        knowledge_version="test",
    )
    appointment = _book(initial, therapist, local(TUESDAY, 10), person, intake=intake)
    assert list(intake.appointments.all()) == [appointment]


def test_a_returning_patient_with_the_same_name_and_email_is_reused(
    therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    first = _book(initial, therapist, local(TUESDAY, 9), person)
    second = _book(
        initial, therapist, local(TUESDAY, 14), replace(person, email="JAMIE@example.com")
    )
    third = _book(initial, therapist, local(TUESDAY, 11), replace(person, name="Someone Else"))
    assert first.patient_id == second.patient_id
    assert third.patient_id != first.patient_id


def test_a_taken_slot_is_refused_and_nothing_is_added(
    therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    _book(initial, therapist, local(TUESDAY, 10), person)
    with pytest.raises(SlotUnavailableError, match="no longer available"):
        _book(initial, therapist, local(TUESDAY, 10), replace(person, name="Other Person"))
    # Inside the first visit's buffer (10:00-11:15) too.
    with pytest.raises(SlotUnavailableError):
        _book(initial, therapist, local(TUESDAY, 11), replace(person, name="Other Person"))
    assert Appointment.objects.count() == 1
    assert Patient.objects.count() == 1


def test_the_database_refuses_a_duplicate_even_if_the_python_check_is_skipped(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _book(initial, therapist, local(TUESDAY, 10), person)
    monkeypatch.setattr(services, "_overlapping", lambda *args: False)
    with pytest.raises(SlotUnavailableError):
        _book(initial, therapist, local(TUESDAY, 10), replace(person, name="Racer"))
    # The failed attempt's patient row was rolled back with it.
    assert list(Patient.objects.values_list("name", flat=True)) == ["Jamie Rivera"]


def test_other_integrity_errors_are_not_reported_as_a_taken_slot(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(**kwargs: object) -> None:
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(Appointment.objects, "create", broken)
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        _book(initial, therapist, local(TUESDAY, 10), person)
    assert Patient.objects.count() == 0


@pytest.mark.postgres
def test_postgresql_refuses_an_overlap_that_starts_at_another_time(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    _book(initial, therapist, local(TUESDAY, 10), person)
    monkeypatch.setattr(services, "_overlapping", lambda *args: False)
    with pytest.raises(SlotUnavailableError):
        _book(initial, therapist, local(TUESDAY, 10, 30), replace(person, name="Racer"))
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (local(date(2026, 3, 1), 10), "in the past"),
        (local(date(2026, 3, 2), 8), "at least 2 hours ahead"),
        (local(date(2026, 5, 4), 10), "at most 56 days ahead"),
        (local(TUESDAY, 10, 10), "not an available start time"),
        (local(TUESDAY, 20), "not an available start time"),
        (local(TUESDAY, 16, 30), "not an available start time"),  # would end after 17:00
        (local(date(2026, 3, 7), 10), "not an available start time"),  # Saturday
        (datetime(2026, 3, 3, 10), "UTC offset"),  # naive
    ],
)
def test_bad_start_times_name_the_start_field(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    start: datetime,
    message: str,
) -> None:
    with pytest.raises(BookingValidationError, match=message) as err:
        _book(initial, therapist, start, person)
    assert err.value.field == "start"
    assert _nothing_written()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "patient.name"),
        ({"name": "x" * 201}, "patient.name"),
        ({"email": "not-an-email"}, "patient.email"),
        ({"email": ""}, "patient.email"),
        ({"phone": "call me"}, "patient.phone"),
        ({"phone": "123"}, "patient.phone"),
        ({"date_of_birth": date(2999, 1, 1)}, "patient.date_of_birth"),
    ],
)
def test_bad_contact_details_name_the_field(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    change: dict[str, object],
    field: str,
) -> None:
    with pytest.raises(BookingValidationError) as err:
        _book(initial, therapist, local(TUESDAY, 10), replace(person, **change))  # type: ignore[arg-type]
    assert err.value.field == field
    assert _nothing_written()


def test_an_inactive_type_or_a_foreign_therapist_is_refused(
    therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    elsewhere = Clinic.objects.create(name="Other", address="x", phone="1", time_zone="UTC")
    stranger = Therapist.objects.create(clinic=elsewhere, name="Kim", credentials="PT")
    with pytest.raises(BookingValidationError) as err:
        _book(initial, stranger, local(TUESDAY, 10), person)
    assert err.value.field == "therapist"
    initial.active = False
    initial.save()
    with pytest.raises(BookingValidationError) as err:
        _book(initial, therapist, local(TUESDAY, 10), person)
    assert err.value.field == "appointment_type"
    assert _nothing_written()


def test_booking_sends_one_confirmation_after_commit(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        appointment = _book(initial, therapist, local(TUESDAY, 10), person)
        assert mail.outbox == []  # nothing goes out before the booking is committed
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["jamie@example.com"]]
    appointment.refresh_from_db()
    assert appointment.confirmation_sent_at is not None


# --- tokens, cancel, reschedule -------------------------------------------------------------


@pytest.fixture
def booked(therapist: Therapist, initial: AppointmentType, person: PatientDetails) -> Appointment:
    return _book(initial, therapist, local(TUESDAY, 10), person)


def test_a_token_names_its_appointment(booked: Appointment) -> None:
    assert services.appointment_for_token(make_manage_token(booked)) == booked


def test_a_tampered_or_foreign_token_is_invalid(booked: Appointment) -> None:
    token = make_manage_token(booked)
    with pytest.raises(InvalidTokenError):
        services.appointment_for_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    foreign = signing.dumps({"a": str(booked.id)}, salt="another.purpose")
    with pytest.raises(InvalidTokenError):
        services.appointment_for_token(foreign)
    unknown = signing.dumps({"a": "00000000-0000-0000-0000-000000000000"}, salt=services.TOKEN_SALT)
    with pytest.raises(InvalidTokenError):
        services.appointment_for_token(unknown)


def test_a_token_expires_after_seventy_days(booked: Appointment) -> None:
    with time_machine.travel(MONDAY_7AM, tick=False):
        token = make_manage_token(booked)
    with time_machine.travel(MONDAY_7AM + timedelta(days=69), tick=False):
        assert services.appointment_for_token(token) == booked
    with (
        time_machine.travel(MONDAY_7AM + timedelta(days=71), tick=False),
        pytest.raises(ExpiredTokenError),
    ):
        services.appointment_for_token(token)


def test_cancelling_frees_the_slot_and_is_idempotent(
    booked: Appointment, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    token = make_manage_token(booked)
    cancelled = cancel_appointment(token, now=MONDAY_7AM)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancelled_at == MONDAY_7AM
    assert cancelled.sequence == 1
    again = cancel_appointment(token, now=MONDAY_7AM + timedelta(hours=1))
    assert again.cancelled_at == MONDAY_7AM and again.sequence == 1
    # The time can be booked again.
    assert _book(initial, therapist, local(TUESDAY, 10), replace(person, name="Next Person"))


def test_a_visit_that_has_started_cannot_be_cancelled(booked: Appointment) -> None:
    with pytest.raises(BookingValidationError) as err:
        cancel_appointment(make_manage_token(booked), now=local(TUESDAY, 10, 5))
    assert err.value.field == "token"
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_rescheduling_moves_the_visit_and_resets_its_reminder(booked: Appointment) -> None:
    Appointment.objects.filter(id=booked.id).update(reminder_sent_at=MONDAY_7AM)
    moved = reschedule_appointment(
        make_manage_token(booked), local(date(2026, 3, 4), 14), now=MONDAY_7AM
    )
    assert moved.id == booked.id
    assert moved.start == local(date(2026, 3, 4), 14)
    assert moved.end == local(date(2026, 3, 4), 15)
    assert moved.busy_until == local(date(2026, 3, 4), 15, 15)
    assert moved.reminder_sent_at is None
    assert moved.sequence == 1


def test_rescheduling_within_the_own_buffer_is_allowed(booked: Appointment) -> None:
    # Moving 10:00 -> 10:30 overlaps only the appointment itself.
    moved = reschedule_appointment(
        make_manage_token(booked), local(TUESDAY, 10, 30), now=MONDAY_7AM
    )
    assert moved.start == local(TUESDAY, 10, 30)


def test_rescheduling_onto_a_taken_time_changes_nothing(
    booked: Appointment, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    _book(initial, therapist, local(TUESDAY, 14), replace(person, name="Other Person"))
    with pytest.raises(SlotUnavailableError):
        reschedule_appointment(make_manage_token(booked), local(TUESDAY, 14), now=MONDAY_7AM)
    with pytest.raises(BookingValidationError) as err:
        reschedule_appointment(make_manage_token(booked), local(TUESDAY, 20), now=MONDAY_7AM)
    assert err.value.field == "start"
    booked.refresh_from_db()
    assert booked.start == local(TUESDAY, 10) and booked.sequence == 0


def test_a_cancelled_visit_cannot_be_rescheduled(booked: Appointment) -> None:
    token = make_manage_token(booked)
    cancel_appointment(token, now=MONDAY_7AM)
    with pytest.raises(BookingValidationError) as err:
        reschedule_appointment(token, local(TUESDAY, 14), now=MONDAY_7AM)
    assert err.value.field == "token"
