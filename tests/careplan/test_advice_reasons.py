"""Advice and the disclaimer say what is true for the person (fresh-user test findings: "Adjust
the load" said "your answers point to a recent increase in training" to someone who said no)."""

from __future__ import annotations

from typing import Any

from painpath.careplan.plan import build_plan
from painpath.engine import assess

#: A runner with outer-hip pain: overuse is among the possible causes.
RUNNER: dict[str, Any] = {
    "age": 34,
    "sex": "female",
    "pain_locations": ["outer_hip_left"],
    "worst_area": "buttock_or_hip",
    "onset": "gradual",
    "duration_days": 20,
    "course": "same",
    "pain_now": 3,
    "pain_worst_week": 4,
    "repetitive_activities": ["running"],
}


def _advice_ids(answers: dict[str, Any]) -> set[str]:
    return {a.id for a in build_plan(assess(answers)).advice}


def test_the_load_advice_needs_the_increase_its_reason_names() -> None:
    assessment = assess({**RUNNER, "recent_activity_increase": False})
    assert any(c.id == "overuse" and c.probability >= 0.05 for c in assessment.conditions)
    assert "training_load" not in _advice_ids({**RUNNER, "recent_activity_increase": False})
    assert "training_load" in _advice_ids({**RUNNER, "recent_activity_increase": True})


def test_a_plan_without_exercises_says_nothing_about_stopping_exercises() -> None:
    urgent = build_plan(assess({**RUNNER, "leg_weakness": "worsening"}))
    assert urgent.triage_level == "urgent" and not urgent.exercises
    assert "exercise" not in urgent.disclaimer.lower()
    routine = build_plan(assess(RUNNER))
    assert routine.exercises and "Stop any exercise" in routine.disclaimer
