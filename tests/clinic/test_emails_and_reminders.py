"""Confirmation, cancellation and reminder emails, their .ics attachment, and the reminder
command (24 hours ahead, never twice, never for a cancelled visit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from painpath.clinic import emails, services
from painpath.clinic.models import Appointment, AppointmentType, Therapist
from painpath.clinic.services import (
    PatientDetails,
    book_appointment,
    cancel_appointment,
    make_manage_token,
    reschedule_appointment,
    send_due_reminders,
)

from .conftest import MONDAY_7AM, local

TUESDAY = date(2026, 3, 3)


@pytest.fixture
def booked(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    committed: Callable[[], Any],
) -> Appointment:
    # The confirmation is stamped with the clock's time, so the clock is moved too.
    with time_machine.travel(MONDAY_7AM, tick=False), committed():
        return book_appointment(
            appointment_type=initial,
            therapist=therapist,
            start=local(TUESDAY, 10),
            patient=person,
            now=MONDAY_7AM,
        )


def _ics(message: mail.EmailMessage) -> Calendar:
    (name, content, mimetype) = message.attachments[0]  # type: ignore[misc]
    assert name == "appointment.ics"
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_the_confirmation_gives_local_time_therapist_clinic_and_a_private_link(
    booked: Appointment,
) -> None:
    (message,) = mail.outbox
    assert message.to == ["jamie@example.com"]
    assert message.subject == "Your appointment at Test Clinic is booked"
    assert message.reply_to == ["desk@test.example"]
    body = message.body
    assert "Hello Jamie Rivera," in body
    assert "What: Initial evaluation, 60 minutes" in body
    assert "When: Tuesday, March 3 at 10:00 AM (Eastern Time)" in body
    # No capitalised type name mid-sentence ("Your Initial evaluation"), no raw zone names.
    assert "Your Initial" not in body and "your Initial" not in body
    assert "EST" not in body and "America/" not in body and "10:00 (" not in body
    assert "Alex Moreau, PT, DPT" in body
    assert "+1 555 0199" in body
    assert "/appointments/" in body
    assert "emergency" in body  # red-flag safety net while waiting for the visit
    # The private link in the email really opens the booking.
    link = next(line for line in body.splitlines() if "/appointments/" in line).strip()
    token = link.rstrip("/").rsplit("/", 1)[1]
    with time_machine.travel(MONDAY_7AM, tick=False):
        assert services.appointment_for_token(token) == booked


def test_the_ics_attachment_describes_the_visit_in_utc(booked: Appointment) -> None:
    calendar = _ics(mail.outbox[0])
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"{booked.id}@painpath"
    assert event.decoded("DTSTART") == datetime(2026, 3, 3, 15, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 3, 16, tzinfo=UTC)
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Initial evaluation – Test Clinic"
    assert "1 Test Road Testtown" in str(event["LOCATION"])
    assert "Cancel or reschedule: http://" in str(event["DESCRIPTION"])
    assert "When: Tuesday, March 3 at 10:00 AM (Eastern Time)" in str(event["DESCRIPTION"])
    assert "Jamie" not in str(event["SUMMARY"])


def test_rescheduling_sends_an_updated_event_with_the_same_uid(
    booked: Appointment, committed: Callable[[], Any]
) -> None:
    with committed():
        reschedule_appointment(
            make_manage_token(booked), local(date(2026, 3, 4), 14), now=MONDAY_7AM
        )
    assert len(mail.outbox) == 2
    (event,) = _ics(mail.outbox[1]).walk("VEVENT")
    assert event["UID"] == f"{booked.id}@painpath"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime(2026, 3, 4, 19, tzinfo=UTC)
    assert "Wednesday, March 4 at 2:00 PM (Eastern Time)" in mail.outbox[1].body


def test_cancelling_sends_a_cancel_event(booked: Appointment, committed: Callable[[], Any]) -> None:
    with committed():
        cancel_appointment(make_manage_token(booked), now=MONDAY_7AM)
    message = mail.outbox[1]
    assert message.subject == "Your appointment at Test Clinic is cancelled"
    calendar = _ics(message)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    # The private link now leads to "cancelled" and free times to book again.
    assert "To book another time, open your private link" in message.body
    link = next(line for line in message.body.splitlines() if "/appointments/" in line).strip()
    assert services.appointment_for_token(link.rstrip("/").rsplit("/", 1)[1]) == booked
    assert "URL" not in event  # the calendar file itself carries no link
    assert "Your appointment at Test Clinic is cancelled." in message.body
    assert "It was planned for: Tuesday, March 3 at 10:00 AM (Eastern Time)" in message.body
    assert "+1 555 0199" in message.body
    description = str(event["DESCRIPTION"])
    assert description.startswith("Cancelled: Initial evaluation with Alex Moreau")
    assert "Cancel or reschedule" not in description


def test_an_unknown_email_kind_is_refused(booked: Appointment) -> None:
    with pytest.raises(ValueError, match="unknown email kind"):
        emails.build_message(booked, "invoice")


def test_a_reminder_goes_out_once_24_hours_ahead(booked: Appointment) -> None:
    mail.outbox.clear()
    day_before = local(date(2026, 3, 2), 9)  # 25 hours ahead: not yet
    assert send_due_reminders(now=day_before) == 0
    due = local(date(2026, 3, 2), 10, 30)
    assert send_due_reminders(now=due) == 1
    assert send_due_reminders(now=due + timedelta(minutes=15)) == 0
    (message,) = mail.outbox
    assert message.subject == "Reminder: your appointment at Test Clinic tomorrow"
    assert "When: Tuesday, March 3 at 10:00 AM (Eastern Time)" in message.body
    assert "reminder of your appointment at Test Clinic." in message.body
    booked.refresh_from_db()
    assert booked.reminder_sent_at == due


def test_no_reminder_for_a_cancelled_or_past_visit(booked: Appointment) -> None:
    cancel_appointment(make_manage_token(booked), now=MONDAY_7AM)
    mail.outbox.clear()
    assert send_due_reminders(now=local(date(2026, 3, 2), 12)) == 0
    assert send_due_reminders(now=local(TUESDAY, 11)) == 0
    assert mail.outbox == []


def test_a_failed_reminder_is_retried_on_the_next_run(
    booked: Appointment, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail.outbox.clear()
    due = local(date(2026, 3, 2), 12)

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken)
    assert send_due_reminders(now=due) == 0
    booked.refresh_from_db()
    assert booked.reminder_sent_at is None
    monkeypatch.undo()
    assert send_due_reminders(now=due) == 1


def test_the_management_command_sends_due_reminders(booked: Appointment) -> None:
    mail.outbox.clear()
    out = StringIO()
    with time_machine.travel(local(date(2026, 3, 2), 12), tick=False):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["1 reminder(s) sent", "0 reminder(s) sent"]
    assert len(mail.outbox) == 1


def test_a_failed_confirmation_leaves_the_booking_in_place(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    committed: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken)
    with committed():
        appointment = book_appointment(
            appointment_type=initial,
            therapist=therapist,
            start=local(TUESDAY, 10),
            patient=person,
            now=MONDAY_7AM,
        )
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    assert appointment.confirmation_sent_at is None


def test_no_reminder_after_a_confirmation_sent_within_the_last_day(
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    committed: Callable[[], Any],
) -> None:
    booked_at = local(TUESDAY, 7)
    with time_machine.travel(booked_at, tick=False), committed():
        book_appointment(
            appointment_type=initial,
            therapist=therapist,
            start=local(TUESDAY, 10),
            patient=person,
            now=booked_at,
        )
    assert len(mail.outbox) == 1  # the confirmation
    assert send_due_reminders(now=local(TUESDAY, 8)) == 0
    assert len(mail.outbox) == 1
