"""The knowledge base: loader, strict schema and rule compiler for ``engine/data/*.yaml``.

The clinical content lives in four YAML files inside the package (each explains its own format
in a header comment):

* ``conditions.yaml``  - the 16 conditions of the spec: names and patient education text.
* ``features.yaml``    - named answer patterns ("leg pain below the knee") reused by the rules.
* ``likelihoods.yaml`` - per condition: prior probability (by age band) and likelihood ratios.
* ``red_flags.yaml``   - emergency/urgent red-flag rules, the routine-vs-self-care rules and the
  ranking safety net (``ranking_escalation``: a likely serious cause with no red flag is urgent).

Loading parses every file into frozen pydantic models that reject unknown keys; any problem raises
:class:`KnowledgeError` naming the file, the entry and the field. Rule expressions are compiled
once, at load time, into closures so that an assessment only calls functions (no parsing).

Expression grammar (a mapping with exactly one operator)::

    {item: age, gte: 70}                     number comparisons: gte, gt, lte, lt
    {item: onset, is: sudden}                boolean or choice equals (``is: true`` for booleans)
    {item: night_pain, in: [a, b]}           choice is one of
    {item: pain_locations, has_any: [a, b]}  multi answer contains at least one of
    {item: worse_with, has_all: [a, b]}      multi answer contains all of
    {item: pain_locations, has_none: [a, b]} multi answer was given and contains none of
    {answered: saddle_numbness}              the item was answered (true/false, never unknown)
    {feature: bilateral_leg_pain}            a named pattern from ``features.yaml``
    {all: [expr, ...]}                       every part true
    {any: [expr, ...]}                       at least one part true

A comparison leaf may add ``if_unknown: true`` (red-flag rules only)::

    {item: duration_days, lt: 42, if_unknown: true,
     if_unknown_text: "You did not say how long ...",   # told to the person when assumed
     basis: "why assuming the worst is right, with its source"}

meaning: when ``item`` is unanswered this leaf counts as met (the safe assumption), not as
unknown. It exists for time-window gates of emergency/urgent rules ("pain began less than six
weeks ago"): a skipped "how long" question must not hide a red flag whose definite parts are
all present. The loader refuses it in features, findings and routine rules; without a
``basis`` and an ``if_unknown_text``; as one alternative of an ``any`` whose other
alternatives do not read the same item (a missing answer alone would then satisfy a clinical
criterion); and in a rule that would fire on an empty intake (see ``_compile_red_flag`` and
``_refuse_assumptions``). Triage tells the person when a rule fired only because of such an
assumption (``triage.decide``).

Evaluation is three-valued: ``True``, ``False`` or ``None`` (unknown). An absent item is unknown,
never "no": ``{item: fever_or_chills, is: false}`` is unknown when fever was not asked, and a rule
fires only when its expression is ``True``. ``all`` is false if any part is false, unknown if any
part is unknown, else true; ``any`` is true if any part is true, unknown if any is unknown, else
false. There is deliberately no ``not``: negative evidence must be written as an explicit answer
(``is: false``, ``has_none``) so that silence can never count as "no". The only leaves that are
definite on a missing answer are ``answered`` and the ``if_unknown: true`` leaves above (which
make silence count as the more urgent "yes", never as "no").
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from painpath.engine.assessment import Evidence
from painpath.engine.compiler import Evaluator, build_evaluator

#: Version of the clinical content; bump whenever a number, rule or text in data/ changes.
KNOWLEDGE_VERSION = "2026.11.30-12"

#: Evaluated expression: an answer-dict -> True / False / None (unknown).
Predicate = Callable[[Mapping[str, Any]], bool | None]

#: Indices of the (red-flag rules, routine rules, atoms) that are true for one intake.
Evaluation = tuple[list[int], list[int], list[int]]

DATA_PACKAGE = "painpath.engine.data"
FILES = ("conditions.yaml", "features.yaml", "likelihoods.yaml", "red_flags.yaml")


class KnowledgeError(ValueError):
    """The knowledge base is malformed. The message names the file, the entry and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# --------------------------------------------------------------------------- conditions.yaml


class Condition(_Strict):
    """One condition: names and the patient education text (plain language, ours).

    ``category`` is ``common`` (the clinic's seven common causes), ``specific`` (a named cause a
    clinician should confirm: stenosis, axial spondyloarthritis) or ``serious`` (needs medical
    care). ``needs_clinician`` means the person should not self-manage it without an assessment.
    """

    id: str
    name: str
    category: Literal["common", "specific", "serious"]
    needs_clinician: bool
    description: str
    causes: tuple[str, ...] = Field(min_length=1)
    symptoms: tuple[str, ...] = Field(min_length=1)
    what_helps: tuple[str, ...] = Field(min_length=1)
    seek_help_if: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)

    _blank = field_validator("id", "name", "description")(_nonblank)


class _ConditionsFile(_Strict):
    conditions: tuple[Condition, ...]


# --------------------------------------------------------------------------- expressions


class Expr(_Strict):
    """A rule expression (see the module docstring for the grammar)."""

    item: str | None = None
    is_: bool | str | int | None = Field(default=None, alias="is")
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    has_any: tuple[str, ...] | None = None
    has_all: tuple[str, ...] | None = None
    has_none: tuple[str, ...] | None = None
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    answered: str | None = None
    feature: str | None = None
    all_: tuple[Expr, ...] | None = Field(default=None, alias="all")
    any_: tuple[Expr, ...] | None = Field(default=None, alias="any")
    if_unknown: Literal[True] | None = None
    if_unknown_text: str | None = None
    basis: str | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Expr:
        item_ops = [
            name
            for name in ("is_", "in_", "has_any", "has_all", "has_none", "gte", "gt", "lte", "lt")
            if getattr(self, name) is not None
        ]
        other_ops = [
            name
            for name in ("answered", "feature", "all_", "any_")
            if getattr(self, name) is not None
        ]
        if self.item is not None:
            if len(item_ops) != 1 or other_ops:
                raise ValueError(
                    "an expression with 'item' needs exactly one of is, in, has_any, has_all, "
                    "has_none, gte, gt, lte, lt"
                )
        elif item_ops or len(other_ops) != 1:
            raise ValueError(
                "an expression needs 'item' with one comparison, or exactly one of "
                "answered, feature, all, any"
            )
        for name in ("all_", "any_", "in_", "has_any", "has_all", "has_none"):
            value = getattr(self, name)
            if value is not None and len(value) == 0:
                raise ValueError(f"'{name.rstrip('_')}' must not be empty")
        if self.if_unknown:
            if self.item is None:
                raise ValueError("'if_unknown' belongs on a comparison leaf with 'item'")
            if not (self.basis or "").strip():
                raise ValueError(
                    "'if_unknown' needs a 'basis' saying why assuming the worst is right"
                )
            if not (self.if_unknown_text or "").strip():
                raise ValueError(
                    "'if_unknown' needs an 'if_unknown_text' telling the person what was assumed"
                )
        elif self.basis is not None or self.if_unknown_text is not None:
            raise ValueError("'basis' and 'if_unknown_text' are allowed only with 'if_unknown'")
        return self

    def assumptions(self) -> list[Expr]:
        """The ``if_unknown: true`` leaves of this expression, in order (not following features)."""
        if self.if_unknown:
            return [self]
        parts = (self.all_ or ()) + (self.any_ or ())
        return [leaf for part in parts for leaf in part.assumptions()]

    def items(self) -> set[str]:
        """Every linkId this expression reads (not following features)."""
        out: set[str] = set()
        if self.item is not None:
            out.add(self.item)
        if self.answered is not None:
            out.add(self.answered)
        for part in (self.all_ or ()) + (self.any_ or ()):
            out |= part.items()
        return out

    def codes(self) -> list[tuple[str, str]]:
        """``(linkId, code)`` pairs this expression compares against (for integrity checks)."""
        out: list[tuple[str, str]] = []
        if self.item is not None:
            for codes in (self.in_, self.has_any, self.has_all, self.has_none):
                out.extend((self.item, c) for c in codes or ())
            if isinstance(self.is_, str):
                out.append((self.item, self.is_))
        for part in (self.all_ or ()) + (self.any_ or ()):
            out.extend(part.codes())
        return out

    def features(self) -> set[str]:
        out = {self.feature} if self.feature else set()
        for part in (self.all_ or ()) + (self.any_ or ()):
            out |= part.features()
        return out

    def describe(self) -> str:
        """A compact, stable text form, e.g. ``age>=70`` or ``worse_with=coughing...``."""
        if self.item is not None:
            # Marked so that an assumed leaf never shares an atom with a plain one.
            return self._describe_leaf() + (" [if unknown: true]" if self.if_unknown else "")
        if self.answered is not None:
            return f"{self.answered}?"
        if self.feature is not None:
            return self.feature
        parts = self.all_ or self.any_ or ()
        joiner = " & " if self.all_ else " | "
        return "(" + joiner.join(p.describe() for p in parts) + ")"

    def _describe_leaf(self) -> str:
        for op, sym in (("gte", ">="), ("gt", ">"), ("lte", "<="), ("lt", "<")):
            bound = getattr(self, op)
            if bound is not None:
                return f"{self.item}{sym}{_num(bound)}"
        if self.is_ is not None:
            value = str(self.is_).lower() if isinstance(self.is_, bool) else self.is_
            return f"{self.item}={value}"
        for op in ("in_", "has_any", "has_all", "has_none"):
            codes = getattr(self, op)
            if codes is not None:
                joiner = "+" if op == "has_all" else "|"
                prefix = "!" if op == "has_none" else ""
                return f"{self.item}={prefix}{joiner.join(codes)}"
        raise AssertionError("a leaf always has one comparison")  # pragma: no cover


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


Expr.model_rebuild()


class Feature(_Strict):
    """A named, reusable answer pattern (``features.yaml``)."""

    id: str
    text: str
    when: Expr


class _FeaturesFile(_Strict):
    features: tuple[Feature, ...]


# --------------------------------------------------------------------------- likelihoods.yaml


class AgeBand(_Strict):
    """Prior probability for ages ``min_age`` .. ``max_age`` inclusive."""

    min_age: int = Field(ge=16, le=110)
    max_age: int = Field(ge=16, le=110)
    p: float = Field(gt=0, lt=1)


class Prior(_Strict):
    """How common the condition is among adults presenting with low back or hip pain.

    ``p`` is used when age is unknown (or outside every band); ``by_age`` bands, when given, must
    not overlap.
    """

    p: float = Field(gt=0, lt=1)
    by_age: tuple[AgeBand, ...] = ()
    source: str
    basis: str | None = None

    _blank = field_validator("source")(_nonblank)

    @model_validator(mode="after")
    def _bands(self) -> Prior:
        bands = sorted(self.by_age, key=lambda b: b.min_age)
        for band in bands:
            if band.max_age < band.min_age:
                raise ValueError(f"age band {band.min_age}-{band.max_age} is empty")
        for a, b in itertools.pairwise(bands):
            if b.min_age <= a.max_age:
                raise ValueError(f"age bands {a.min_age}-{a.max_age} and {b.min_age} overlap")
        return self


class Finding(_Strict):
    """One patient-reportable finding and its likelihood ratio for the condition.

    ``lr`` > 1 raises the probability, < 1 lowers it. Findings that share a ``group`` are
    correlated (they measure the same thing); only the strongest in each direction counts.
    ``text`` is the plain-language phrase shown as evidence. ``basis`` says how a number was
    derived when the source gives sensitivity/specificity or only a qualitative statement.
    """

    id: str
    text: str
    when: Expr
    lr: float = Field(gt=0, le=100)
    group: str | None = None
    source: str
    basis: str | None = None

    _blank = field_validator("id", "text", "source")(_nonblank)


class ConditionModel(_Strict):
    """The numbers for one condition: its prior and its findings."""

    condition: str
    prior: Prior
    findings: tuple[Finding, ...] = ()


class _LikelihoodsFile(_Strict):
    lr_floor: float = Field(gt=0, lt=1)
    lr_ceiling: float = Field(gt=1)
    source: str
    models: tuple[ConditionModel, ...]


# --------------------------------------------------------------------------- red_flags.yaml


class RedFlagRule(_Strict):
    """An emergency or urgent rule.

    ``post_test_probability`` (optional) is the published probability of ``conditions[0]`` given
    the flag. The ranking uses it as that condition's starting probability, then applies the
    LRs of the condition's finding groups *not* listed in ``covers`` (the groups the published
    figure already reflects), and never shows the condition below it (see ``ranking.py``).
    """

    id: str
    level: Literal["emergency", "urgent"]
    when: Expr
    conditions: tuple[str, ...] = Field(min_length=1)
    reason: str
    source: str
    post_test_probability: float | None = Field(default=None, gt=0, lt=1)
    covers: tuple[str, ...] = ()
    basis: str | None = None

    _blank = field_validator("id", "reason", "source")(_nonblank)

    @model_validator(mode="after")
    def _covers_needs_probability(self) -> RedFlagRule:
        if self.covers and self.post_test_probability is None:
            raise ValueError("'covers' needs a 'post_test_probability'")
        if self.post_test_probability is not None and not (self.basis or "").strip():
            raise ValueError("a 'post_test_probability' needs a 'basis' saying where it is from")
        return self


class RoutineRule(_Strict):
    """A finding that needs a clinician's assessment (routine), though not urgently."""

    id: str
    when: Expr
    reason: str
    source: str

    _blank = field_validator("id", "reason", "source")(_nonblank)


class KeyQuestion(_Strict):
    """An item that must be answered before PainPath may advise self-care."""

    item: str
    reason: str
    source: str


class SelfCare(_Strict):
    """When no red flag and no routine rule fired: what else self-care requires."""

    required_answers: tuple[KeyQuestion, ...]
    referral_probability: float = Field(gt=0, lt=1)
    referral_source: str


class ConcernFloor(_Strict):
    """The least probability shown for a serious condition that a fired red flag names.

    Not a measured frequency: it is the level of suspicion at which the red-flag framework
    sends the person to a doctor to rule the condition out, applied so that such a condition
    is always visible near the top of the list (see ``ranking.py``).
    """

    probability: float = Field(gt=0, lt=0.5)
    source: str
    basis: str

    _blank = field_validator("source", "basis")(_nonblank)


class RankingEscalation(_Strict):
    """The safety net from the ranking: a serious condition this likely, with no red flag.

    Red-flag screening runs first and alone decides emergency and urgent from single answers.
    When none fired but the answers *together* make a condition of category ``serious``
    (conditions.yaml) at least ``probability`` likely in the ranking, triage becomes ``level``
    (only ever upward: it applies where the level would otherwise be routine or self-care).
    ``reason`` is told to the person; ``{condition}`` in it is replaced by the condition's
    name. It must contain no number: the result page shows likelihood in words (bands), and
    the probability stays in the ranked conditions of the JSON.
    """

    level: Literal["urgent"]
    probability: float = Field(gt=0, lt=1)
    reason: str
    source: str
    basis: str

    _blank = field_validator("reason", "source", "basis")(_nonblank)

    @field_validator("reason")
    @classmethod
    def _plain_reason(cls, value: str) -> str:
        if "{condition}" not in value:
            raise ValueError("must name the condition with '{condition}'")
        if any(ch.isdigit() for ch in value) or "%" in value:
            raise ValueError("must not contain numbers or percentages (told to the person)")
        return value


class _RedFlagsFile(_Strict):
    concern_floor: ConcernFloor
    red_flags: tuple[RedFlagRule, ...]
    routine: tuple[RoutineRule, ...]
    self_care: SelfCare
    ranking_escalation: RankingEscalation

    @model_validator(mode="after")
    def _escalation_above_referral(self) -> _RedFlagsFile:
        # Urgent must not need less suspicion than routine referral does.
        if self.ranking_escalation.probability < self.self_care.referral_probability:
            raise ValueError(
                "ranking_escalation.probability must be at least self_care.referral_probability"
            )
        return self


# --------------------------------------------------------------------------- compiled form


@dataclass(frozen=True)
class CompiledFinding:
    finding: Finding
    test: Predicate
    log_lr: float  # natural log of the (capped) likelihood ratio
    lr: float  # the capped ratio actually applied
    group: str  # the finding's group, or its own id when ungrouped
    link_id: str  # the first item the finding reads, for the evidence record
    code: str | None
    atom: int  # index into Knowledge.atoms (identical expressions share one atom)
    evidence: Evidence  # prebuilt evidence record (``value`` filled per call when needed)
    needs_value: bool  # True when the evidence shows the answer's value (no code)
    pos: int  # position in the condition's list (deterministic tie-breaks)


@dataclass(frozen=True)
class CompiledModel:
    condition: Condition
    prior: Prior
    prior_log_odds_default: float
    # (min_age, max_age, log_odds) per band
    prior_bands: tuple[tuple[int, int, float], ...]
    findings: tuple[CompiledFinding, ...]


@dataclass(frozen=True)
class CompiledRule:
    """A compiled rule: its data, its predicate and the linkIds it reads.

    For a red-flag rule with ``if_unknown`` leaves, ``strict_test`` is the same expression
    with no assumption (unknown where an item is unanswered) and ``assumed`` the
    ``(linkId, text for the person)`` pairs of those leaves, in rule order; triage compares the
    two tests to tell whether the rule fired only because an unanswered item was assumed.
    """

    rule: RedFlagRule | RoutineRule
    test: Predicate
    answers: tuple[str, ...]
    strict_test: Predicate | None = None
    assumed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Knowledge:
    """The loaded, validated and compiled knowledge base (immutable; shared by all calls)."""

    version: str
    conditions: Mapping[str, Condition]
    features: Mapping[str, Feature]
    models: tuple[CompiledModel, ...]
    red_flags: tuple[CompiledRule, ...]
    routine: tuple[CompiledRule, ...]
    self_care: SelfCare
    concern_floor: ConcernFloor
    ranking_escalation: RankingEscalation
    lr_floor: float
    lr_ceiling: float
    likelihood_source: str
    # Reference evaluation path (closures; tests check the generated evaluator against it):
    # features in definition order (key in the prepared answers, predicate), then the
    # distinct finding expressions ("atoms") and, per atom, the (model index, finding) pairs
    # that use it. The ranking always uses `atom_users` to credit true atoms to models.
    # A feature or atom whose items are all unanswered cannot be true (the grammar's only
    # operator that is definite on a missing item is `answered`, and those are always
    # evaluated), so each carries the items it reads and is skipped when none is present.
    feature_plan: tuple[tuple[str, Predicate, frozenset[str]], ...] = ()
    atoms: tuple[Predicate, ...] = ()
    atom_users: tuple[tuple[tuple[int, CompiledFinding], ...], ...] = ()
    atoms_by_item: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    multi_item_atoms: tuple[tuple[int, frozenset[str]], ...] = ()
    # age (or None) -> prior log-odds per model; filled lazily by ranking (derived data only)
    prior_cache: dict[Any, tuple[float, ...]] = field(default_factory=dict, compare=False)
    # Every expression above, generated into one function (see compiler.py): the fast path.
    evaluator: Evaluator | None = field(default=None, compare=False)
    evaluator_source: str = field(default="", compare=False, repr=False)

    def evaluate(self, answers: Mapping[str, Any]) -> Evaluation:
        """Indices of the red-flag rules, routine rules and atoms that are true for ``answers``.

        Same results as testing ``red_flags[i].test``, ``routine[i].test`` and
        :meth:`true_atoms` on the prepared answers, in one generated function.
        """
        if self.evaluator is None:  # pragma: no cover - always set by build_knowledge
            prepared = self.prepare(answers)
            return (
                [i for i, r in enumerate(self.red_flags) if r.test(prepared) is True],
                [i for i, r in enumerate(self.routine) if r.test(prepared) is True],
                self.true_atoms(prepared),
            )
        return self.evaluator(answers)

    def prepare(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``answers`` with every feature evaluated once (keys ``"$feature"``).

        All compiled rules read features from these keys, so a call evaluates each feature
        a single time however many rules use it. Features reading only unanswered items are
        unknown (``None``) without evaluation.
        """
        prepared = dict(answers)
        present = answers.keys()
        for key, test, reads in self.feature_plan:
            # An empty `reads` means the feature must always be evaluated.
            prepared[key] = None if reads and reads.isdisjoint(present) else test(prepared)
        return prepared

    def true_atoms(self, prepared: Mapping[str, Any]) -> list[int]:
        """Indices of the atoms (distinct finding expressions) that are true, sorted."""
        atoms = self.atoms
        out: list[int] = []
        by_item = self.atoms_by_item
        for item in prepared:
            bucket = by_item.get(item)
            if bucket:
                for i in bucket:
                    if atoms[i](prepared) is True:
                        out.append(i)
        present = prepared.keys()
        for i, reads in self.multi_item_atoms:
            if (not reads or not reads.isdisjoint(present)) and atoms[i](prepared) is True:
                out.append(i)
        out.sort()
        return out

    def model(self, condition_id: str) -> CompiledModel:
        for m in self.models:
            if m.condition.id == condition_id:
                return m
        raise KeyError(condition_id)


# --------------------------------------------------------------------------- compiler


def feature_key(name: str) -> str:
    """The key under which :meth:`Knowledge.prepare` stores feature ``name``."""
    return "$" + name


def compile_expr(expr: Expr, features: Mapping[str, Any], *, assume: bool = True) -> Predicate:
    """Turn an :class:`Expr` into a three-valued predicate over a *prepared* answers mapping.

    ``features`` holds the names of the features defined so far; a feature reference reads
    the value :meth:`Knowledge.prepare` stored under :func:`feature_key` (unknown if absent).
    With ``assume=False`` every ``if_unknown`` leaf is evaluated strictly (unknown when its
    item is unanswered): triage uses that to tell whether a rule fired only by assumption.
    Raises ``KeyError`` for an unknown feature name.
    """
    if expr.item is not None:
        leaf = _compile_leaf(expr)
        if expr.if_unknown and assume:
            item = expr.item
            return lambda a: True if a.get(item) is None else leaf(a)
        return leaf
    if expr.answered is not None:
        name = expr.answered
        return lambda a: name in a
    if expr.feature is not None:
        if expr.feature not in features:
            raise KeyError(expr.feature)
        key = feature_key(expr.feature)
        return lambda a: a.get(key)
    if expr.all_ is not None:
        parts = tuple(compile_expr(p, features, assume=assume) for p in expr.all_)

        def all_of(a: Mapping[str, Any]) -> bool | None:
            unknown = False
            for part in parts:
                r = part(a)
                if r is False:
                    return False
                if r is None:
                    unknown = True
            return None if unknown else True

        return all_of
    if expr.any_ is not None:
        parts = tuple(compile_expr(p, features, assume=assume) for p in expr.any_)

        def any_of(a: Mapping[str, Any]) -> bool | None:
            unknown = False
            for part in parts:
                r = part(a)
                if r is True:
                    return True
                if r is None:
                    unknown = True
            return None if unknown else False

        return any_of
    raise KnowledgeError(f"expression {expr.describe()} has no operator")  # pragma: no cover


def _compile_leaf(expr: Expr) -> Predicate:
    """The strict predicate of a comparison leaf: unknown when its item is unanswered."""
    item = expr.item
    if item is not None:
        if expr.gte is not None:
            bound = expr.gte
            return lambda a: None if (v := a.get(item)) is None else v >= bound
        if expr.gt is not None:
            bound = expr.gt
            return lambda a: None if (v := a.get(item)) is None else v > bound
        if expr.lte is not None:
            bound = expr.lte
            return lambda a: None if (v := a.get(item)) is None else v <= bound
        if expr.lt is not None:
            bound = expr.lt
            return lambda a: None if (v := a.get(item)) is None else v < bound
        if expr.is_ is not None:
            want = expr.is_
            return lambda a: None if (v := a.get(item)) is None else v == want
        if expr.in_ is not None:
            choices = frozenset(expr.in_)
            return lambda a: None if (v := a.get(item)) is None else v in choices
        if expr.has_any is not None:
            codes = frozenset(expr.has_any)
            return lambda a: None if (v := a.get(item)) is None else not codes.isdisjoint(v)
        if expr.has_all is not None:
            codes = frozenset(expr.has_all)
            return lambda a: None if (v := a.get(item)) is None else codes.issubset(v)
        if expr.has_none is not None:
            codes = frozenset(expr.has_none)
            return lambda a: None if (v := a.get(item)) is None else codes.isdisjoint(v)
    raise KnowledgeError(f"expression {expr.describe()} is not a comparison")  # pragma: no cover


def _first_answer(expr: Expr, features: Mapping[str, Feature]) -> tuple[str, str | None]:
    """The linkId (and code) to show as the evidence's answer."""
    if expr.item is not None:
        for codes in (expr.has_any, expr.has_all, expr.in_, expr.has_none):
            if codes:
                return expr.item, codes[0] if len(codes) == 1 else None
        return expr.item, expr.is_ if isinstance(expr.is_, str) else None
    if expr.answered is not None:
        return expr.answered, None
    if expr.feature is not None:
        return _first_answer(features[expr.feature].when, features)
    parts = expr.all_ or expr.any_ or ()
    return _first_answer(parts[0], features)


def _answers_read(expr: Expr, features: Mapping[str, Feature]) -> tuple[str, ...]:
    out = set(expr.items())
    for name in expr.features():
        out |= set(_answers_read(features[name].when, features))
    return tuple(sorted(out))


def _definite_when_unanswered(expr: Expr, features: Mapping[str, Feature]) -> bool:
    """True when a part of ``expr`` is definite on a missing item (``answered``, ``if_unknown``)."""
    if expr.answered is not None or expr.if_unknown:
        return True
    if any(_definite_when_unanswered(features[n].when, features) for n in expr.features()):
        return True
    parts = (expr.all_ or ()) + (expr.any_ or ())
    return any(_definite_when_unanswered(p, features) for p in parts)


def _skip_set(expr: Expr, features: Mapping[str, Feature]) -> frozenset[str] | None:
    """Items of which at least one must be answered for ``expr`` to be true.

    ``None`` when the expression must always be evaluated (it uses ``answered`` or
    ``if_unknown``, which can be true with every item it reads unanswered).
    """
    if _definite_when_unanswered(expr, features):
        return None
    return frozenset(_answers_read(expr, features))


def _refuse_assumptions(expr: Expr, filename: str, entry: str) -> None:
    """Raise when ``expr`` (a feature, finding or routine rule) uses ``if_unknown``.

    Assuming the worst is a safety device for emergency/urgent rules only: in a finding it would
    move probabilities on an unanswered question, and in a feature it would leak into every rule
    and finding that uses the feature.
    """
    leaves = expr.assumptions()
    if leaves:
        raise KnowledgeError(
            f"{filename}: entry {entry!r}: field 'when': 'if_unknown' (on {leaves[0].item!r}) "
            "is allowed only in red-flag (emergency or urgent) rules"
        )


def _lone_assumed_alternative(expr: Expr) -> str | None:
    """The item of an ``if_unknown`` leaf that sits beside unrelated alternatives, if any.

    Below an ``any``, an assumed leaf is acceptable only when every alternative of that ``any``
    reads the same item (the ``any`` is then a time window written in parts, e.g. "under 90
    days, or under a year and worsening"). Beside alternatives about something else (sudden
    onset, severe pain...), a skipped question alone would satisfy that criterion.
    """
    for part in expr.all_ or ():
        found = _lone_assumed_alternative(part)
        if found:
            return found
    for part in expr.any_ or ():
        for leaf in part.assumptions():
            assert leaf.item is not None
            if any(leaf.item not in other.items() for other in expr.any_ or ()):
                return leaf.item
        found = _lone_assumed_alternative(part)
        if found:
            return found
    return None


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


# --------------------------------------------------------------------------- loading


def _parse_yaml(filename: str, text: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{filename}: not valid YAML: {exc}") from None


def _cache_dir() -> Path:
    """Where parsed YAML is cached: ``$PAINPATH_DATA_DIR/cache`` or ``~/.cache/painpath``."""
    data_dir = os.environ.get("PAINPATH_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "painpath"


def _entry_name(data: Any, loc: Sequence[int | str]) -> str:
    """Describe the entry at ``loc`` by its ``id``/``condition`` when it has one."""
    node = data
    names: list[str] = []
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            ident = node.get("id") or node.get("condition")
            if isinstance(ident, str):
                names.append(ident)
    return names[0] if names else "-"


def _parse(model: type[BaseModel], filename: str, data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        entry = _entry_name(data, loc)
        field = ".".join(str(p) for p in loc)
        raise KnowledgeError(
            f"{filename}: entry {entry!r}: field {field!r}: {err['msg']}"
            + (f" ({len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else "")
        ) from None


def build_knowledge(raw: Mapping[str, Any], version: str = KNOWLEDGE_VERSION) -> Knowledge:
    """Validate and compile raw file contents (``{filename: parsed YAML}``) into ``Knowledge``.

    Separated from :func:`load_knowledge` so tests can feed small hand-made knowledge bases.
    Raises :class:`KnowledgeError` naming the file, entry and field of the first problem.
    """
    conds: _ConditionsFile = _parse(_ConditionsFile, "conditions.yaml", raw["conditions.yaml"])
    feats: _FeaturesFile = _parse(_FeaturesFile, "features.yaml", raw["features.yaml"])
    lik: _LikelihoodsFile = _parse(_LikelihoodsFile, "likelihoods.yaml", raw["likelihoods.yaml"])
    flags: _RedFlagsFile = _parse(_RedFlagsFile, "red_flags.yaml", raw["red_flags.yaml"])

    conditions: dict[str, Condition] = {}
    for c in conds.conditions:
        if c.id in conditions:
            raise KnowledgeError(f"conditions.yaml: entry {c.id!r}: field 'id': duplicate")
        conditions[c.id] = c

    feature_defs: dict[str, Feature] = {}
    compiled_features: dict[str, Predicate] = {}
    feature_plan: list[tuple[str, Predicate, frozenset[str]]] = []
    for feat in feats.features:
        if feat.id in feature_defs:
            raise KnowledgeError(f"features.yaml: entry {feat.id!r}: field 'id': duplicate")
        try:
            compiled_features[feat.id] = compile_expr(feat.when, compiled_features)
        except KeyError as exc:
            raise KnowledgeError(
                f"features.yaml: entry {feat.id!r}: field 'when': unknown feature "
                f"{exc.args[0]!r} (a feature may use only features defined above it)"
            ) from None
        _refuse_assumptions(feat.when, "features.yaml", feat.id)
        feature_defs[feat.id] = feat
        reads = _skip_set(feat.when, feature_defs)
        # An empty set means "always evaluate" (see prepare()).
        feature_plan.append(
            (feature_key(feat.id), compiled_features[feat.id], reads or frozenset())
        )

    def comp(expr: Expr, filename: str, entry: str) -> Predicate:
        try:
            return compile_expr(expr, compiled_features)
        except KeyError as exc:
            raise KnowledgeError(
                f"{filename}: entry {entry!r}: field 'when': unknown feature {exc.args[0]!r}"
            ) from None

    models: list[CompiledModel] = []
    seen: set[str] = set()
    atom_index: dict[str, int] = {}  # canonical expression text -> atom index
    atoms: list[Predicate] = []
    atom_reads: list[frozenset[str] | None] = []
    atom_exprs: list[Expr] = []
    for m in lik.models:
        if m.condition not in conditions:
            raise KnowledgeError(
                f"likelihoods.yaml: entry {m.condition!r}: field 'condition': not in "
                "conditions.yaml"
            )
        if m.condition in seen:
            raise KnowledgeError(f"likelihoods.yaml: entry {m.condition!r}: duplicate model")
        seen.add(m.condition)
        finding_ids: set[str] = set()
        compiled: list[CompiledFinding] = []
        for f in m.findings:
            if f.id in finding_ids:
                raise KnowledgeError(
                    f"likelihoods.yaml: entry {m.condition}/{f.id}: field 'id': duplicate"
                )
            finding_ids.add(f.id)
            _refuse_assumptions(f.when, "likelihoods.yaml", f"{m.condition}/{f.id}")
            lr = min(max(f.lr, lik.lr_floor), lik.lr_ceiling)
            link_id, code = _first_answer(f.when, feature_defs)
            test = comp(f.when, "likelihoods.yaml", f"{m.condition}/{f.id}")
            canon = f.when.describe()
            if canon not in atom_index:
                atom_index[canon] = len(atoms)
                atoms.append(test)
                atom_exprs.append(f.when)
                atom_reads.append(_skip_set(f.when, feature_defs))
            compiled.append(
                CompiledFinding(
                    finding=f,
                    test=test,
                    log_lr=math.log(lr),
                    lr=lr,
                    group=f.group or f.id,
                    link_id=link_id,
                    code=code,
                    atom=atom_index[canon],
                    evidence=Evidence(
                        link_id=link_id,
                        code=code,
                        effect="for" if lr > 1 else "against",
                        likelihood_ratio=lr,
                        text=f.text,
                        source=f.source,
                    ),
                    needs_value=code is None,
                    pos=len(compiled),
                )
            )
        models.append(
            CompiledModel(
                condition=conditions[m.condition],
                prior=m.prior,
                prior_log_odds_default=_logit(m.prior.p),
                prior_bands=tuple(
                    (b.min_age, b.max_age, _logit(b.p))
                    for b in sorted(m.prior.by_age, key=lambda b: b.min_age)
                ),
                findings=tuple(compiled),
            )
        )
    missing = [c for c in conditions if c not in seen]
    if missing:
        raise KnowledgeError(f"likelihoods.yaml: no model for conditions {missing}")
    # Rank in the order of conditions.yaml so ties break the same way every time.
    order = {cid: i for i, cid in enumerate(conditions)}
    models.sort(key=lambda cm: order[cm.condition.id])
    users: list[list[tuple[int, CompiledFinding]]] = [[] for _ in atoms]
    for mi, cm in enumerate(models):
        for cf in cm.findings:
            users[cf.atom].append((mi, cf))

    rule_ids: set[str] = set()
    red: list[CompiledRule] = []
    for r in flags.red_flags:
        if r.id in rule_ids:
            raise KnowledgeError(f"red_flags.yaml: entry {r.id!r}: field 'id': duplicate")
        rule_ids.add(r.id)
        for cid in r.conditions:
            if cid not in conditions:
                raise KnowledgeError(
                    f"red_flags.yaml: entry {r.id!r}: field 'conditions': unknown condition {cid!r}"
                )
        groups = {cf.group for cf in models[order[r.conditions[0]]].findings}
        for g in r.covers:
            if g not in groups:
                raise KnowledgeError(
                    f"red_flags.yaml: entry {r.id!r}: field 'covers': {g!r} is not a finding "
                    f"group of {r.conditions[0]!r} in likelihoods.yaml"
                )
        red.append(_compile_red_flag(r, comp, feature_defs, compiled_features, feature_plan))
    routine: list[CompiledRule] = []
    for rr in flags.routine:
        if rr.id in rule_ids:
            raise KnowledgeError(f"red_flags.yaml: entry {rr.id!r}: field 'id': duplicate")
        rule_ids.add(rr.id)
        _refuse_assumptions(rr.when, "red_flags.yaml", rr.id)
        routine.append(
            CompiledRule(
                rr, comp(rr.when, "red_flags.yaml", rr.id), _answers_read(rr.when, feature_defs)
            )
        )

    evaluator, evaluator_source = build_evaluator(
        [(f.id, f.when) for f in feature_defs.values()],
        [r.rule.when for r in red],
        [r.rule.when for r in routine],
        atom_exprs,
    )
    return Knowledge(
        version=version,
        conditions=conditions,
        features=feature_defs,
        models=tuple(models),
        red_flags=tuple(red),
        routine=tuple(routine),
        self_care=flags.self_care,
        concern_floor=flags.concern_floor,
        ranking_escalation=flags.ranking_escalation,
        lr_floor=lik.lr_floor,
        lr_ceiling=lik.lr_ceiling,
        likelihood_source=lik.source,
        feature_plan=tuple(feature_plan),
        atoms=tuple(atoms),
        atom_users=tuple(tuple(u) for u in users),
        atoms_by_item={
            item: tuple(i for i, r in enumerate(atom_reads) if r is not None and r == {item})
            for item in sorted({next(iter(r)) for r in atom_reads if r and len(r) == 1})
        },
        multi_item_atoms=tuple(
            (i, r or frozenset()) for i, r in enumerate(atom_reads) if r is None or len(r) != 1
        ),
        evaluator=evaluator,
        evaluator_source=evaluator_source,
    )


def _compile_red_flag(
    rule: RedFlagRule,
    comp: Callable[[Expr, str, str], Predicate],
    feature_defs: Mapping[str, Feature],
    compiled_features: Mapping[str, Predicate],
    feature_plan: Sequence[tuple[str, Predicate, frozenset[str]]],
) -> CompiledRule:
    """Compile one red-flag rule, checking its ``if_unknown`` leaves (see the module docstring).

    Raises :class:`KnowledgeError` naming the rule when an assumed leaf is a lone alternative
    of an ``any`` or when the rule would fire on an empty intake (on assumptions alone).
    """
    test = comp(rule.when, "red_flags.yaml", rule.id)
    answers = _answers_read(rule.when, feature_defs)
    leaves = rule.when.assumptions()
    if not leaves:
        return CompiledRule(rule, test, answers)
    lone = _lone_assumed_alternative(rule.when)
    if lone:
        raise KnowledgeError(
            f"red_flags.yaml: entry {rule.id!r}: field 'when': 'if_unknown' on {lone!r} is one "
            "alternative of an 'any' whose other alternatives do not read it, so a skipped "
            "question alone would satisfy that part of the rule"
        )
    empty: dict[str, Any] = {}
    for key, feature_test, reads in feature_plan:
        empty[key] = None if reads else feature_test(empty)
    if test(empty) is True:
        raise KnowledgeError(
            f"red_flags.yaml: entry {rule.id!r}: field 'when': the rule fires on an empty "
            "intake; 'if_unknown' may only fill a gap beside definite answers"
        )
    texts: dict[str, str] = {}
    for leaf in leaves:
        assert leaf.item is not None and leaf.if_unknown_text is not None
        texts.setdefault(leaf.item, leaf.if_unknown_text.strip())
    return CompiledRule(
        rule,
        test,
        answers,
        strict_test=compile_expr(rule.when, compiled_features, assume=False),
        assumed=tuple(texts.items()),
    )


def read_raw(*, use_cache: bool = True) -> dict[str, Any]:
    """The parsed (not yet validated) YAML of every knowledge file, by file name.

    Parsing the YAML is most of the load time (~30 ms), so the parsed data is cached as JSON
    under a name made of the SHA-256 of the files' bytes and the PyYAML version: any edit to
    a data file changes the name, and a stale cache can never be read. The cache holds only
    parsed text; the pydantic validation and the compilation run on every load regardless.
    A cache that cannot be read or written is simply ignored.
    """
    files = resources.files(DATA_PACKAGE)
    texts = {name: files.joinpath(name).read_bytes() for name in FILES}
    digest = hashlib.sha256(yaml.__version__.encode())
    for name, data in texts.items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    path = _cache_dir() / f"knowledge-{digest.hexdigest()[:32]}.json"
    if use_cache:
        try:
            cached = json.loads(path.read_bytes())
            if isinstance(cached, dict) and set(cached) == set(FILES):
                return cached
        except (OSError, ValueError):
            pass
    raw = {name: _parse_yaml(name, data.decode("utf-8")) for name, data in texts.items()}
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(raw), encoding="utf-8")
            os.replace(tmp, path)  # atomic: readers never see half a file
        except (OSError, TypeError, ValueError):
            pass
    return raw


@functools.lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """Load, validate and compile the packaged knowledge base (cached: loaded once per process).

    Returns a :class:`Knowledge` with ``.conditions`` (ordered mapping id -> :class:`Condition`
    with .id, .name, .description, .causes, .symptoms, .what_helps, .seek_help_if, .sources)
    and ``.version``. Raises :class:`KnowledgeError` when a data file is malformed.
    """
    return build_knowledge(read_raw())
