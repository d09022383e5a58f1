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
    assert "Tuesday, March 3, 10:00 AM to 11:00 AM (Eastern Time)" in html
    assert "America/New_York" not in html
    assert ">Monday, March 2 at 9:00 AM</label>" in html  # a reschedule choice, same wording
    assert "Alex Moreau, PT, DPT" in html
    assert 'name="start"' in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_page_asks_before_cancelling(client: Client, token: str) -> None:
    page = client.get(f"/appointments/{token}/").content.decode()
    # The page links to a confirmation step; it has no one-tap cancel form.
    assert f'href="/appointments/{token}/cancel"' in page
    assert f'action="/appointments/{token}/cancel"' not in page
    response = client.get(f"/appointments/{token}/cancel")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cancel your appointment on Tuesday, March 3 at 10:00 AM (Eastern Time)?" in html
    assert "Yes, cancel it" in html and 'name="confirm" value="yes"' in html
    assert "csrfmiddlewaretoken" in html
    assert f'href="/appointments/{token}/">Keep my appointment' in html
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_a_post_without_the_confirmation_cancels_nothing(client: Client, token: str) -> None:
    response = client.post(f"/appointments/{token}/cancel")
    assert response.status_code == 200
    assert "Yes, cancel it" in response.content.decode()
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_the_cancel_form_needs_the_csrf_token(token: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    assert response.status_code == 403
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_confirming_cancels_and_says_so_clearly(client: Client, token: str) -> None:
    response = client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{token}/"
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
    page = client.get(f"/appointments/{token}/").content.decode()
    assert "<h1>Your appointment is cancelled</h1>" in page
    assert "Your appointment on Tuesday, March 3 at 10:00 AM (Eastern Time) is cancelled." in page
    assert "+1 555 0199" in page
    assert "Book another time" in page and f'action="/appointments/{token}/book-again"' in page
    # A cancelled visit is not offered for the calendar, only its removal.
    assert "Add to my calendar" not in page
    assert "Remove it from my calendar" in page
    assert "Cancel my appointment" not in page
    assert f'action="/appointments/{token}/reschedule"' not in page
    # The cancel page of a cancelled visit goes back to the visit's page.
    assert client.get(f"/appointments/{token}/cancel")["Location"] == f"/appointments/{token}/"


def test_the_ics_of_a_cancelled_visit_removes_it(client: Client, token: str) -> None:
    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    body = client.get(f"/appointments/{token}/appointment.ics").content
    assert b"METHOD:CANCEL" in body and b"STATUS:CANCELLED" in body


def test_booking_again_after_cancelling(client: Client, token: str) -> None:
    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    new = local(date(2026, 3, 4), 9)
    response = client.post(f"/appointments/{token}/book-again", {"start": new.isoformat()})
    assert response.status_code == 302
    old, fresh = Appointment.objects.order_by("created_at", "start")
    assert (old.status, fresh.status) == (AppointmentStatus.CANCELLED, AppointmentStatus.BOOKED)
    assert fresh.start == new and fresh.patient == old.patient
    assert fresh.appointment_type == old.appointment_type
    page = client.get(response["Location"]).content.decode()
    assert "Wednesday, March 4, 9:00 AM to 10:00 AM (Eastern Time)" in page
    # The old link cannot book a second visit while this one is upcoming.
    again = client.post(
        f"/appointments/{token}/book-again", {"start": local(date(2026, 3, 5), 9).isoformat()}
    )
    assert again.status_code == 422
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1


def test_booking_again_is_only_for_a_cancelled_visit(client: Client, token: str) -> None:
    new = local(date(2026, 3, 4), 9)
    response = client.post(f"/appointments/{token}/book-again", {"start": new.isoformat()})
    assert response.status_code == 422
    assert Appointment.objects.count() == 1


def test_reschedule_from_the_page(client: Client, token: str) -> None:
    new = local(date(2026, 3, 4), 9)
    response = client.post(f"/appointments/{token}/reschedule", {"start": new.isoformat()})
    assert response.status_code == 302
    assert Appointment.objects.get().start == new
    page = client.get(response["Location"]).content.decode()
    assert "Your appointment is moved to Wednesday, March 4 at 9:00 AM" in page


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


@pytest.mark.parametrize("suffix", ["", "cancel", "book-again", "appointment.ics"])
def test_a_forged_link_is_404(client: Client, token: str, suffix: str) -> None:
    forged = token[:-4] + "abcd"
    call = client.post if suffix in {"cancel", "book-again"} else client.get
    assert call(f"/appointments/{forged}/{suffix}", {"confirm": "yes"}).status_code == 404
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_an_old_link_links_to_the_upcoming_visit_instead_of_offering_times(
    client: Client, token: str
) -> None:
    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    new = local(date(2026, 3, 4), 9)
    client.post(f"/appointments/{token}/book-again", {"start": new.isoformat()})
    fresh = Appointment.objects.get(status=AppointmentStatus.BOOKED)

    page = client.get(f"/appointments/{token}/").content.decode()

    assert f'action="/appointments/{token}/book-again"' not in page
    assert 'name="start"' not in page  # no free times to pick
    assert "You already have an upcoming appointment: Wednesday, March 4 at 9:00 AM" in page
    assert f'href="/appointments/{make_manage_token(fresh)}/"' in page
    # A stale form posted anyway: refused, and the answer carries the link too.
    again = client.post(
        f"/appointments/{token}/book-again", {"start": local(date(2026, 3, 5), 9).isoformat()}
    )
    assert again.status_code == 422
    assert f'href="/appointments/{make_manage_token(fresh)}/"' in again.content.decode()


def test_an_old_link_links_to_a_visit_booked_again_from_the_same_intake(
    client: Client,
    token: str,
    therapist: Therapist,
    initial: AppointmentType,
) -> None:
    from painpath.clinic.services import appointment_for_token, upcoming_instead_of

    old = appointment_for_token(token)
    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    # Booked again under another name (a new patient record): not the same person, so the
    # old page still offers times; the same intake would link the two.
    other = book_appointment(
        appointment_type=initial,
        therapist=therapist,
        start=local(date(2026, 3, 5), 9),
        patient=PatientDetails(name="J. Rivera", email="jamie@example.com", phone="+1 555 0143"),
    )
    assert upcoming_instead_of(old) is None
    assert 'name="start"' in client.get(f"/appointments/{token}/").content.decode()
    from painpath.patients.models import IntakeRecord

    intake = IntakeRecord.objects.create(
        token_hash="x" * 64,
        submission_key="k" * 32,
        answers={},
        assessment={"triage": {"level": "routine", "reasons": []}, "conditions": []},
        triage_level="routine",
        engine_version="t",
        knowledge_version="t",
    )
    Appointment.objects.filter(pk__in=[old.pk, other.pk]).update(intake=intake)
    old.refresh_from_db()
    assert upcoming_instead_of(old) == other
    assert 'name="start"' not in client.get(f"/appointments/{token}/").content.decode()


def test_booking_again_confirms_the_new_time_and_emails_it_with_the_ics(
    client: Client, token: str, committed: Any
) -> None:
    from django.core import mail

    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    mail.outbox.clear()
    with committed():
        response = client.post(
            f"/appointments/{token}/book-again",
            {"start": local(date(2026, 3, 4), 9).isoformat()},
            follow=True,
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your new time is booked: Wednesday, March 4 at 9:00 AM (Eastern Time)." in page
    assert "<h1>Your appointment</h1>" in page
    # The message is shown once, not on every later visit to the page.
    assert (
        "Your new time is booked" not in client.get(response.request["PATH_INFO"]).content.decode()
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jamie@example.com"]
    assert any(
        (a[0] if isinstance(a, tuple) else a.get_filename()) == "appointment.ics"
        for a in message.attachments
    )


def test_clinic_phone_links_are_digits_only(client: Client, token: str) -> None:
    page = client.get(f"/appointments/{token}/").content.decode()
    assert '<a href="tel:+15550199">+1 555 0199</a>' in page
    assert 'href="tel:+1 555' not in page
    client.post(f"/appointments/{token}/cancel", {"confirm": "yes"})
    cancelled = client.get(f"/appointments/{token}/").content.decode()
    assert 'Call the clinic at <a href="tel:+15550199">+1 555 0199</a>' in cancelled
