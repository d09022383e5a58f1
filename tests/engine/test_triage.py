"""Red-flag triage with the packaged knowledge base: each rule, unknown-as-unknown, self-care."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import CLEAR_RECENT_STRAIN as CLEAR
from painpath.engine.engine import assess
from painpath.engine.knowledge import Expr, compile_expr, load_knowledge


def level(answers: dict[str, Any]) -> str:
    return assess(answers).triage.level


def fired(answers: dict[str, Any]) -> set[str]:
    return {f.rule_id for f in assess(answers).triage.red_flags}


def test_a_clear_recent_strain_is_self_care() -> None:
    result = assess(CLEAR)
    assert result.triage.level == "self_care"
    assert result.triage.reasons and not result.triage.red_flags


@pytest.mark.parametrize(
    "item", ["saddle_numbness", "bladder_change", "bowel_incontinence", "sexual_dysfunction_new"]
)
def test_any_cauda_equina_symptom_is_an_emergency(item: str) -> None:
    result = assess({**CLEAR, item: True})
    assert result.triage.level == "emergency"
    assert "cauda_equina_syndrome" in result.triage.red_flags[0].conditions
    assert item in result.triage.red_flags[0].answers


def test_a_cauda_equina_symptom_alone_is_an_emergency_without_other_answers() -> None:
    assert level({"bladder_change": True}) == "emergency"


def test_bilateral_leg_symptoms_with_worsening_weakness_is_an_emergency() -> None:
    answers = {
        **CLEAR,
        "pain_locations": ["low_back_center", "lower_leg_left", "lower_leg_right"],
        "leg_weakness": "worsening",
    }
    assert level(answers) == "emergency"
    assert "ces_bilateral_progressive" in fired(answers)


@pytest.mark.parametrize(
    ("changes", "expected", "rule"),
    [
        ({"history_cancer": True}, "urgent", "cancer_history"),
        ({"fever_or_chills": True}, "urgent", "fever_back_pain"),
        ({"iv_drug_use": True}, "urgent", "iv_drug_use_back_pain"),
        ({"long_term_steroids": True}, "urgent", "steroids_back_pain"),
        ({"leg_weakness": "worsening"}, "urgent", "progressive_weakness"),
        ({"foot_drop": True}, "urgent", "progressive_weakness"),
        ({"night_pain": "constant_unrelenting"}, "urgent", "night_pain_unrelenting"),
        ({"unable_to_bear_weight": True}, "urgent", "cannot_bear_weight"),
        ({"abdominal_pain_or_pulsing": True}, "urgent", "aaa_abdominal_back"),
        ({"abdominal_pain_or_pulsing": True, "age": 70}, "emergency", "aaa_acute_abdominal"),
        ({"age": 72}, "urgent", "older_back_pain_after_minor_trauma"),
        ({"osteoporosis": True}, "urgent", "osteoporosis_sudden_back_pain"),
        ({"onset_trigger": ["major_trauma"]}, "urgent", "major_trauma"),
        ({"unexplained_weight_loss": True, "age": 60}, "urgent", "weight_loss_older"),
        (
            {"onset_trigger": ["fall_or_direct_blow"], "unable_to_bear_weight": True},
            "emergency",
            "fall_cannot_bear_weight",
        ),
        (
            {"fever_or_chills": True, "pain_locations": ["groin_right"], "limp": True},
            "emergency",
            "fever_hip_cannot_bear_weight",
        ),
        (
            {"immunosuppressed": True, "course": "worsening"},
            "urgent",
            "infection_risk_with_systemic_or_progressive_pain",
        ),
        ({"immunosuppressed": True}, "urgent", "infection_risk_recent_back_pain"),
        ({"feeling_unwell": True, "age": 55}, "urgent", "unwell_older_or_progressive"),
        (
            {"iv_drug_use": True, "pain_locations": ["groin_left"]},
            "urgent",
            "iv_drug_use_hip_pain",
        ),
        (
            {"fever_or_chills": True, "leg_weakness": "worsening"},
            "emergency",
            "infection_with_neurological_deficit",
        ),
        (
            {"history_cancer": True, "foot_drop": True},
            "emergency",
            "cancer_with_neurological_deficit",
        ),
        (
            {"numbness_tingling_locations": ["foot_left", "foot_right"]},
            "urgent",
            "bilateral_leg_numbness_recent",
        ),
        ({"age": 75, "onset_trigger": ["none_known"]}, "urgent", "older_sudden_back_pain"),
        (
            {"age": 68, "pain_constant": True, "worse_with": [], "onset": "gradual"},
            "urgent",
            "older_constant_non_mechanical_pain",
        ),
        (
            {
                "pain_locations": ["groin_right"],
                "immunosuppressed": True,
                "limp": True,
                "onset": "gradual",
            },
            "urgent",
            "infection_risk_hip_pain_limp",
        ),
        (
            {"age": 66, "feeling_unwell": True, "pain_now": 9},
            "emergency",
            "older_sudden_severe_unwell",
        ),
        (
            {"age": 80, "unable_to_bear_weight": True, "pain_locations": ["groin_left"]},
            "emergency",
            "older_cannot_bear_weight_hip_pain",
        ),
        (
            {"fever_or_chills": True, "feeling_unwell": True, "immunosuppressed": True},
            "emergency",
            "fever_unwell_high_risk",
        ),
        (
            {
                "pain_locations": ["groin_right"],
                "repetitive_activities": ["running"],
                "recent_activity_increase": True,
                "limp": True,
                "onset": "gradual",
            },
            "urgent",
            "runner_groin_pain_limp",
        ),
    ],
)
def test_red_flag_rules_fire_at_their_level(
    changes: dict[str, Any], expected: str, rule: str
) -> None:
    answers = {**CLEAR, **changes}
    assert level(answers) == expected
    assert rule in fired(answers)


def test_the_most_urgent_fired_rule_sets_the_level_and_comes_first() -> None:
    result = assess({**CLEAR, "history_cancer": True, "saddle_numbness": True})
    assert result.triage.level == "emergency"
    levels = [f.level for f in result.triage.red_flags]
    assert levels == sorted(levels, key=["emergency", "urgent"].index)
    assert len(result.triage.reasons) >= 2


def test_unanswered_warning_sign_questions_never_fire_a_rule() -> None:
    assert fired({}) == set()
    assert fired({"age": 80, "pain_locations": ["low_back_center"]}) == set()


def test_an_unanswered_key_question_prevents_self_care() -> None:
    for item in ("saddle_numbness", "bladder_change", "bowel_incontinence", "history_cancer"):
        answers = {k: v for k, v in CLEAR.items() if k != item}
        result = assess(answers)
        assert result.triage.level == "routine", item
        assert any("not answered" in r for r in result.triage.reasons), item


def test_an_empty_intake_is_routine_not_self_care() -> None:
    assert level({}) == "routine"


@pytest.mark.parametrize(
    "changes",
    [
        {"pain_locations": ["low_back_center", "lower_leg_left"]},
        {"numbness_tingling_locations": ["foot_left"]},
        {"leg_weakness": "stable"},
        {"course": "worsening"},
        {"duration_days": 60},
        {"walking_limited_by_leg_symptoms": True},
        {"limp": True},
        {"morning_stiffness_minutes": 45},
        {"osteoporosis": True, "onset": "gradual", "onset_trigger": ["none_known"]},
        {"age": 70, "onset": "gradual", "onset_trigger": ["none_known"]},
    ],
)
def test_findings_that_need_a_clinician_make_it_routine(changes: dict[str, Any]) -> None:
    assert level({**CLEAR, **changes}) == "routine"


def test_a_likely_condition_that_needs_a_clinician_blocks_self_care() -> None:
    # Classic neurogenic claudication history without a routine rule for every item.
    answers = {
        **CLEAR,
        "age": 64,
        "onset": "gradual",
        "onset_trigger": ["none_known"],
        "duration_days": 20,
        "pain_locations": ["low_back_center", "buttock_left", "buttock_right"],
        "better_with": ["sitting", "bending_forward"],
        "worse_with": ["walking", "standing"],
    }
    result = assess(answers)
    assert result.triage.level == "routine"
    assert any("clinician should check" in r for r in result.triage.reasons)


# --------------------------------------------------------------------------- three-valued logic


def ev(expr: dict[str, Any], answers: dict[str, Any]) -> bool | None:
    return compile_expr(Expr.model_validate(expr), {})(answers)


def test_comparisons_on_absent_items_are_unknown() -> None:
    assert ev({"item": "fever_or_chills", "is": False}, {}) is None
    assert ev({"item": "age", "gte": 70}, {}) is None
    assert ev({"item": "pain_locations", "has_none": ["groin_left"]}, {}) is None


def test_comparisons_on_answered_items() -> None:
    assert ev({"item": "fever_or_chills", "is": False}, {"fever_or_chills": False}) is True
    assert ev({"item": "age", "gte": 70}, {"age": 70}) is True
    assert ev({"item": "age", "lt": 70}, {"age": 70}) is False
    assert ev({"item": "night_pain", "in": ["none"]}, {"night_pain": "none"}) is True
    assert (
        ev({"item": "worse_with", "has_all": ["sitting", "walking"]}, {"worse_with": ["sitting"]})
        is False
    )
    assert (
        ev({"item": "pain_locations", "has_none": ["groin_left"]}, {"pain_locations": []}) is True
    )
    assert ev({"answered": "age"}, {}) is False


def test_all_and_any_are_three_valued() -> None:
    yes = {"item": "limp", "is": True}
    unknown = {"item": "foot_drop", "is": True}
    no = {"item": "osteoporosis", "is": True}
    answers = {"limp": True, "osteoporosis": False}
    assert ev({"all": [yes, unknown]}, answers) is None
    assert ev({"all": [no, unknown]}, answers) is False
    assert ev({"any": [no, unknown]}, answers) is None
    assert ev({"any": [yes, unknown]}, answers) is True


def test_every_red_flag_rule_is_silent_on_an_empty_intake() -> None:
    kb = load_knowledge()
    prepared = kb.prepare({})
    for rule in kb.red_flags + kb.routine:
        assert rule.test(prepared) is not True, rule.rule.id


def test_assess_accepts_an_intake_document_and_rejects_non_mappings() -> None:
    assert assess({"answers": CLEAR}).to_dict() == assess(CLEAR).to_dict()
    with pytest.raises(TypeError, match="mapping"):
        assess([("age", 40)])  # type: ignore[arg-type]


def test_invalid_answers_raise_the_intake_error_naming_the_item() -> None:
    from painpath.engine.intake import IntakeError

    with pytest.raises(IntakeError, match="pain_now"):
        assess({**CLEAR, "pain_now": 11})


def test_unknown_lists_the_unanswered_core_items() -> None:
    result = assess(CLEAR)
    assert "walking_limited_by_leg_symptoms" in result.unknown
    assert "age" not in result.unknown
    assert result.engine_version and result.knowledge_version
