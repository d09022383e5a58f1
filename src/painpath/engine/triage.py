"""Red-flag triage: emergency / urgent / routine / self_care, with plain-language reasons.

Red-flag screening (``screen``) runs first and does not look at the ranking at all: the level
is the most urgent level among the fired red-flag rules of ``red_flags.yaml``. Only when no
red flag fired does ``decide`` choose between ``routine`` and ``self_care``:

* any ``routine`` rule that fires (nerve-root symptoms, pain getting worse, pain for six weeks
  or more, a limp, risk factors...) -> ``routine``;
* any of ``self_care.required_answers`` unanswered -> ``routine`` (an unanswered warning-sign
  question is unknown, and unknown is not safe enough for self-care);
* any condition marked ``needs_clinician`` with a probability at or above
  ``self_care.referral_probability`` in the ranking -> ``routine``;
* otherwise ``self_care``.

Rules fire only on definite answers (three-valued logic in ``knowledge.py``): a missing answer
can never make a rule fire, and can never be read as "no".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from painpath.engine.assessment import RankedCondition, RedFlag, Triage, TriageLevel, urgency_rank
from painpath.engine.knowledge import CompiledRule, Evaluation, Knowledge, RedFlagRule

SELF_CARE_REASON = (
    "No warning signs were reported, nothing suggests an irritated nerve, and the pain is "
    "recent and not getting worse, so it is safe to start with self-care."
)


def screen(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    evaluation: Evaluation | None = None,
) -> tuple[CompiledRule, ...]:
    """The red-flag rules (emergency or urgent) that fire for ``answers``, most urgent first.

    Order within a level is the order of ``red_flags.yaml``. Independent of the ranking.
    ``evaluation`` is ``knowledge.evaluate(answers)`` when the caller already has it.
    """
    red_idx = (evaluation or knowledge.evaluate(answers))[0]
    fired = [knowledge.red_flags[i] for i in red_idx]
    fired.sort(key=lambda r: urgency_rank(r.rule.level))  # type: ignore[union-attr]  # stable
    return tuple(fired)


def _present(rule: CompiledRule, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The linkIds the rule reads that were answered (features excluded)."""
    return tuple(item for item in rule.answers if item in answers)


def decide(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    fired: Sequence[CompiledRule],
    ranked: Sequence[RankedCondition] = (),
    evaluation: Evaluation | None = None,
) -> Triage:
    """The triage for ``answers`` given the fired red flags (from :func:`screen`).

    ``ranked`` (from ``ranking.rank``) is consulted only when no red flag fired, to keep a
    person whose answers fit a condition that needs a clinician out of self-care.
    ``evaluation`` is ``knowledge.evaluate(answers)`` when the caller already has it.
    """
    if fired:
        flags = []
        for r in fired:
            rule = r.rule
            assert isinstance(rule, RedFlagRule)
            flags.append(
                RedFlag(
                    rule_id=rule.id,
                    level=rule.level,
                    reason=rule.reason,
                    conditions=rule.conditions,
                    source=rule.source,
                    answers=_present(r, answers),
                )
            )
        level: TriageLevel = flags[0].level
        reasons: list[str] = []
        for f in flags:
            if f.reason not in reasons:
                reasons.append(f.reason)
        return Triage(level=level, reasons=tuple(reasons), red_flags=tuple(flags))

    routine_idx = (evaluation or knowledge.evaluate(answers))[1]
    reasons = [knowledge.routine[i].rule.reason for i in routine_idx]
    missing = [q for q in knowledge.self_care.required_answers if q.item not in answers]
    if missing:
        reasons.append(
            "Some questions that rule out warning signs were not answered ("
            + "; ".join(q.reason for q in missing)
            + "), so we cannot safely suggest self-care alone."
        )
    threshold = knowledge.self_care.referral_probability
    for rc in ranked:
        if knowledge.conditions[rc.id].needs_clinician and rc.probability >= threshold:
            reasons.append(
                f"Your answers fit {rc.name.lower()} (about {round(rc.probability * 100)}%), "
                "which a clinician should check."
            )
    if reasons:
        return Triage(level="routine", reasons=tuple(reasons))
    return Triage(level="self_care", reasons=(SELF_CARE_REASON,))
