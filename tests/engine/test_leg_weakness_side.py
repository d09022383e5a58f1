"""One weak leg or both: the follow-up ``leg_weakness_side`` and what it changes (knowledge -10).

Weakness in both legs is a sign of pressure on the cauda equina or the spinal cord: getting
worse, it is an emergency (GIRFT/BASS/SBNS/CSP national suspected CES pathway, NHS England
2023; Greenhalgh 2018; Finucane JOSPT 2020); stable, it still needs a doctor promptly. One leg
getting weaker stays urgent (NICE CKS Sciatica 2023), and an unknown side never lowers anything.
"""

from __future__ import annotations

from typing import Any

import pytest

from painpath.engine.engine import assess
from painpath.engine.intake import IntakeError, drop_hidden_answers, validate_answers, visible_items
from painpath.engine.questionnaire import load_questionnaire

BASE: dict[str, Any] = {
    "age": 44,
    "sex": "male",
    "pain_locations": ["low_back_center", "back_thigh_right", "lower_leg_right"],
    "duration_days": 3,
}


def _triage(answers: dict[str, Any]) -> tuple[str, set[str]]:
    triage = assess({**BASE, **answers}).triage
    return triage.level, {f.rule_id for f in triage.red_flags}


# --------------------------------------------------------------------------- the question


def test_the_side_is_a_project_only_radio_right_after_the_weakness_question() -> None:
    q = load_questionnaire()
    item = q.item("leg_weakness_side")
    assert item.project_only and item.type == "choice" and item.widget == "radio"
    assert item.codes == ("one_leg", "both_legs")
    step = q.step_of("leg_weakness_side")
    ids = [i.link_id for i in step.items]
    assert step is q.step_of("leg_weakness")
    assert ids.index("leg_weakness_side") == ids.index("leg_weakness") + 1
    cond = item.show_when
    assert cond is not None and cond.item == "leg_weakness" and not cond.if_unanswered


@pytest.mark.parametrize(
    ("weakness", "shown"),
    [("stable", True), ("worsening", True), ("none", False), (None, False)],
)
def test_the_side_is_asked_only_after_a_weak_leg(weakness: str | None, shown: bool) -> None:
    answers = {} if weakness is None else {"leg_weakness": weakness}
    assert ("leg_weakness_side" in visible_items(answers)) is shown


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("weakness", ["stable", "worsening"])
@pytest.mark.parametrize("side", ["one_leg", "both_legs"])
def test_a_side_with_a_weak_leg_is_accepted_as_given(weakness: str, side: str) -> None:
    answers = {"leg_weakness": weakness, "leg_weakness_side": side}
    assert validate_answers(answers) == answers


def test_an_intake_without_the_side_is_valid_and_gains_nothing() -> None:
    # The spec's contract: PainPath's own items are never required, and nothing is derived.
    assert validate_answers({"leg_weakness": "worsening"}) == {"leg_weakness": "worsening"}


def test_a_side_with_no_weak_leg_is_a_contradiction_naming_the_side() -> None:
    with pytest.raises(IntakeError) as caught:
        validate_answers({"leg_weakness": "none", "leg_weakness_side": "both_legs"})
    [error] = caught.value.errors
    assert error.link_id == "leg_weakness_side"
    assert "leg_weakness is none" in error.message


def test_a_side_without_the_weakness_answer_is_rejected_not_guessed() -> None:
    # Neither "stable" nor "worsening" may be made up, so the side alone is an error.
    with pytest.raises(IntakeError) as caught:
        validate_answers({"age": 50, "leg_weakness_side": "one_leg"})
    assert caught.value.link_ids == ["leg_weakness_side"]
    assert "leg_weakness is not answered" in str(caught.value)


def test_a_bad_side_code_names_the_side_and_the_allowed_codes() -> None:
    with pytest.raises(IntakeError) as caught:
        validate_answers({"leg_weakness": "stable", "leg_weakness_side": "left"})
    assert str(caught.value) == 'leg_weakness_side: must be one of: one_leg, both_legs (got "left")'


def test_a_bad_weakness_answer_is_reported_once_not_as_a_side_problem_too() -> None:
    with pytest.raises(IntakeError) as caught:
        validate_answers({"leg_weakness": "very", "leg_weakness_side": "both_legs"})
    assert caught.value.link_ids == ["leg_weakness"]


# --------------------------------------------------------------------------- hidden answers


def test_going_back_to_no_weakness_drops_the_side() -> None:
    answers = {"leg_weakness": "none", "leg_weakness_side": "both_legs", "age": 40}
    kept = drop_hidden_answers(answers)
    assert kept == {"leg_weakness": "none", "age": 40}
    assert validate_answers(kept) == kept


def test_a_side_without_the_weakness_answer_is_dropped_as_hidden() -> None:
    # "Not sure" to the weakness question leaves it unanswered: the side is not asked then
    # (the form hides it), so an answer sent anyway is dropped rather than made an error.
    kept = drop_hidden_answers({"leg_weakness_side": "both_legs", "age": 40})
    assert kept == {"age": 40}
    assert validate_answers(kept) == kept


def test_dropping_keeps_follow_ups_whose_gate_can_be_derived_or_is_asked_unanswered() -> None:
    # Numbness areas say whether there is numbness; foot drop is asked while weakness is unknown.
    areas = {"numbness_tingling_locations": ["foot_left"]}
    assert drop_hidden_answers(areas) == areas
    assert drop_hidden_answers({"foot_drop": True}) == {"foot_drop": True}


def test_the_side_is_kept_while_a_leg_is_weak() -> None:
    answers = {"leg_weakness": "stable", "leg_weakness_side": "one_leg"}
    assert drop_hidden_answers(answers) == answers


# --------------------------------------------------------------------------- triage


def test_both_legs_getting_weaker_is_an_emergency_for_cauda_equina() -> None:
    result = assess({**BASE, "leg_weakness": "worsening", "leg_weakness_side": "both_legs"})
    assert result.triage.level == "emergency"
    [flag] = [f for f in result.triage.red_flags if f.level == "emergency"]
    assert flag.rule_id == "bilateral_leg_weakness_progressing"
    assert flag.conditions[0] == "cauda_equina_syndrome"
    assert "Both of your legs" in flag.reason and "emergency scan" in flag.reason
    # The person reads only the reasons of the rules that set the level: the one-leg rule's
    # "both legs ... would make it an emergency" would contradict the emergency it sits under.
    assert result.triage.reasons == (flag.reason,)
    assert "progressive_weakness" in {f.rule_id for f in result.triage.red_flags}  # staff see it
    # The rule's judgment figure (as for ces_bilateral_progressive) lifts CES from the 10%
    # concern floor of an unknown side to 15%, in the top three behind the nerve-root causes.
    ranked = {c.id: c.probability for c in result.conditions[:3]}
    assert ranked["cauda_equina_syndrome"] == pytest.approx(0.15, abs=0.005)
    unknown_side = assess({**BASE, "leg_weakness": "worsening"}).conditions
    assert {c.id: c.probability for c in unknown_side}["cauda_equina_syndrome"] < 0.15


def test_weakness_in_both_legs_with_a_dropping_foot_is_an_emergency() -> None:
    # As numbness in both legs with a dropping foot is (ces_bilateral_progressive).
    answers = {"leg_weakness": "stable", "leg_weakness_side": "both_legs", "foot_drop": True}
    level, rules = _triage(answers)
    assert level == "emergency" and "bilateral_leg_weakness_progressing" in rules
    level, rules = _triage({**answers, "leg_weakness_side": "one_leg"})
    assert (level, rules) == ("urgent", {"progressive_weakness"})


def test_one_leg_getting_weaker_stays_urgent() -> None:
    level, rules = _triage({"leg_weakness": "worsening", "leg_weakness_side": "one_leg"})
    assert (level, rules) == ("urgent", {"progressive_weakness"})


def test_an_unknown_side_with_worsening_weakness_is_still_urgent() -> None:
    level, rules = _triage({"leg_weakness": "worsening"})
    assert (level, rules) == ("urgent", {"progressive_weakness"})


def test_stable_weakness_in_both_legs_is_urgent() -> None:
    level, rules = _triage({"leg_weakness": "stable", "leg_weakness_side": "both_legs"})
    assert (level, rules) == ("urgent", {"bilateral_leg_weakness_stable"})


def test_stable_weakness_in_one_leg_is_not_a_red_flag() -> None:
    level, rules = _triage({"leg_weakness": "stable", "leg_weakness_side": "one_leg"})
    assert (level, rules) == ("routine", set())


@pytest.mark.parametrize("weakness", ["stable", "worsening"])
def test_naming_the_side_never_lowers_the_level(weakness: str) -> None:
    order = ["self_care", "routine", "urgent", "emergency"]
    unknown, _ = _triage({"leg_weakness": weakness})
    for side in ("one_leg", "both_legs"):
        known, _ = _triage({"leg_weakness": weakness, "leg_weakness_side": side})
        assert order.index(known) >= order.index(unknown), side


@pytest.mark.parametrize(
    ("risk", "rule"),
    [
        ({"history_cancer": True}, "cancer_with_neurological_deficit"),
        ({"fever_or_chills": True}, "infection_with_neurological_deficit"),
    ],
)
def test_weakness_in_both_legs_with_cancer_or_infection_is_an_emergency(
    risk: dict[str, Any], rule: str
) -> None:
    level, rules = _triage({**risk, "leg_weakness": "stable", "leg_weakness_side": "both_legs"})
    assert level == "emergency" and rule in rules
    level, rules = _triage({**risk, "leg_weakness": "stable", "leg_weakness_side": "one_leg"})
    assert rule not in rules
