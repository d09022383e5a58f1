"""PainPath care plans: exercise library, plan builder, progression, handout. Pure Python.

Public API (heavy parts such as the PDF and plots are imported lazily)::

    from painpath.careplan import load_library, build_plan, progress, CheckIn
    library = load_library()                 # validated, frozen, cached
    plan = build_plan(assessment)            # -> Plan (3-6 exercises, advice, warning signs)
    new_plan, decision = progress(plan, checkins, reassess=assess)
    # A therapist's change (painpath.careplan.edit): rules checked, history kept.
    new_plan, decision = apply_edit(plan, PlanEdit(remove=("bird_dog",)), triage_level="routine",
                                    at="2026-03-03T15:00:00+00:00")

No web framework is imported here: the Django app ``painpath.checkins`` is a thin adapter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from painpath.careplan.library import Library, LibraryError, load_library
    from painpath.careplan.plan import Plan, PlanAdvice, PlanExercise, build_plan
    from painpath.careplan.progression import CheckIn, Decision, progress

__all__ = [
    "CheckIn",
    "Decision",
    "Library",
    "LibraryError",
    "Plan",
    "PlanAdvice",
    "PlanExercise",
    "build_plan",
    "load_library",
    "progress",
]

_LAZY = {
    "Library": "painpath.careplan.library",
    "LibraryError": "painpath.careplan.library",
    "load_library": "painpath.careplan.library",
    "Plan": "painpath.careplan.plan",
    "PlanAdvice": "painpath.careplan.plan",
    "PlanExercise": "painpath.careplan.plan",
    "build_plan": "painpath.careplan.plan",
    "CheckIn": "painpath.careplan.progression",
    "Decision": "painpath.careplan.progression",
    "progress": "painpath.careplan.progression",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'painpath.careplan' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
