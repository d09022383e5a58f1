"""The "one leg or both legs?" follow-up on the nerve warning-signs step, without script.

The step renders the follow-up right after "Does either leg feel weak?" with its condition for
the script and a plain hint for people without it. Weakness getting worse in both legs stops
the intake with emergency advice; in one leg it is urgent advice. A side left over after "No"
or "Not sure" is dropped, never an error and never counted.
"""

from __future__ import annotations

import re

from painpath.patients.models import IntakeDraft, IntakeRecord

from .conftest import Wizard, step_number

WARNING_STEP_NOS = {
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_incontinence": False,
    "sexual_dysfunction_new": False,
}
RESULT = re.compile(r"^/r/[A-Za-z0-9_-]{43}/$")


def _reach_the_weakness_step(wizard: Wizard) -> int:
    wizard.start()
    wizard.post_step(1, {"age": 38, "sex": "male"})
    wizard.post_step(2, {"pain_locations": ["low_back_center", "back_thigh_right"]})
    return step_number("leg_weakness")


def test_the_side_radio_follows_the_weakness_question_with_its_condition(
    wizard: Wizard,
) -> None:
    number = _reach_the_weakness_step(wizard)
    assert number == step_number("leg_weakness_side")
    html = wizard.client.get(f"/start/step/{number}/").content.decode()
    weakness = html.index('id="q-leg_weakness"')
    side = html.index('id="q-leg_weakness_side"')
    assert weakness < side < html.index('id="q-foot_drop"')
    # One radio per side, plus the form's own "not sure".
    for code in ("one_leg", "both_legs", "unsure"):
        assert re.search(rf'<input type="radio"[^>]*id="leg_weakness_side-{code}"', html), code
    # The script hides it until a weak leg is reported; without script the hint says when.
    fieldset = html[side : html.index('id="q-foot_drop"')]
    assert (
        'data-show-when="{&quot;item&quot;:&quot;leg_weakness&quot;,&quot;equals&quot;:null,'
        "&quot;not_in&quot;:[&quot;none&quot;],&quot;if_unanswered&quot;:false}" in fieldset
    )
    assert "Skip this if you answered “No” to: Does either leg feel weak?" in fieldset
    assert "Is the weakness in one leg or in both legs?" in fieldset


def test_both_legs_getting_weaker_stops_with_emergency_advice(wizard: Wizard) -> None:
    number = _reach_the_weakness_step(wizard)
    response = wizard.post_step(
        number,
        {**WARNING_STEP_NOS, "leg_weakness": "worsening", "leg_weakness_side": "both_legs"},
    )
    assert response.status_code == 302 and RESULT.match(response["Location"])
    record = IntakeRecord.objects.get()
    assert record.triage_level == "emergency"
    assert record.answers["leg_weakness_side"] == "both_legs"
    html = wizard.client.get(response["Location"]).content.decode()
    assert "triage-emergency" in html
    assert "Both of your legs feel weak, and the weakness is getting worse" in html
    assert IntakeDraft.objects.count() == 0


def test_one_leg_getting_weaker_gives_urgent_advice_and_goes_on(wizard: Wizard) -> None:
    number = _reach_the_weakness_step(wizard)
    response = wizard.post_step(
        number,
        {**WARNING_STEP_NOS, "leg_weakness": "worsening", "leg_weakness_side": "one_leg"},
    )
    assert response["Location"] == "/start/check/"
    html = wizard.client.get("/start/check/").content.decode()
    assert "triage-urgent" in html and "Continue the questions anyway" in html
    assert IntakeDraft.objects.get().answers["leg_weakness_side"] == "one_leg"
    assert IntakeRecord.objects.count() == 0


def test_a_side_left_ticked_after_no_weakness_is_dropped_not_an_error(wizard: Wizard) -> None:
    number = _reach_the_weakness_step(wizard)
    # Without script the side radio stays visible; the person says "No" yet ticks a side.
    response = wizard.client.post(
        f"/start/step/{number}/",
        {"action": "next", "leg_weakness": "none", "leg_weakness_side": "both_legs"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/start/step/{number + 1}/"
    answers = IntakeDraft.objects.get().answers
    assert answers["leg_weakness"] == "none" and "leg_weakness_side" not in answers


def test_a_side_after_not_sure_is_dropped_and_the_weakness_stays_unknown(
    wizard: Wizard,
) -> None:
    number = _reach_the_weakness_step(wizard)
    response = wizard.client.post(
        f"/start/step/{number}/",
        {"action": "next", "leg_weakness": "unsure", "leg_weakness_side": "both_legs"},
    )
    assert response.status_code == 302
    answers = IntakeDraft.objects.get().answers
    assert "leg_weakness" not in answers and "leg_weakness_side" not in answers


def test_going_back_and_answering_no_weakness_removes_the_stored_side(wizard: Wizard) -> None:
    number = _reach_the_weakness_step(wizard)
    wizard.post_step(number, {"leg_weakness": "stable", "leg_weakness_side": "both_legs"})
    assert IntakeDraft.objects.get().answers["leg_weakness_side"] == "both_legs"
    # The stored answer is shown ticked when the person comes back to the step...
    html = wizard.client.get(f"/start/step/{number}/").content.decode()
    assert re.search(r'id="leg_weakness_side-both_legs"[^>]*checked', html)
    # ...and a later "No" removes it, even with the radio still ticked.
    wizard.client.post(
        f"/start/step/{number}/",
        {"action": "next", "leg_weakness": "none", "leg_weakness_side": "both_legs"},
    )
    assert "leg_weakness_side" not in IntakeDraft.objects.get().answers
