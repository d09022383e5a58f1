"""The private page behind the emailed link: view, cancel, reschedule, download the .ics."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from painpath.clinic.models import Appointment, AppointmentStatus, AppointmentType, Therapist
from painpath.clinic.services import PatientDetails, book_appointment, make_manage_token

from .conftest import MONDAY_7AM, local

TUESDAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(MONDAY_7AM, tick=False):
        yield


@pytest.fixture
def token(therapist: Therapist, initial: AppointmentType, person: PatientDetails) -> str:
    appointment = book_appointment(
        appointment_type=initial, therapist=therapist, start=local(TUESDAY, 10), patient=person
    )
    return make_manage_token(appointment)


def test_the_page_shows_the_visit_and_other_times(client: Client, token: str) -> None:
    response = client.get(f"/appointments/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuesday, March 3, 2026, 10:00–11:00" in html
    assert "Alex Moreau, PT, DPT" in html
    assert 'name="start"' in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_cancel_from_the_page(client: Client, token: str) -> None:
    response = client.post(f"/appointments/{token}/cancel")
    assert response.status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
    page = client.get(f"/appointments/{token}/").content.decode()
    assert "Cancelled" in page and 'name="start"' not in page


def test_reschedule_from_the_page(client: Client, token: str) -> None:
    new = local(date(2026, 3, 4), 9)
    response = client.post(f"/appointments/{token}/reschedule", {"start": new.isoformat()})
    assert response.status_code == 302
    assert Appointment.objects.get().start == new


@pytest.mark.parametrize(("value", "status"), [("", 422), ("2026-03-03T20:00:00-05:00", 422)])
def test_a_bad_reschedule_choice_shows_the_error(
    client: Client, token: str, value: str, status: int
) -> None:
    response = client.post(f"/appointments/{token}/reschedule", {"start": value})
    assert response.status_code == status
    assert 'role="alert"' in response.content.decode()
    assert Appointment.objects.get().start == local(TUESDAY, 10)


def test_the_ics_download(client: Client, token: str) -> None:
    response = client.get(f"/appointments/{token}/appointment.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"DTSTART:20260303T150000Z" in response.content


@pytest.mark.parametrize("suffix", ["", "cancel", "appointment.ics"])
def test_a_forged_link_is_404(client: Client, token: str, suffix: str) -> None:
    forged = token[:-4] + "abcd"
    call = client.post if suffix == "cancel" else client.get
    assert call(f"/appointments/{forged}/{suffix}").status_code == 404
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED
