"""Sciatica in both legs (knowledge 2026.11.30-11): recent nerve-type pain down both legs is
urgent (NICE CKS Sciatica 2023: a feature of suspected cauda equina syndrome; GIRFT/BASS
national CES pathway 2023), found by a fresh-user test where it was "book in the coming days"
while the same page said "sciatica in both legs: see a doctor the same day"."""

from __future__ import annotations

from typing import Any

from conftest import NO_WARNING_SIGNS
from painpath.engine import assess

#: The tester's answers: 45, lifting a week ago, shooting pain down both legs, no warning sign.
BOTH_LEGS: dict[str, Any] = {
    "age": 45,
    "sex": "male",
    "pain_locations": [
        "low_back_center", "back_thigh_left", "back_thigh_right", "lower_leg_left",
        "lower_leg_right",
    ],
    "worst_area": "leg",
    **NO_WARNING_SIGNS,
    "onset_trigger": ["lifting"],
    "duration_days": 7,
    "onset": "sudden",
    "course": "same",
    "pain_now": 6,
    "pain_worst_week": 8,
    "pain_quality": ["shooting_electric"],
    "numbness_any": False,
    "limp": False,
}  # fmt: skip


def _fired(answers: dict[str, Any]) -> set[str]:
    return {flag.rule_id for flag in assess(answers).triage.red_flags}


def test_recent_sciatica_in_both_legs_is_urgent_with_its_reason() -> None:
    result = assess(BOTH_LEGS)
    assert result.triage.level == "urgent"
    assert "bilateral_sciatica_recent" in _fired(BOTH_LEGS)
    assert any("nerve-type pain going down both legs" in r for r in result.triage.reasons)
    assert result.triage.red_flags[0].conditions[0] == "cauda_equina_syndrome"


def test_shooting_pain_in_both_thighs_counts_and_dull_thigh_pain_does_not() -> None:
    thighs = ["low_back_center", "back_thigh_left", "back_thigh_right"]
    assert "bilateral_sciatica_recent" in _fired({**BOTH_LEGS, "pain_locations": thighs})
    dull = {**BOTH_LEGS, "pain_locations": thighs, "pain_quality": ["dull_ache"]}
    assert "bilateral_sciatica_recent" not in _fired(dull)


def test_one_leg_or_long_standing_pain_in_both_legs_is_not_this_flag() -> None:
    one_leg = ["low_back_center", "back_thigh_left", "lower_leg_left"]
    assert "bilateral_sciatica_recent" not in _fired({**BOTH_LEGS, "pain_locations": one_leg})
    # Months of pain in both legs, worse walking, better sitting: neurogenic claudication.
    stenosis = {**BOTH_LEGS, "age": 72, "duration_days": 200, "course": "worsening"}
    assert "bilateral_sciatica_recent" not in _fired(stenosis)


def test_a_skipped_duration_is_assumed_recent_and_said() -> None:
    answers = {k: v for k, v in BOTH_LEGS.items() if k != "duration_days"}
    result = assess(answers)
    flag = next(f for f in result.triage.red_flags if f.rule_id == "bilateral_sciatica_recent")
    assert "You did not say when this pain started" in flag.reason
