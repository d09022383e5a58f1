"""The review form and the intake list after a check-in escalated an intake: the form starts
from the level now, and a review below the escalation never reads as confirming it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from checkins.conftest import checkin_data, make_person
from painpath.staff.models import IntakeReview
from painpath.staff.services import engine_leading_condition

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_checkin_rate(settings: Any) -> None:
    settings.PAINPATH_CHECKIN_RATE = "10000/h"


def _escalated_to_emergency() -> Any:
    person = make_person()
    assert person.record.triage_level == "routine"
    Client().post(person.checkin_url, checkin_data(ws_saddle="on"))
    return person


def _selected_level(html: str) -> str:
    select = html[html.index('name="triage_level"') :]
    select = select[: select.index("</select>")]
    found = re.findall(r'<option value="([a-z_]+)"[^>]*selected', select)
    assert len(found) == 1, found
    return found[0]


def _review_cell(html: str, reference: str) -> str:
    row = html[html.index(reference[:8]) - 2000 : html.index(reference[:8])]
    row = row[row.rindex("<tr") :]
    return row[row.index('data-label="Review"') :].split("</td>")[0]


def test_the_review_form_starts_from_the_escalated_level(therapist_user: User) -> None:
    person = _escalated_to_emergency()
    staff = client_for(therapist_user)
    url = f"/staff/intakes/{person.record.reference}/"

    assert _selected_level(staff.get(url).content.decode()) == "emergency"

    # Saving the form as it starts records the level now, not the engine's.
    staff.post(
        url,
        {"triage_level": "emergency", "leading_condition": engine_leading_condition(person.record)},
    )
    review = IntakeReview.objects.get()
    assert review.triage_level == "emergency"
    assert _selected_level(staff.get(url).content.decode()) == "emergency"


def test_an_intake_without_escalation_starts_from_the_engines_level(
    therapist_user: User,
) -> None:
    person = make_person()
    html = client_for(therapist_user).get(f"/staff/intakes/{person.record.reference}/")
    assert _selected_level(html.content.decode()) == "routine"


def test_a_review_below_the_escalation_does_not_read_as_confirmed(therapist_user: User) -> None:
    person = _escalated_to_emergency()
    staff = client_for(therapist_user)
    reference = str(person.record.reference)
    staff.post(
        f"/staff/intakes/{reference}/",
        {"triage_level": "routine", "leading_condition": engine_leading_condition(person.record)},
    )
    assert IntakeReview.objects.get().agrees_with_engine is True

    detail = staff.get(f"/staff/intakes/{reference}/").content.decode()
    reviews = detail[detail.index('id="reviews"') : detail.index('id="review-form"')]
    assert "confirms the engine" not in reviews
    assert "less urgent than the check-in escalation, which stands" in reviews

    cell = _review_cell(staff.get("/staff/intakes/").content.decode(), reference)

    assert "Confirmed" not in cell
    assert "Routine: less urgent than the check-in escalation, which stands" in cell


def test_a_review_without_escalation_still_reads_confirmed_or_changed(
    therapist_user: User,
) -> None:
    confirmed, changed = make_person(), make_person()
    staff = client_for(therapist_user)
    for person, level in ((confirmed, "routine"), (changed, "urgent")):
        staff.post(
            f"/staff/intakes/{person.record.reference}/",
            {"triage_level": level, "leading_condition": engine_leading_condition(person.record)},
        )
    html = staff.get("/staff/intakes/").content.decode()
    assert "Confirmed" in _review_cell(html, str(confirmed.record.reference))
    assert "Changed (Urgent)" in _review_cell(html, str(changed.record.reference))
