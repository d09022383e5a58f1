"""``assess(intake) -> Assessment``: red-flag triage first, then the ranked likely causes.

Pure Python (no web framework). The knowledge base is loaded and compiled once per process
(``knowledge.load_knowledge``), so a call only evaluates precompiled rules: well under a
millisecond.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from painpath.engine import ranking, triage
from painpath.engine.assessment import AnswerValue, Assessment
from painpath.engine.knowledge import KNOWLEDGE_VERSION, Knowledge, load_knowledge

__all__ = ["CORE_ITEMS", "ENGINE_VERSION", "KNOWLEDGE_VERSION", "assess"]

#: Version of the assessment algorithm (triage and ranking code, not the data).
ENGINE_VERSION = "1.1.0"

#: The core intake items of shared/spec/intake-core.yaml (reported as ``unknown`` when absent).
CORE_ITEMS: tuple[str, ...] = (
    "age", "sex", "height_cm", "weight_kg", "duration_days", "onset", "onset_trigger",
    "previous_episodes", "course", "pain_now", "pain_worst_week", "pain_locations", "worst_area",
    "pain_quality", "pain_constant", "numbness_tingling_locations", "leg_weakness", "foot_drop",
    "worse_with", "better_with", "morning_stiffness_minutes", "night_pain",
    "walking_limited_by_leg_symptoms", "limp", "daily_posture", "slouching",
    "repetitive_activities", "recent_activity_increase", "history_cancer",
    "unexplained_weight_loss", "fever_or_chills", "recent_infection_or_procedure", "iv_drug_use",
    "immunosuppressed", "long_term_steroids", "osteoporosis", "saddle_numbness", "bladder_change",
    "bowel_incontinence", "sexual_dysfunction_new", "feeling_unwell", "abdominal_pain_or_pulsing",
    "unable_to_bear_weight", "related_conditions",
)  # fmt: skip


def _validate(answers: Mapping[str, Any]) -> dict[str, AnswerValue]:
    """Validate with the intake module (raises its ``IntakeError`` on bad input)."""
    from painpath.engine.intake import validate_answers

    return dict(validate_answers(dict(answers)))


def assess(
    intake: Mapping[str, Any],
    *,
    validate: bool = True,
    knowledge: Knowledge | None = None,
    not_yet_asked: Collection[str] = (),
) -> Assessment:
    """Assess one intake.

    ``intake`` is either the answers mapping (linkId -> value) or a case/intake object with an
    ``"answers"`` key. Absent items are unknown, never "no". With ``validate=True`` (default)
    the answers go through ``painpath.engine.intake.validate_answers`` first, which raises
    ``IntakeError`` naming the bad item; pass ``validate=False`` only for answers that were
    already validated. ``knowledge`` defaults to the packaged knowledge base.
    ``not_yet_asked`` (linkIds) is for screening a partial intake between steps: a red-flag
    rule that would fire only by assuming the worst for one of these unanswered items
    (``if_unknown`` in ``red_flags.yaml``) is not counted, since the question is still to
    come rather than skipped. Leave it empty for a finished intake.

    Returns an :class:`~painpath.engine.assessment.Assessment`: ``triage`` (level, plain
    reasons, fired red flags; screened before and independently of the ranking) and
    ``conditions`` (every condition with a probability in [0, 1] and its evidence, highest
    first). Deterministic: the same answers always give the same result.
    """
    if not isinstance(intake, Mapping):
        raise TypeError(
            f"intake must be a mapping of linkId -> answer, not {type(intake).__name__}"
        )
    inner = intake.get("answers")
    raw = inner if isinstance(inner, Mapping) else intake
    answers: Mapping[str, Any] = _validate(raw) if validate else raw
    kb = knowledge or load_knowledge()

    # Every rule and finding expression, evaluated once by the generated evaluator.
    evaluation = kb.evaluate(answers)
    fired = triage.screen(kb, answers, evaluation, not_yet_asked)
    ranked = ranking.rank(kb, answers, fired, evaluation)
    tri = triage.decide(kb, answers, fired, ranked, evaluation)
    return Assessment(
        triage=tri,
        conditions=ranked,
        answers=dict(answers),
        engine_version=ENGINE_VERSION,
        knowledge_version=kb.version,
        unknown=tuple([item for item in CORE_ITEMS if item not in answers]),
    )
