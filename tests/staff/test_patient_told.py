"""The staff list and intake page say what the PATIENT is told when it differs from the staff
level, and name the serious causes a red flag points to (fresh-user test findings)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from painpath.patients import services
from painpath.staff.models import IntakeReview

from .conftest import client_for

WEAKENING_LEG: dict[str, Any] = {
    "age": 44,
    "pain_locations": ["low_back_center", "back_thigh_left", "lower_leg_left"],
    "leg_weakness": "worsening",
}


def test_a_review_that_lowers_the_level_shows_what_the_patient_is_still_told(
    therapist_user: User,
) -> None:
    outcome = services.submit_answers(WEAKENING_LEG, "w" * 43)
    assert outcome.record.triage_level == "urgent"
    IntakeReview.objects.create(
        intake=outcome.record,
        reviewer=therapist_user,
        triage_level="self_care",
        leading_condition="sciatica",
        agrees_with_engine=False,
    )
    client = client_for(therapist_user)
    listing = client.get("/staff/intakes/").content.decode()
    assert "The patient is still told: Urgent" in listing
    detail = client.get(f"/staff/intakes/{outcome.record.reference}/").content.decode()
    assert 'id="patient-told"' in detail
    assert "The patient is still told: Urgent." in detail
    # The patient's own page indeed still says so.
    assert "triage-urgent" in client_for(None).get(f"/r/{outcome.token}/").content.decode()


def test_nothing_extra_is_shown_when_the_patient_sees_the_staff_level(
    therapist_user: User,
) -> None:
    outcome = services.submit_answers(WEAKENING_LEG, "x" * 43)
    listing = client_for(therapist_user).get("/staff/intakes/").content.decode()
    assert "The patient is still told" not in listing
    detail = client_for(therapist_user).get(f"/staff/intakes/{outcome.record.reference}/")
    assert 'id="patient-told"' not in detail.content.decode()


def test_the_list_names_the_cause_to_rule_out_before_the_engine_s_first_cause(
    therapist_user: User,
) -> None:
    outcome = services.submit_answers({**WEAKENING_LEG, "saddle_numbness": True}, "y" * 43)
    flagged = outcome.record.assessment["triage"]["red_flags"][0]["conditions"][0]
    name = next(c["name"] for c in outcome.record.assessment["conditions"] if c["id"] == flagged)
    listing = client_for(therapist_user).get("/staff/intakes/").content.decode()
    assert f"Rule out: {name}" in listing
    # The engine's first cause is named after it, unless it is the same cause.
    leading = outcome.record.assessment["conditions"][0]["name"]
    cell = listing.split('class="rule-out"', 1)[1].split("</td>", 1)[0]
    assert cell.count(name) == 1
    if leading != name:
        assert leading in cell
