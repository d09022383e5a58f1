"""The emailed appointment page after a check-in warning sign escalated the intake behind it:
the escalation banner comes first and, at emergency, no time is offered (cancelling stays).
Also: "book again" losing to another booking from the same intake is a clear 409, not a 500."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from checkins.conftest import checkin_data, make_person
from painpath.checkins.services import current_triage
from painpath.clinic.models import Appointment, AppointmentStatus, AppointmentType, Therapist
from painpath.clinic.services import PatientDetails, book_appointment, make_manage_token

from .conftest import MONDAY_7AM, local

TUESDAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(MONDAY_7AM, tick=False):
        yield


@pytest.fixture(autouse=True)
def _generous_checkin_rate(settings: Any) -> None:
    settings.PAINPATH_CHECKIN_RATE = "10000/h"


def _booked_from_intake(
    therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> tuple[Any, str]:
    """(the check-in person of a routine intake, the manage token of a visit booked from it)."""
    intake = make_person()
    appointment = book_appointment(
        appointment_type=initial,
        therapist=therapist,
        start=local(TUESDAY, 10),
        patient=person,
        intake=intake.record,
    )
    return intake, make_manage_token(appointment)


def _report(client: Client, intake: Any, **signs: str) -> None:
    response = client.post(intake.checkin_url, checkin_data(**signs))
    assert response.status_code in (200, 302)


def _escalation_level(intake: Any) -> str:
    return str(current_triage(intake.record)[0])


def test_a_routine_intake_shows_the_normal_page(
    client: Client, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    _intake, token = _booked_from_intake(therapist, initial, person)
    page = client.get(f"/appointments/{token}/").content.decode()
    assert 'id="escalation"' not in page
    assert "Move my appointment" in page


def test_an_emergency_escalation_shows_the_banner_first_and_offers_no_time(
    client: Client, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    intake, token = _booked_from_intake(therapist, initial, person)
    _report(client, intake, ws_saddle="on")
    assert _escalation_level(intake) == "emergency"

    page = client.get(f"/appointments/{token}/").content.decode()

    assert 'id="escalation"' in page and "triage-emergency" in page
    assert "Get emergency help now" in page
    # The banner comes right after the heading, before the visit's details.
    assert page.index("<h1>Your appointment</h1>") < page.index('id="escalation"')
    assert page.index('id="escalation"') < page.index("<dl>")
    assert "Choose another time" not in page and "Move my appointment" not in page
    assert 'name="start"' not in page
    assert f'href="/appointments/{token}/cancel"' in page  # cancelling stays possible

    # A form loaded before the escalation cannot move the visit either.
    stale = client.post(
        f"/appointments/{token}/reschedule", {"start": local(date(2026, 3, 4), 9).isoformat()}
    )
    assert stale.status_code == 409
    assert "Please get emergency help first" in stale.content.decode()
    assert Appointment.objects.get().start == local(TUESDAY, 10)

    # Cancelling still works (without promising a new time), and the cancelled page offers
    # no time to book again.
    confirm = client.get(f"/appointments/{token}/cancel").content.decode()
    assert "Yes, cancel it" in confirm and "choose a new time" not in confirm
    assert "Get emergency help first" in confirm
    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
    cancelled = client.get(f"/appointments/{token}/").content.decode()
    assert "<h1>Your appointment is cancelled</h1>" in cancelled
    assert cancelled.index("<h1>") < cancelled.index('id="escalation"')
    assert cancelled.index('id="escalation"') < cancelled.index("is cancelled. You do not")
    assert "Book another time" not in cancelled and "Book this time" not in cancelled
    assert 'name="start"' not in cancelled
    again = client.post(
        f"/appointments/{token}/book-again", {"start": local(date(2026, 3, 4), 9).isoformat()}
    )
    assert again.status_code == 409
    assert Appointment.objects.count() == 1


def test_an_urgent_escalation_shows_the_banner_first_and_keeps_the_choices(
    client: Client, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    intake, token = _booked_from_intake(therapist, initial, person)
    _report(client, intake, ws_fever="on")
    assert _escalation_level(intake) == "urgent"

    page = client.get(f"/appointments/{token}/").content.decode()

    assert 'id="escalation"' in page and "triage-urgent" in page
    assert page.index('id="escalation"') < page.index("<dl>")
    assert "Move my appointment" in page


def test_booking_again_while_the_intake_has_another_upcoming_visit_is_a_clear_409(
    client: Client,
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from painpath.clinic import services

    intake, token = _booked_from_intake(therapist, initial, person)
    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    # Another tab booked from the same intake between the page's check and the booking.
    other = book_appointment(
        appointment_type=initial,
        therapist=therapist,
        start=local(date(2026, 3, 5), 9),
        patient=PatientDetails(name="Other Name", email="o@example.com", phone="+1 555 0144"),
        intake=intake.record,
    )
    monkeypatch.setattr(services, "upcoming_instead_of", lambda old, now=None: None)
    response = client.post(
        f"/appointments/{token}/book-again", {"start": local(date(2026, 3, 4), 9).isoformat()}
    )
    assert response.status_code == 409
    assert "You already have an appointment booked from this result" in response.content.decode()
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).get() == other
