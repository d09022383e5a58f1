"""PainPath's assessment engine: pure Python, no web framework.

Public API (imported lazily so that ``import painpath.engine`` stays cheap)::

    from painpath.engine import assess, validate_answers, IntakeError
    answers = validate_answers({"age": 42, "pain_locations": ["low_back_center"]})
    result = assess(answers)           # -> Assessment (see painpath.engine.assessment)
    result.triage.level                # "emergency" | "urgent" | "routine" | "self_care"
    result.conditions[0].id            # highest probability first

Red-flag screening runs first and independently of the ranking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from painpath.engine.assessment import (
    TRIAGE_ADVICE,
    TRIAGE_LEVELS,
    Assessment,
    Evidence,
    RankedCondition,
    RedFlag,
    Triage,
    TriageLevel,
)

if TYPE_CHECKING:
    from painpath.engine.engine import assess
    from painpath.engine.intake import IntakeError, validate_answers

__all__ = [
    "TRIAGE_ADVICE",
    "TRIAGE_LEVELS",
    "Assessment",
    "Evidence",
    "IntakeError",
    "RankedCondition",
    "RedFlag",
    "Triage",
    "TriageLevel",
    "assess",
    "validate_answers",
]

_LAZY = {
    "assess": "painpath.engine.engine",
    "validate_answers": "painpath.engine.intake",
    "IntakeError": "painpath.engine.intake",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'painpath.engine' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
