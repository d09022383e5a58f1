"""The care-plan library: exercises, advice, warning signs and rules, loaded from YAML data.

The data lives in ``painpath/careplan/data/`` (each file explains its format in a header
comment). Loading is strict: every entry is validated with pydantic into frozen objects, unknown
keys are rejected, cross-references (easier/harder variants, contraindication rules, drawings)
must resolve, and every exercise, dose, advice item and rule must name its ``source``. A problem
raises :class:`LibraryError` whose message names the file, the entry and the field.

``load_library()`` is cached: the data is read once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from painpath.engine.assessment import SERIOUS_CONDITION_IDS, SPEC_CONDITION_IDS

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Condition ids of the clinical contract (shared/spec/README.md).
CONDITION_IDS: frozenset[str] = frozenset(SPEC_CONDITION_IDS)

#: Causes for which a home exercise plan is not started before a clinician has seen the person.
SERIOUS_CONDITIONS: frozenset[str] = SERIOUS_CONDITION_IDS

#: ``targets`` may also say ``general``: suits non-specific back or hip pain.
GENERAL_TARGET = "general"

Irritability = Literal["low", "moderate", "high"]
IRRITABILITY_LEVELS: tuple[Irritability, ...] = ("low", "moderate", "high")

Category = Literal[
    "mobility",
    "stretch",
    "strength",
    "trunk_endurance",
    "motor_control",
    "nerve_slider",
    "directional_preference",
    "flexion_bias",
    "hip_abductor",
    "aerobic",
    "balance",
]

#: Movement tags: what the exercise does to the body, used by contraindication rules and tests.
Tag = Literal[
    "hip_adduction",
    "crossed_leg",
    "lumbar_flexion",
    "end_range_flexion",
    "loaded_flexion",
    "lumbar_extension",
    "neural_tension",
    "side_lying",
    "hip_abduction",
    "weight_bearing",
    "impact",
    "deep_hip_flexion",
]

_STRICT = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class LibraryError(ValueError):
    """The care-plan data is invalid; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Context:
    """What a predicate is evaluated against.

    ``answers``: the validated intake (absent linkId = unknown); ``conditions``: condition ids
    considered possible for this person; ``irritability``: ``low`` | ``moderate`` | ``high``.
    """

    answers: Mapping[str, Any]
    conditions: frozenset[str]
    irritability: Irritability


class Predicate(BaseModel):
    """A test on a person: exactly one of ``condition``, ``answer``, ``irritability``,
    ``all``, ``any`` or ``none``.

    ``answer`` needs ``any_of`` (multi/choice codes), ``equals`` (boolean or code) or
    ``at_least``/``at_most`` (integers, inclusive). An unanswered item is unknown: the test
    is false unless ``unknown_matches: true`` says to assume the cautious case.
    """

    model_config = _STRICT

    condition: str | None = None
    answer: str | None = None
    any_of: tuple[str, ...] | None = None
    equals: bool | str | None = None
    at_least: int | None = None
    at_most: int | None = None
    unknown_matches: bool = False
    irritability: tuple[Irritability, ...] | None = None
    all: tuple[Predicate, ...] | None = None
    any: tuple[Predicate, ...] | None = None
    none: tuple[Predicate, ...] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Predicate:
        kinds = [
            k
            for k in ("condition", "answer", "irritability", "all", "any", "none")
            if getattr(self, k) is not None
        ]
        if len(kinds) != 1:
            raise ValueError(
                "a predicate needs exactly one of condition, answer, irritability, all, any, "
                "none "
                f"(got {kinds or 'none'})"
            )
        tests = [self.any_of is not None, self.equals is not None]
        tests.append(self.at_least is not None or self.at_most is not None)
        if self.answer is not None and sum(tests) != 1:
            raise ValueError("an answer predicate needs one of any_of, equals, at_least/at_most")
        if self.answer is None and any(tests):
            raise ValueError("any_of, equals, at_least and at_most go with answer")
        if self.condition is not None and self.condition not in CONDITION_IDS:
            raise ValueError(f"unknown condition id {self.condition!r}")
        return self

    def matches(self, ctx: Context) -> bool:
        """True when the person in ``ctx`` meets this test."""
        if self.condition is not None:
            return self.condition in ctx.conditions
        if self.irritability is not None:
            return ctx.irritability in self.irritability
        if self.all is not None:
            return all(p.matches(ctx) for p in self.all)
        if self.any is not None:
            return any(p.matches(ctx) for p in self.any)
        if self.none is not None:
            return not any(p.matches(ctx) for p in self.none)
        assert self.answer is not None
        if self.answer not in ctx.answers or ctx.answers[self.answer] is None:
            return self.unknown_matches
        value = ctx.answers[self.answer]
        if self.any_of is not None:
            values = value if isinstance(value, list | tuple) else [value]
            return any(v in self.any_of for v in values)
        if self.equals is not None:
            return bool(value == self.equals)
        if isinstance(value, bool) or not isinstance(value, int):
            return self.unknown_matches
        if self.at_least is not None and value < self.at_least:
            return False
        return not (self.at_most is not None and value > self.at_most)

    def link_ids(self) -> Iterable[tuple[str, tuple[str, ...]]]:
        """Every (linkId, codes) this predicate reads, for integrity checks."""
        if self.answer is not None:
            codes = self.any_of or ((self.equals,) if isinstance(self.equals, str) else ())
            yield self.answer, tuple(codes)
        for sub in (self.all or ()) + (self.any or ()) + (self.none or ()):
            yield from sub.link_ids()


class Rule(BaseModel):
    """A named contraindication: when ``when`` holds, exercises listing this id are left out."""

    model_config = _STRICT

    when: Predicate
    reason: str = Field(min_length=5)
    source: str = Field(min_length=5)


class Dose(BaseModel):
    """How much: ``sets`` (start) up to ``max_sets``; each set is ``reps`` repetitions (each
    held ``hold_seconds`` when given) or one bout of ``minutes``; done ``per_day`` times a day
    or ``per_week`` days a week."""

    model_config = _STRICT

    sets: int = Field(ge=1, le=6)
    max_sets: int = Field(ge=1, le=6)
    reps: int | None = Field(default=None, ge=1, le=30)
    hold_seconds: int | None = Field(default=None, ge=1, le=120)
    minutes: int | None = Field(default=None, ge=1, le=60)
    per_day: int | None = Field(default=None, ge=1, le=6)
    per_week: int | None = Field(default=None, ge=1, le=7)
    source: str = Field(min_length=5)

    @model_validator(mode="after")
    def _shape(self) -> Dose:
        if self.max_sets < self.sets:
            raise ValueError("max_sets must be at least sets")
        if (self.reps is None) == (self.minutes is None):
            raise ValueError("give either reps (optionally with hold_seconds) or minutes")
        if self.minutes is not None and self.hold_seconds is not None:
            raise ValueError("hold_seconds goes with reps, not minutes")
        if (self.per_day is None) == (self.per_week is None):
            raise ValueError("give either per_day or per_week")
        return self

    def sessions_per_week(self) -> int:
        """Prescribed sessions in a week (``per_day`` x 7 or ``per_week``)."""
        return self.per_day * 7 if self.per_day is not None else int(self.per_week or 0)

    def text(self, sets: int | None = None) -> str:
        """Plain-language dose for ``sets`` sets (default: the starting sets)."""
        return describe_dose(
            self.sets if sets is None else sets,
            reps=self.reps,
            hold_seconds=self.hold_seconds,
            minutes=self.minutes,
            per_day=self.per_day,
            per_week=self.per_week,
        )


def describe_dose(
    sets: int,
    *,
    reps: int | None,
    hold_seconds: int | None,
    minutes: int | None,
    per_day: int | None,
    per_week: int | None,
) -> str:
    """A dose in plain words, e.g. ``"2 sets of 10 repetitions, once a day"``.

    ``sets``: sets (or bouts of ``minutes``); each set is ``reps`` repetitions, each held
    ``hold_seconds`` seconds when given; done ``per_day`` times a day or ``per_week`` days a
    week (the shape :class:`Dose` validates; a therapist's edit keeps it).
    """
    n = sets
    if minutes is not None:
        bouts = "1 bout" if n == 1 else f"{n} bouts"
        what = f"{bouts} of {minutes} minutes"
    else:
        set_word = "1 set" if n == 1 else f"{n} sets"
        reps = int(reps or 1)
        if hold_seconds is not None:
            secs = hold_seconds
            length = (
                f"{secs // 60} minute{'s' if secs >= 120 else ''}"
                if secs % 60 == 0
                else f"{secs} seconds"
            )
            if reps == 1:
                # One long hold a set (e.g. lying face down): count the holds instead.
                what = f"hold for {length}" if n == 1 else f"{n} holds of {length}"
            else:
                what = f"{set_word} of {reps} holds of {length}"
        else:
            what = f"{set_word} of {reps} repetitions"
    if per_day is not None:
        often = "once a day" if per_day == 1 else f"{per_day} times a day"
    else:
        often = "every day" if per_week == 7 else f"{per_week} days a week"
    return f"{what}, {often}"


class Exercise(BaseModel):
    """One exercise of the library (see the header of ``data/exercises.yaml``)."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=3)
    category: Category
    level: int = Field(ge=1, le=4)
    purpose: str = Field(min_length=10)
    steps: tuple[str, ...] = Field(min_length=2)
    dose: Dose
    targets: Mapping[str, int] = Field(min_length=1)
    start_irritability: tuple[Irritability, ...] = IRRITABILITY_LEVELS
    tags: tuple[Tag, ...] = ()
    easier: str | None = None
    harder: str | None = None
    cautions: tuple[str, ...] = ()
    unsuitable_for: tuple[str, ...] = ()
    drawing: str | None = None
    source: str = Field(min_length=5)

    @model_validator(mode="after")
    def _targets_known(self) -> Exercise:
        for t, priority in self.targets.items():
            if t != GENERAL_TARGET and t not in CONDITION_IDS:
                raise ValueError(f"targets: unknown condition id {t!r}")
            if not 1 <= priority <= 3:
                raise ValueError(f"targets: {t}: priority must be 1, 2 or 3")
        # Each caution is one whole sentence: an unquoted YAML flow list ("[a, b]") splits a
        # sentence at its commas into fragments shown as separate "Take care:" lines.
        for caution in self.cautions:
            if not (caution[:1].isupper() and caution.rstrip().endswith((".", "!", "?"))):
                raise ValueError(
                    f"cautions: {caution!r} is not a whole sentence (quote a caution that "
                    "contains a comma)"
                )
        return self


class AdviceItem(BaseModel):
    """One piece of advice, given when ``when`` holds (always when absent) at the listed
    triage levels."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=3)
    text: str = Field(min_length=10)
    why: str = Field(min_length=5)
    when: Predicate | None = None
    triage: tuple[Literal["emergency", "urgent", "routine", "self_care"], ...] = (
        "routine",
        "self_care",
    )
    when_exercise_withheld: bool = False
    order: int = 50
    source: str = Field(min_length=5)


class WarningSign(BaseModel):
    """A sign that means seeking help at once; ``answers`` are the intake items that record it."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=10)
    action: Literal["emergency", "urgent"]
    answers: Mapping[str, bool | str] = Field(default_factory=dict)
    #: What the person reported, per answer of ``answers`` (a sentence): a check-in names only
    #: the signs actually reported, not the whole group in ``text``.
    answer_texts: Mapping[str, str] = Field(default_factory=dict)
    source: str = Field(min_length=5)

    @model_validator(mode="after")
    def _answer_texts_match(self) -> WarningSign:
        extra = set(self.answer_texts) - set(self.answers)
        if extra:
            raise ValueError(f"answer_texts: not in answers: {', '.join(sorted(extra))}")
        return self


class AdviceFile(BaseModel):
    model_config = _STRICT

    version: str
    advice: tuple[AdviceItem, ...]
    warning_signs: tuple[WarningSign, ...]


class Sourced(BaseModel):
    """A number with its source."""

    model_config = _STRICT

    value: float
    source: str = Field(min_length=5)


class IrritabilityRule(BaseModel):
    """How irritable the pain is, from the answers (see ``data/progression.yaml``)."""

    model_config = _STRICT

    high_pain_at_least: Sourced
    moderate_pain_at_least: Sourced
    recent_onset_days_at_most: Sourced
    night_pain_codes: tuple[str, ...]
    unknown_pain: Irritability
    start_level: Mapping[Irritability, int]
    source: str = Field(min_length=5)


class ProgressionRule(BaseModel):
    """The pain-monitoring model (see ``data/progression.yaml``)."""

    model_config = _STRICT

    max_pain_during: Sourced
    morning_tolerance: Sourced
    step_down_pain_during: Sourced
    sustained_checkins: Sourced
    min_days_between_counted: Sourced
    min_adherence: Sourced
    source: str = Field(min_length=5)


class PlanRule(BaseModel):
    """Plan-building thresholds (see ``data/progression.yaml``)."""

    model_config = _STRICT

    min_exercises: int = Field(ge=1)
    max_exercises: int = Field(ge=1)
    exercises_by_irritability: Mapping[Irritability, int]
    max_per_category: int = Field(ge=1)
    leading_probability: Sourced
    possible_probability: Sourced
    serious_probability: Sourced
    overweight_bmi: Sourced
    source: str = Field(min_length=5)


class ProgressionFile(BaseModel):
    model_config = _STRICT

    version: str
    plan: PlanRule
    irritability: IrritabilityRule
    progression: ProgressionRule


class ExercisesFile(BaseModel):
    model_config = _STRICT

    version: str
    # Anchors for repeated sources (YAML `&name`), resolved by the YAML parser; not read here.
    sources_: tuple[Any, ...] = Field(default=(), alias="_sources")
    contraindications: Mapping[str, Rule]
    exercises: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Library:
    """The whole validated library.

    ``exercises``: id -> :class:`Exercise` (file order); ``rules``: contraindication id ->
    :class:`Rule`; ``advice``/``warning_signs`` in file order; ``plan``, ``irritability`` and
    ``progression`` are the sourced rules; ``version`` joins the files' versions.
    """

    exercises: Mapping[str, Exercise]
    rules: Mapping[str, Rule]
    advice: tuple[AdviceItem, ...]
    warning_signs: tuple[WarningSign, ...]
    plan: PlanRule
    irritability: IrritabilityRule
    progression: ProgressionRule
    version: str
    data_dir: Path

    def drawing_path(self, exercise: Exercise) -> Path | None:
        """Absolute path of the exercise's SVG drawing, or ``None``."""
        return self.data_dir / "drawings" / exercise.drawing if exercise.drawing else None

    def unsuitable_reasons(self, exercise: Exercise, ctx: Context) -> list[str]:
        """Why ``exercise`` is unsuitable for the person in ``ctx`` (empty list: suitable).

        A condition id in ``unsuitable_for`` applies when that condition is possible for the
        person; a rule id applies when its predicate holds.
        """
        reasons = []
        for ref in exercise.unsuitable_for:
            if ref in CONDITION_IDS:
                if ref in ctx.conditions:
                    reasons.append(f"not advised when {ref.replace('_', ' ')} is possible")
            elif self.rules[ref].when.matches(ctx):
                reasons.append(self.rules[ref].reason)
        return reasons

    def chain(self, exercise_id: str) -> tuple[str, ...]:
        """The exercise's progression chain, easiest first (ids linked by easier/harder)."""
        first = exercise_id
        seen = {first}
        while (prev := self.exercises[first].easier) is not None and prev not in seen:
            first = prev
            seen.add(prev)
        out = [first]
        while (nxt := self.exercises[out[-1]].harder) is not None and nxt not in out:
            out.append(nxt)
        return tuple(out)


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top)"


def _errors(exc: ValidationError, where: str) -> LibraryError:
    first = exc.errors()[0]
    return LibraryError(f"{where}: {_loc(first['loc'])}: {first['msg']}")


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except OSError as exc:
        raise LibraryError(f"{path.name}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise LibraryError(f"{path.name}: not valid YAML: {exc}") from exc


def load_library_from(data_dir: Path) -> Library:
    """Load and validate the library from ``data_dir`` (uncached; see :func:`load_library`).

    Raises :class:`LibraryError` naming the file, the entry and the field.
    """
    ex_raw = _read_yaml(data_dir / "exercises.yaml")
    try:
        ex_file = ExercisesFile.model_validate(ex_raw)
    except ValidationError as exc:
        raise _errors(exc, "exercises.yaml") from exc
    exercises: dict[str, Exercise] = {}
    for i, raw in enumerate(ex_file.exercises):
        name = raw.get("id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
        try:
            ex = Exercise.model_validate(raw)
        except ValidationError as exc:
            raise _errors(exc, f"exercises.yaml: exercise {name!r}") from exc
        if ex.id in exercises:
            raise LibraryError(f"exercises.yaml: exercise {ex.id!r}: id: duplicate id")
        exercises[ex.id] = ex
    for ex in exercises.values():
        where = f"exercises.yaml: exercise {ex.id!r}"
        for field_name in ("easier", "harder"):
            ref = getattr(ex, field_name)
            if ref is None:
                continue
            if ref not in exercises:
                raise LibraryError(f"{where}: {field_name}: no exercise {ref!r}")
            other = exercises[ref]
            if (field_name == "easier" and other.level > ex.level) or (
                field_name == "harder" and other.level < ex.level
            ):
                raise LibraryError(f"{where}: {field_name}: {ref!r} has level {other.level}")
        for ref in ex.unsuitable_for:
            if ref not in CONDITION_IDS and ref not in ex_file.contraindications:
                raise LibraryError(
                    f"{where}: unsuitable_for: {ref!r} is neither a condition id nor a rule"
                )
        if ex.drawing and not (data_dir / "drawings" / ex.drawing).is_file():
            raise LibraryError(f"{where}: drawing: no file drawings/{ex.drawing}")

    try:
        adv = AdviceFile.model_validate(_read_yaml(data_dir / "advice.yaml"))
    except ValidationError as exc:
        raise _errors(exc, "advice.yaml") from exc
    ids = [a.id for a in adv.advice]
    if len(set(ids)) != len(ids):
        raise LibraryError("advice.yaml: advice: duplicate id")
    try:
        prog = ProgressionFile.model_validate(_read_yaml(data_dir / "progression.yaml"))
    except ValidationError as exc:
        raise _errors(exc, "progression.yaml") from exc
    if set(prog.irritability.start_level) != set(IRRITABILITY_LEVELS):
        raise LibraryError("progression.yaml: irritability.start_level: give low, moderate, high")

    return Library(
        exercises=exercises,
        rules=dict(ex_file.contraindications),
        advice=adv.advice,
        warning_signs=adv.warning_signs,
        plan=prog.plan,
        irritability=prog.irritability,
        progression=prog.progression,
        version=f"exercises {ex_file.version}; advice {adv.version}; rules {prog.version}",
        data_dir=data_dir,
    )


@functools.cache
def load_library() -> Library:
    """The packaged library, validated once per process (raises :class:`LibraryError`)."""
    return load_library_from(DATA_DIR)
