"""A weakening leg has ONE level everywhere: urgent (a doctor the same day).

The check-in warning sign (careplan/data/advice.yaml ``progressive_weakness``) agrees with the
intake's red flag (engine/data/red_flags.yaml ``progressive_weakness``): NICE CKS Sciatica
2023 (progressive or severe deficit: urgent assessment); emergency only with signs of cauda
equina (both legs, saddle, bladder or bowel), which the re-run triage adds.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from painpath.careplan.library import load_library
from painpath.careplan.plan import build_plan
from painpath.careplan.progression import CheckIn, progress, reported_warning_signs
from painpath.engine import assess
from painpath.engine.knowledge import load_knowledge

ANSWERS = {
    "age": 40,
    "pain_now": 4,
    "duration_days": 60,
    "pain_locations": ["low_back_center", "back_thigh_left"],
}


def _checkin(signs: dict[str, object]) -> CheckIn:
    return CheckIn(
        id="c1",
        at=datetime.fromisoformat("2026-01-08T09:00:00+00:00").isoformat(),
        pain_now=5,
        pain_during=None,
        pain_next_morning=None,
        warning_signs=signs,
    )


def test_the_check_in_sign_has_the_level_of_the_intake_red_flag() -> None:
    sign = next(s for s in load_library().warning_signs if s.id == "progressive_weakness")
    rule = next(r.rule for r in load_knowledge().red_flags if r.rule.id == "progressive_weakness")
    assert sign.action == rule.level == "urgent"
    assert "NICE CKS Sciatica" in sign.source and "NICE CKS Sciatica" in rule.source


@pytest.mark.parametrize("signs", [{"leg_weakness": "worsening"}, {"foot_drop": True}])
def test_a_weakening_leg_at_a_check_in_is_urgent(signs: dict[str, object]) -> None:
    assert [a for _, _, a in reported_warning_signs(signs)] == ["urgent"]
    new, decision = progress(build_plan(assess(ANSWERS)), [_checkin(signs)])
    assert decision.action == "seek_care"
    assert new.triage_level == "urgent"
    assert new.exercises == ()
    # The intake with the same answer gives the same level.
    assert assess({**ANSWERS, **signs}).triage.level == "urgent"


def test_a_weakening_leg_with_symptoms_in_both_legs_is_an_emergency_at_a_check_in() -> None:
    both = {**ANSWERS, "pain_locations": ["low_back_center", "back_thigh_left", "back_thigh_right"]}
    new, _ = progress(build_plan(assess(both)), [_checkin({"leg_weakness": "worsening"})])
    assert new.triage_level == "emergency"
