"""The assessment's result types: the contract between the engine and every adapter.

These frozen dataclasses are what ``painpath.engine.assess`` returns and what the CLI, the web
app and the care-plan builder read. ``Assessment.to_dict()`` gives the JSON form of the output
contract in ``shared/spec/README.md`` (``triage`` and ``conditions`` sorted by probability,
with extra keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

TriageLevel = Literal["emergency", "urgent", "routine", "self_care"]

#: Triage levels from most to least urgent (the spec's order).
TRIAGE_LEVELS: tuple[TriageLevel, ...] = ("emergency", "urgent", "routine", "self_care")

#: Plain-language advice per level, shown before anything else.
TRIAGE_ADVICE: Mapping[TriageLevel, str] = {
    "emergency": "Go to an emergency department or call emergency services now.",
    "urgent": "See a doctor within 24 hours.",
    "routine": "Book an assessment with a physical therapist (or your doctor) in the coming days.",
    "self_care": (
        "You can look after this yourself with the plan below. Book an assessment if it is not "
        "clearly better within 2 weeks, or sooner if it gets worse."
    ),
}

AnswerValue = int | bool | str | list[str]

#: The 16 condition ids of the clinical contract (shared/spec/README.md), in the spec's order:
#: the seven common causes the clinic explains, stenosis, axial spondyloarthritis, then the
#: serious causes.
SPEC_CONDITION_IDS: tuple[str, ...] = (
    "muscle_strain",
    "poor_posture",
    "arthritis",
    "herniated_disc",
    "sciatica",
    "hip_bursitis",
    "overuse",
    "lumbar_spinal_stenosis",
    "axial_spondyloarthritis",
    "cauda_equina_syndrome",
    "spinal_fracture",
    "spinal_infection",
    "spinal_malignancy",
    "abdominal_aortic_aneurysm",
    "hip_fracture",
    "septic_arthritis",
)

#: The serious causes ("why it matters" in the spec): a clinician must rule them out first.
SERIOUS_CONDITION_IDS: frozenset[str] = frozenset(SPEC_CONDITION_IDS[9:])


def urgency_rank(level: TriageLevel) -> int:
    """0 for ``emergency`` up to 3 for ``self_care``: lower is more urgent."""
    return TRIAGE_LEVELS.index(level)


def most_urgent(levels: list[TriageLevel] | tuple[TriageLevel, ...]) -> TriageLevel:
    """The most urgent of ``levels`` (``self_care`` for an empty sequence)."""
    return min(levels, key=urgency_rank, default="self_care")


@dataclass(frozen=True)
class Evidence:
    """One answer that moved a condition's probability.

    ``link_id``/``code`` name the answer (``code`` is ``None`` for booleans and numbers, in
    which case ``value`` holds it); ``effect`` is ``"for"`` when it raised the probability and
    ``"against"`` when it lowered it; ``likelihood_ratio`` is the factor applied to the odds
    (> 1 for, < 1 against); ``text`` is a plain-language phrase such as "pain worse when you
    cough or sneeze"; ``source`` is the citation behind the number.
    """

    link_id: str
    code: str | None
    effect: Literal["for", "against"]
    likelihood_ratio: float
    text: str
    source: str
    value: AnswerValue | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"linkId": self.link_id, "code": self.code, "effect": self.effect}
        if self.value is not None:
            out["value"] = self.value
        out["likelihood_ratio"] = round(self.likelihood_ratio, 3)
        out["text"] = self.text
        out["source"] = self.source
        return out


@dataclass(frozen=True)
class RankedCondition:
    """A condition with its probability (0..1) given the answers, and the evidence behind it."""

    id: str
    name: str
    probability: float
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "probability": round(self.probability, 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class RedFlag:
    """A red-flag rule that fired: its id, the level it demands, why, and its source.

    ``assumed`` lists the unanswered linkIds the rule treated as met (``if_unknown: true`` in
    ``red_flags.yaml``, e.g. ``duration_days`` taken as recent); when non-empty, ``reason``
    ends with a plain sentence saying what was assumed, and the JSON form has an ``assumed``
    key (an extra key, which the output contract allows).
    """

    rule_id: str
    level: TriageLevel
    reason: str
    conditions: tuple[str, ...]
    source: str
    answers: tuple[str, ...] = ()  # linkIds (or linkId=code) that made the rule fire
    assumed: tuple[str, ...] = ()  # unanswered linkIds assumed to be met (safe reading)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.rule_id,
            "level": self.level,
            "reason": self.reason,
            "conditions": list(self.conditions),
            "answers": list(self.answers),
            "source": self.source,
        }
        if self.assumed:
            out["assumed"] = list(self.assumed)
        return out


@dataclass(frozen=True)
class Triage:
    """The triage level, plain-language reasons (most important first) and the fired rules."""

    level: TriageLevel
    reasons: tuple[str, ...]
    red_flags: tuple[RedFlag, ...] = ()

    @property
    def advice(self) -> str:
        return TRIAGE_ADVICE[self.level]

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "advice": self.advice,
            "reasons": list(self.reasons),
            "red_flags": [f.to_dict() for f in self.red_flags],
        }


@dataclass(frozen=True)
class Assessment:
    """The whole result of ``assess``: triage first, then conditions sorted by probability.

    ``answers`` is the validated intake the result was computed from; ``unknown`` lists the
    core items that were not answered (treated as unknown, never as "no").
    """

    triage: Triage
    conditions: tuple[RankedCondition, ...]
    answers: Mapping[str, AnswerValue]
    engine_version: str
    knowledge_version: str
    unknown: tuple[str, ...] = ()
    disclaimer: str = (
        "PainPath gives information, not a diagnosis. Only a clinician who examines you can "
        "diagnose the cause of your pain."
    )
    extras: Mapping[str, Any] = field(default_factory=dict)

    def top(self, n: int = 3) -> tuple[RankedCondition, ...]:
        return self.conditions[:n]

    def to_dict(self) -> dict[str, Any]:
        return {
            "triage": self.triage.to_dict(),
            "conditions": [c.to_dict() for c in self.conditions],
            "unknown": list(self.unknown),
            "engine_version": self.engine_version,
            "knowledge_version": self.knowledge_version,
            "disclaimer": self.disclaimer,
            **dict(self.extras),
        }
