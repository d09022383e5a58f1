"""Helpers for care-plan tests: assessments built by hand, so the plan builder is tested apart
from the engine's ranking."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from painpath.engine.assessment import Assessment, RankedCondition, Triage, TriageLevel

CASES_DIR = Path(__file__).resolve().parents[3] / "shared" / "cases"

#: Back pain from overuse with outer hip pain, so the lateral-hip contraindication applies
#: (for therapist-edit tests: an exercise that crosses the legs is refused).
OUTER_HIP_BACK_ANSWERS: dict[str, Any] = {
    "age": 40,
    "pain_now": 4,
    "duration_days": 60,
    "pain_locations": ["low_back_center", "outer_hip_left"],
}

LEG_REGIONS = (
    "back_thigh_left",
    "back_thigh_right",
    "outer_thigh_left",
    "outer_thigh_right",
    "lower_leg_left",
    "lower_leg_right",
    "foot_left",
    "foot_right",
)


def make_assessment(
    answers: Mapping[str, Any],
    conditions: Sequence[tuple[str, float]],
    level: TriageLevel = "routine",
) -> Assessment:
    """An :class:`Assessment` with ``conditions`` as ``(id, probability)`` (sorted here)."""
    ranked = tuple(
        RankedCondition(cid, cid.replace("_", " ").capitalize(), p)
        for cid, p in sorted(conditions, key=lambda c: -c[1])
    )
    return Assessment(
        triage=Triage(level, ("test reason",)),
        conditions=ranked,
        answers=dict(answers),
        engine_version="test",
        knowledge_version="test",
    )


def load_cases() -> list[dict[str, Any]]:
    """Every shared case file, in id order."""
    return [json.loads(p.read_text()) for p in sorted(CASES_DIR.glob("case-*.json"))]
