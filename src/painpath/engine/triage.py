"""Red-flag triage: emergency / urgent / routine / self_care, with plain-language reasons.

Red-flag screening (``screen``) runs first and does not look at the ranking at all: the level
is the most urgent level among the fired red-flag rules of ``red_flags.yaml``. Only when no
red flag fired does ``decide`` look further:

* a condition of category ``serious`` with a probability at or above
  ``ranking_escalation.probability`` in the ranking -> ``urgent`` (the safety net for answers
  that together point to a serious cause although no single red flag fired; it can only raise
  the level, and a red flag's level is never touched);
* any ``routine`` rule that fires (nerve-root symptoms, pain getting worse, pain for six weeks
  or more, a limp, risk factors...) -> ``routine``;
* any of ``self_care.required_answers`` unanswered -> ``routine`` (an unanswered warning-sign
  question is unknown, and unknown is not safe enough for self-care);
* any condition marked ``needs_clinician`` with a probability at or above
  ``self_care.referral_probability`` in the ranking -> ``routine``;
* otherwise ``self_care``.

Rules fire only on definite answers (three-valued logic in ``knowledge.py``): a missing answer
can never be read as "no". The one exception is deliberate and points the other way: a red-flag
rule's time window marked ``if_unknown: true`` (e.g. "back pain for less than six weeks" in
the infection rules) counts as met when the person skipped the question, so that a skipped
"how long" cannot hide a red flag whose definite parts are all present. When a rule fired only
because of such an assumption, its reason says so in plain words (the leaf's
``if_unknown_text``), and ``RedFlag.assumed`` names the items assumed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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
    not_yet_asked: Collection[str] = (),
) -> tuple[CompiledRule, ...]:
    """The red-flag rules (emergency or urgent) that fire for ``answers``, most urgent first.

    Order within a level is the order of ``red_flags.yaml``. Independent of the ranking.
    ``evaluation`` is ``knowledge.evaluate(answers)`` when the caller already has it.
    ``not_yet_asked`` (linkIds) is for screening a partial intake: an ``if_unknown`` assumption
    stands in for a question the person skipped, not for one still to come, so a rule that
    fires only by assuming such an item is left out (it is screened again once asked).
    """
    red_idx = (evaluation or knowledge.evaluate(answers))[0]
    fired = [knowledge.red_flags[i] for i in red_idx]
    if not_yet_asked:
        pending = frozenset(not_yet_asked)
        fired = [r for r in fired if pending.isdisjoint(assumed_items(knowledge, r, answers))]
    fired.sort(key=lambda r: urgency_rank(r.rule.level))  # type: ignore[union-attr]  # stable
    return tuple(fired)


def assumed_items(
    knowledge: Knowledge, rule: CompiledRule, answers: Mapping[str, Any]
) -> dict[str, str]:
    """The unanswered items a fired rule needed to assume, with the text for the person.

    Empty when the rule has no ``if_unknown`` leaf, when all those items were answered, or when
    the rule is true on the answers alone (no assumption needed). Otherwise
    ``{linkId: if_unknown_text}`` for every assumed item that is unanswered, in rule order.
    """
    missing = {item: text for item, text in rule.assumed if item not in answers}
    if not missing or rule.strict_test is None:
        return {}
    if rule.strict_test(knowledge.prepare(answers)) is True:
        return {}
    return missing


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

    ``ranked`` (from ``ranking.rank``) is consulted only when no red flag fired: a serious
    condition at or above ``ranking_escalation.probability`` raises the level to urgent, and
    a condition that needs a clinician at or above ``self_care.referral_probability`` keeps
    the person out of self-care. Reasons never contain numbers (the probabilities are in
    ``ranked``).
    ``evaluation`` is ``knowledge.evaluate(answers)`` when the caller already has it.
    """
    if fired:
        flags = []
        reasons: list[str] = []
        told: list[str] = []  # what was assumed, said once after the rules' own reasons
        for r in fired:
            rule = r.rule
            assert isinstance(rule, RedFlagRule)
            assumed = assumed_items(knowledge, r, answers)
            flags.append(
                RedFlag(
                    rule_id=rule.id,
                    level=rule.level,
                    reason=" ".join([rule.reason, *assumed.values()]),
                    conditions=rule.conditions,
                    source=rule.source,
                    answers=_present(r, answers),
                    assumed=tuple(assumed),
                )
            )
            # The person reads the reasons of the rules that set the level only: a less urgent
            # rule's reason ("... would make it an emergency") would contradict the emergency
            # it sits under. Every fired rule stays in ``red_flags`` (staff see them all).
            if rule.level == fired[0].rule.level and rule.reason not in reasons:  # type: ignore[union-attr]  # fired is sorted
                reasons.append(rule.reason)
            told.extend(text for text in assumed.values() if text not in told)
        level: TriageLevel = flags[0].level
        return Triage(level=level, reasons=(*reasons, *told), red_flags=tuple(flags))

    routine_idx = (evaluation or knowledge.evaluate(answers))[1]
    reasons = [knowledge.routine[i].rule.reason for i in routine_idx]
    missing = [q for q in knowledge.self_care.required_answers if q.item not in answers]
    if missing:
        reasons.append(
            "Some questions that rule out warning signs were not answered ("
            + "; ".join(q.reason for q in missing)
            + "), so we cannot safely suggest self-care alone."
        )
    # No percentages in what the person reads: the result page words likelihood in bands, and
    # the probability stays in the ranked conditions of the assessment (JSON).
    threshold = knowledge.self_care.referral_probability
    escalation = knowledge.ranking_escalation
    urgent: list[str] = []
    for rc in ranked:
        condition = knowledge.conditions[rc.id]
        if condition.category == "serious" and rc.probability >= escalation.probability:
            urgent.append(escalation.reason.replace("{condition}", rc.name.lower()))
        elif condition.needs_clinician and rc.probability >= threshold:
            reasons.append(f"Your answers fit {rc.name.lower()}, which a clinician should check.")
    if urgent:
        return Triage(level=escalation.level, reasons=(*urgent, *reasons))
    if reasons:
        return Triage(level="routine", reasons=tuple(reasons))
    return Triage(level="self_care", reasons=(SELF_CARE_REASON,))
