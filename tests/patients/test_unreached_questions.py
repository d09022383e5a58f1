"""Questions the person has not reached yet are still to come, not skipped.

A few red-flag rules assume the worst for a skipped "how long" (engine: ``if_unknown``). Between
steps the duration question comes later (step 8), so screening must not interrupt with "you did
not say when this pain started" before it was asked; once it is skipped, the rule fires.
"""

from __future__ import annotations

from typing import Any

from painpath.patients.models import IntakeRecord

from .conftest import Wizard, step_number

ASSUMED = "You did not say when this pain started, so to be safe we treated it as recent."

#: Back pain in a person on immunosuppressants; the duration question is left blank.
IMMUNOSUPPRESSED_NO_DURATION: dict[str, Any] = {
    "age": 45,
    "sex": "female",
    "pain_locations": ["low_back_center"],
    "worst_area": "back",
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_incontinence": False,
    "sexual_dysfunction_new": False,
    "leg_weakness": "none",
    "foot_drop": False,
    "fever_or_chills": False,
    "feeling_unwell": False,
    "recent_infection_or_procedure": False,
    "iv_drug_use": False,
    "immunosuppressed": True,
    "history_cancer": False,
    "unexplained_weight_loss": False,
    "abdominal_pain_or_pulsing": False,
    "pain_now": 4,
    "pain_worst_week": 5,
}


def test_no_interruption_about_a_question_still_to_come(wizard: Wizard) -> None:
    wizard.start()
    location = ""
    for number in range(1, step_number("duration_days")):
        location = str(wizard.post_step(number, IMMUNOSUPPRESSED_NO_DURATION)["Location"])
        assert location != "/start/check/", f"interrupted after step {number}"
    assert location == f"/start/step/{step_number('duration_days')}/"


def test_a_skipped_duration_then_gives_the_urgent_advice_saying_what_was_assumed(
    wizard: Wizard,
) -> None:
    wizard.start()
    for number in range(1, step_number("duration_days")):
        wizard.post_step(number, IMMUNOSUPPRESSED_NO_DURATION)
    response = wizard.post_step(step_number("duration_days"), IMMUNOSUPPRESSED_NO_DURATION)
    assert response["Location"] == "/start/check/"
    page = wizard.client.get("/start/check/").content.decode()
    assert "See a doctor within 24 hours" in page
    assert ASSUMED in page


def test_an_emergency_stop_speaks_only_of_what_was_asked(wizard: Wizard) -> None:
    answers = {
        **IMMUNOSUPPRESSED_NO_DURATION,
        "age": 58,
        "feeling_unwell": True,
        "abdominal_pain_or_pulsing": True,
    }
    wizard.start()
    response = None
    for number in range(1, step_number("abdominal_pain_or_pulsing") + 1):
        response = wizard.post_step(number, answers)
        if str(response["Location"]).startswith("/r/"):
            break
    assert response is not None and str(response["Location"]).startswith("/r/")
    record = IntakeRecord.objects.get()
    assert record.triage_level == "emergency"
    assert ASSUMED not in " ".join(record.assessment["triage"]["reasons"])
    assert all("assumed" not in flag for flag in record.assessment["triage"]["red_flags"])


def test_change_an_answer_leads_to_the_skipped_question_the_warning_rests_on(
    wizard: Wizard,
) -> None:
    answers = {
        **IMMUNOSUPPRESSED_NO_DURATION,
        "pain_locations": ["groin_left"],
        "worst_area": "groin",
        "recent_infection_or_procedure": True,
        "immunosuppressed": False,
        "limp": True,
    }
    wizard.start()
    response = wizard.answer_all(answers)
    assert response["Location"] == "/start/check/"
    page = wizard.client.get("/start/check/").content.decode()
    assert ASSUMED in page
    assert f'href="/start/step/{step_number("duration_days")}/"' in page
