"""A details link for a time that is not free now (past, outside working hours, taken) shows
"that time is no longer free" with the next free times, never the contact form for it; a POST
of such a time books nothing and says why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from painpath.clinic.models import Appointment
from painpath.patients.forms_booking import encode_slot

from .conftest import ClinicSetup, MakeIntake, contact, local

pytestmark = pytest.mark.django_db

PAST = dt.datetime(2020, 1, 1, 15, 0, tzinfo=dt.UTC)


def _details_url(token: str, therapist_id: object, start: dt.datetime) -> str:
    return f"/r/{token}/book/details/?slot={encode_slot(therapist_id, start)}&who=any"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(PAST, id="in-2020"),
        pytest.param(local("2026-03-03", "20:00"), id="outside-working-hours"),
        pytest.param(local("2026-03-03", "09:10"), id="off-the-slot-grid"),
    ],
)
def test_a_time_that_is_not_free_is_not_offered_at_get(
    setup: ClinicSetup, make_intake: MakeIntake, start: dt.datetime
) -> None:
    _record, token = make_intake()
    response = Client().get(_details_url(token, setup.sam.id, start))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sorry, that time is no longer free." in html
    assert 'name="slot" value="' in html  # the next free times, as choices
    assert encode_slot(setup.sam.id, start) not in html
    assert "2020" not in html.split("<main", 1)[-1]


def test_a_time_taken_meanwhile_is_not_offered_at_get(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    start = local("2026-03-03", "09:00")
    _first, first_token = make_intake()
    Client().post(
        f"/r/{first_token}/book/details/", {"slot": encode_slot(setup.sam.id, start), **contact()}
    )
    _record, token = make_intake()
    html = Client().get(_details_url(token, setup.sam.id, start)).content.decode()
    assert "Sorry, that time is no longer free." in html


def test_a_free_time_shows_the_form(setup: ClinicSetup, make_intake: MakeIntake) -> None:
    _record, token = make_intake()
    html = Client().get(_details_url(token, setup.sam.id, local("2026-03-03", "09:00")))
    page = html.content.decode()
    assert "no longer free" not in page
    assert 'name="email"' in page and "Tuesday, March 3" in page


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (PAST, "That time has already passed."),
        (local("2026-03-03", "20:00"), "That time is not free."),
    ],
)
def test_a_post_of_such_a_time_books_nothing(
    setup: ClinicSetup, make_intake: MakeIntake, start: dt.datetime, message: str
) -> None:
    _record, token = make_intake()
    response = Client().post(
        f"/r/{token}/book/details/", {"slot": encode_slot(setup.sam.id, start), **contact()}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()
