"""The plan builder: from an assessment to a tailored self-care plan.

``build_plan(assessment)`` returns a :class:`Plan`: 3 to 6 exercises matched to the leading
causes and to how irritable the pain is, never one that is unsuitable for this person's answers,
plus the advice that applies and the warning signs; every choice carries a ``why``. Emergency
and urgent triage, or a serious cause that could not be ruled out, give no exercises, only the
advice to seek care. The rules and their sources are data (``data/progression.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from painpath.careplan.library import (
    GENERAL_TARGET,
    SERIOUS_CONDITIONS,
    Context,
    Exercise,
    Irritability,
    Library,
    describe_dose,
    load_library,
)
from painpath.engine.assessment import TRIAGE_ADVICE, Assessment, RankedCondition, TriageLevel

DecisionAction = Literal["start", "step_up", "hold", "step_down", "seek_care", "therapist_edit"]

DISCLAIMER = (
    "PainPath gives information, not a diagnosis. This plan does not replace an assessment by "
    "a physical therapist or doctor. Stop any exercise that makes your pain much worse, and "
    "act at once on the warning signs."
)
#: The disclaimer of a plan without exercises (a doctor first): no word about exercising.
DISCLAIMER_NO_EXERCISES = (
    "PainPath gives information, not a diagnosis. This plan does not replace an assessment by "
    "a doctor or physical therapist. Act at once on the warning signs."
)


@dataclass(frozen=True)
class PlanExercise:
    """One exercise of a plan with its current dose.

    ``sets`` is the current number of sets (progression changes it); ``dose`` is the
    plain-language dose for those sets; ``sessions_per_week`` is how often it is prescribed;
    ``why`` says why it was chosen; ``source`` is the exercise's citation and ``dose_source``
    the dose's. ``reps``, ``hold_seconds`` (seconds), ``minutes``, ``per_day`` and ``per_week``
    are the dose's parts (the library's by default, a therapist's after an edit: see
    :mod:`painpath.careplan.edit`); ``None`` where the dose has no such part, and in plans
    stored before they were recorded (then the library's values apply).
    """

    id: str
    name: str
    category: str
    level: int
    sets: int
    dose: str
    sessions_per_week: int
    why: str
    purpose: str
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    source: str
    dose_source: str
    drawing: str | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    per_day: int | None = None
    per_week: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "level": self.level,
            "sets": self.sets,
            "dose": self.dose,
            "sessions_per_week": self.sessions_per_week,
            "why": self.why,
            "purpose": self.purpose,
            "steps": list(self.steps),
            "cautions": list(self.cautions),
            "source": self.source,
            "dose_source": self.dose_source,
            "drawing": self.drawing,
            **{part: getattr(self, part) for part in DOSE_PARTS},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanExercise:
        return cls(
            **{
                **{k: data[k] for k in _EXERCISE_FIELDS if k in data},
                "steps": tuple(data["steps"]),
                "cautions": tuple(data.get("cautions", ())),
            }
        )


_EXERCISE_FIELDS = (
    "id",
    "name",
    "category",
    "level",
    "sets",
    "dose",
    "sessions_per_week",
    "why",
    "purpose",
    "source",
    "dose_source",
    "drawing",
    "reps",
    "hold_seconds",
    "minutes",
    "per_day",
    "per_week",
)

#: The parts of a dose besides the number of sets (see :class:`painpath.careplan.library.Dose`).
DOSE_PARTS = ("reps", "hold_seconds", "minutes", "per_day", "per_week")


@dataclass(frozen=True)
class PlanAdvice:
    """One advice item: ``title``, ``text``, ``why`` it applies, and its ``source``."""

    id: str
    title: str
    text: str
    why: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "why": self.why,
            "source": self.source,
        }


@dataclass(frozen=True)
class PlanWarning:
    """A warning sign: ``text``, the ``action`` it calls for, and its ``source``."""

    id: str
    text: str
    action: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "action": self.action, "source": self.source}


@dataclass(frozen=True)
class Decision:
    """One step of a plan's history.

    ``action``: ``start`` (plan built), ``step_up``, ``hold``, ``step_down`` or ``seek_care``
    (a new warning sign made triage emergency/urgent: exercises stopped); ``reason`` explains
    it in plain language; ``changes`` lists what changed ("Bridge: 2 sets -> 3 sets");
    ``checkin_id`` names the check-in it was made from (``None`` for ``start``);
    ``triage_level`` is the level after the decision.
    """

    action: DecisionAction
    reason: str
    triage_level: TriageLevel
    checkin_id: str | None = None
    at: str | None = None
    changes: tuple[str, ...] = ()
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "reason": self.reason,
            "triage_level": self.triage_level,
            "checkin_id": self.checkin_id,
            "at": self.at,
            "changes": list(self.changes),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        return cls(
            action=data["action"],
            reason=data["reason"],
            triage_level=data["triage_level"],
            checkin_id=data.get("checkin_id"),
            at=data.get("at"),
            changes=tuple(data.get("changes", ())),
            source=data.get("source", ""),
        )


@dataclass(frozen=True)
class Plan:
    """A self-care plan.

    ``triage_level``/``triage_advice``/``triage_reasons`` come from the assessment (or a later
    re-triage); ``exercises`` has 3-6 items as built (1-6 after a therapist's edit), or none
    when ``exercise_note`` says why;
    ``advice`` and ``warning_signs`` are always present; ``irritability`` (``low`` |
    ``moderate`` | ``high``) and ``level`` (1-4) describe the starting point; ``leading`` lists
    the causes the exercises were chosen for as ``(id, name, probability)``; ``answers`` and
    ``possible`` (condition ids whose contraindications apply) are kept so that progression can
    re-check suitability; ``history`` holds every decision, oldest first.
    ``therapist_note`` (plain text for the person, "" for none) and ``therapist_updated_at``
    (ISO 8601 UTC timestamp, ``None`` when no therapist has changed the plan) come from the
    latest therapist edit (:mod:`painpath.careplan.edit`); check-in progression keeps them, a
    rebuild after a new warning sign drops them.
    """

    triage_level: TriageLevel
    triage_advice: str
    triage_reasons: tuple[str, ...]
    irritability: Irritability
    irritability_reasons: tuple[str, ...]
    level: int
    leading: tuple[tuple[str, str, float], ...]
    exercises: tuple[PlanExercise, ...]
    advice: tuple[PlanAdvice, ...]
    warning_signs: tuple[PlanWarning, ...]
    exercise_note: str
    answers: Mapping[str, Any]
    possible: tuple[str, ...]
    library_version: str
    history: tuple[Decision, ...] = ()
    disclaimer: str = DISCLAIMER
    therapist_note: str = ""
    therapist_updated_at: str | None = None

    def context(self) -> Context:
        """The :class:`Context` suitability is judged in."""
        return Context(self.answers, frozenset(self.possible), self.irritability)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (round-trips through :meth:`from_dict`)."""
        return {
            "triage": {
                "level": self.triage_level,
                "advice": self.triage_advice,
                "reasons": list(self.triage_reasons),
            },
            "irritability": self.irritability,
            "irritability_reasons": list(self.irritability_reasons),
            "level": self.level,
            "leading_causes": [{"id": i, "name": n, "probability": p} for i, n, p in self.leading],
            "exercise_note": self.exercise_note,
            "exercises": [e.to_dict() for e in self.exercises],
            "advice": [a.to_dict() for a in self.advice],
            "warning_signs": [w.to_dict() for w in self.warning_signs],
            "history": [d.to_dict() for d in self.history],
            "context": {"answers": dict(self.answers), "possible": list(self.possible)},
            "library_version": self.library_version,
            "disclaimer": self.disclaimer,
            "therapist": (
                None
                if self.therapist_updated_at is None
                else {"note": self.therapist_note, "updated_at": self.therapist_updated_at}
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """Rebuild a plan stored with :meth:`to_dict` (raises ``KeyError`` naming a missing key)."""
        return cls(
            triage_level=data["triage"]["level"],
            triage_advice=data["triage"]["advice"],
            triage_reasons=tuple(data["triage"]["reasons"]),
            irritability=data["irritability"],
            irritability_reasons=tuple(data.get("irritability_reasons", ())),
            level=int(data["level"]),
            leading=tuple(
                (c["id"], c["name"], float(c["probability"])) for c in data["leading_causes"]
            ),
            exercises=tuple(PlanExercise.from_dict(e) for e in data["exercises"]),
            advice=tuple(PlanAdvice(**a) for a in data["advice"]),
            warning_signs=tuple(PlanWarning(**w) for w in data["warning_signs"]),
            exercise_note=data["exercise_note"],
            answers=dict(data["context"]["answers"]),
            possible=tuple(data["context"]["possible"]),
            library_version=data["library_version"],
            history=tuple(Decision.from_dict(d) for d in data.get("history", ())),
            disclaimer=data.get("disclaimer", DISCLAIMER),
            therapist_note=str((data.get("therapist") or {}).get("note", "")),
            therapist_updated_at=(data.get("therapist") or {}).get("updated_at"),
        )


# --------------------------------------------------------------------------- helpers


def assessment_from_dict(data: Mapping[str, Any], answers: Mapping[str, Any]) -> Assessment:
    """Rebuild the parts of an :class:`Assessment` a plan needs from ``Assessment.to_dict()``
    output (as stored with an intake) and its validated ``answers``.

    Triage level and reasons, and conditions (id, name, probability) are read; evidence is not
    needed for planning and is left out. Raises ``KeyError`` naming a missing key.
    """
    from painpath.engine.assessment import Triage

    triage = data["triage"]
    conditions = tuple(
        RankedCondition(c["id"], c.get("name", c["id"]), float(c["probability"]))
        for c in data["conditions"]
    )
    return Assessment(
        triage=Triage(level=triage["level"], reasons=tuple(triage.get("reasons", ()))),
        conditions=conditions,
        answers=dict(answers),
        engine_version=str(data.get("engine_version", "")),
        knowledge_version=str(data.get("knowledge_version", "")),
    )


def body_mass_index(answers: Mapping[str, Any]) -> float | None:
    """BMI in kg/m^2 from ``height_cm`` and ``weight_kg``, or ``None`` when either is unknown."""
    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    if not isinstance(height, int) or not isinstance(weight, int) or height <= 0:
        return None
    return float(weight) / (height / 100.0) ** 2


def assess_irritability(
    answers: Mapping[str, Any], library: Library | None = None
) -> tuple[Irritability, tuple[str, ...]]:
    """How irritable the pain is (``low`` | ``moderate`` | ``high``) and why.

    Pain now (0-10) sets the base level (unknown: ``moderate``); constant pain, night pain that
    wakes the person and a recent onset each raise it one step. Thresholds and sources:
    ``data/progression.yaml`` (Maitland; Barakatt et al. 2009; Serlin et al. 1995).
    """
    rule = (library or load_library()).irritability
    order: tuple[Irritability, ...] = ("low", "moderate", "high")
    reasons: list[str] = []
    pain = answers.get("pain_now")
    if not isinstance(pain, int) or isinstance(pain, bool):
        base: Irritability = rule.unknown_pain
        reasons.append("pain level not given")
    elif pain >= rule.high_pain_at_least.value:
        base = "high"
        reasons.append(f"pain now {pain}/10")
    elif pain >= rule.moderate_pain_at_least.value:
        base = "moderate"
        reasons.append(f"pain now {pain}/10")
    else:
        base = "low"
        reasons.append(f"pain now {pain}/10")
    steps = 0
    if answers.get("pain_constant") is True:
        steps += 1
        reasons.append("pain is constant")
    if answers.get("night_pain") in rule.night_pain_codes:
        steps += 1
        reasons.append("pain wakes you at night")
    days = answers.get("duration_days")
    if isinstance(days, int) and days <= rule.recent_onset_days_at_most.value:
        steps += 1
        reasons.append(f"started {days} days ago")
    level = order[min(order.index(base) + steps, 2)]
    return level, tuple(reasons)


@dataclass(frozen=True)
class _Chains:
    by_exercise: Mapping[str, tuple[str, ...]]
    ordered: tuple[tuple[str, ...], ...]


_CHAIN_CACHE: dict[int, _Chains] = {}


def _chains(library: Library) -> _Chains:
    cached = _CHAIN_CACHE.get(id(library))
    if cached is None:
        by_ex: dict[str, tuple[str, ...]] = {}
        ordered: list[tuple[str, ...]] = []
        for ex_id in library.exercises:
            if ex_id in by_ex:
                continue
            chain = library.chain(ex_id)
            ordered.append(chain)
            for member in chain:
                by_ex[member] = chain
        cached = _Chains(by_ex, tuple(ordered))
        _CHAIN_CACHE[id(library)] = cached
    return cached


def plan_exercise(
    exercise: Exercise, *, sets: int | None = None, why: str, library: Library
) -> PlanExercise:
    """A :class:`PlanExercise` for ``exercise`` at ``sets`` sets (default: its starting sets)."""
    n = exercise.dose.sets if sets is None else max(1, min(sets, exercise.dose.max_sets))
    dose = exercise.dose
    return PlanExercise(
        id=exercise.id,
        name=exercise.name,
        category=exercise.category,
        level=exercise.level,
        sets=n,
        dose=exercise.dose.text(n),
        sessions_per_week=exercise.dose.sessions_per_week(),
        why=why,
        purpose=exercise.purpose,
        steps=exercise.steps,
        cautions=exercise.cautions,
        source=exercise.source,
        dose_source=exercise.dose.source,
        drawing=exercise.drawing,
        reps=dose.reps,
        hold_seconds=dose.hold_seconds,
        minutes=dose.minutes,
        per_day=dose.per_day,
        per_week=dose.per_week,
    )


def with_sets(item: PlanExercise, exercise: Exercise, sets: int) -> PlanExercise:
    """``item`` at ``sets`` sets (clamped to 1..``exercise.dose.max_sets``), keeping its other
    dose parts, so a therapist's repetitions, hold or frequency survive progression.

    A plan stored before dose parts were recorded gets the library's dose for ``exercise``.
    """
    n = max(1, min(sets, exercise.dose.max_sets))
    if item.reps is None and item.minutes is None:
        return plan_exercise(exercise, sets=n, why=item.why, library=load_library())
    parts = {part: getattr(item, part) for part in DOSE_PARTS}
    return replace(item, sets=n, dose=describe_dose(n, **parts))


#: Triage levels at which a plan has no exercises, only the advice to seek care.
SEE_DOCTOR_LEVELS: tuple[TriageLevel, ...] = ("emergency", "urgent")


def see_doctor_note(level: TriageLevel) -> str:
    """The plan's note when ``level`` (emergency or urgent) means no exercises."""
    return (
        "No exercises: your answers include warning signs that need a doctor first. "
        + TRIAGE_ADVICE[level]
    )


#: How the start is explained to the person, by irritability (plain words, no jargon).
_START_WORDS: Mapping[Irritability, str] = {
    "high": "your pain flares up easily right now, so the start is gentle.",
    "moderate": "some activities make your pain flare up, so the start is moderate.",
    "low": "your pain is settled enough for a normal start.",
}


# --------------------------------------------------------------------------- the builder


def build_plan(
    assessment: Assessment,
    *,
    start_level: int | None = None,
    library: Library | None = None,
    confirmed: RankedCondition | None = None,
) -> Plan:
    """Build the self-care plan for ``assessment``.

    ``start_level`` (1-4) overrides the starting exercise level chosen from irritability.
    ``confirmed``: the leading cause a clinician confirmed (a therapist's review): exercises
    are chosen for it alone (then general ones), it counts as possible for the
    contraindications, and it takes the engine's first place in the serious-cause rule: a
    confirmed serious cause withholds exercises, and so does any other serious cause ranked at
    ``serious_probability`` or more (safety: a review does not rule those out).
    Returns a :class:`Plan` with 3-6 exercises (none for emergency/urgent triage or when a
    serious cause could not be ruled out), the advice that applies and the warning signs.
    Raises ``ValueError`` naming ``start_level`` when it is out of range. Pure and fast
    (< 5 ms; see benchmarks/bench_careplan.py).
    """
    lib = library or load_library()
    if start_level is not None and not 1 <= start_level <= 4:
        raise ValueError(f"start_level: must be 1 to 4, got {start_level!r}")
    rules = lib.plan
    answers: dict[str, Any] = dict(assessment.answers)
    bmi = body_mass_index(answers)
    irritability, irr_reasons = assess_irritability(answers, lib)
    level = start_level or lib.irritability.start_level[irritability]

    conditions = assessment.conditions
    possible = {c.id for c in conditions if c.probability >= rules.possible_probability.value}
    possible.update(c.id for c in conditions[:3])
    if confirmed is not None:
        possible.add(confirmed.id)
    derived = dict(answers)
    if bmi is not None:
        derived["bmi"] = round(bmi)
    ctx = Context(derived, frozenset(possible), irritability)

    leading = [
        c
        for c in conditions[:3]
        if c.probability >= rules.leading_probability.value and c.id not in SERIOUS_CONDITIONS
    ]
    if not leading:
        leading = [c for c in conditions[:3] if c.id not in SERIOUS_CONDITIONS][:1]
    if confirmed is not None:
        leading = [] if confirmed.id in SERIOUS_CONDITIONS else [confirmed]

    triage = assessment.triage
    serious = [
        c
        for i, c in enumerate(conditions)
        if c.id in SERIOUS_CONDITIONS
        and ((i == 0 and confirmed is None) or c.probability >= rules.serious_probability.value)
    ]
    if confirmed is not None and confirmed.id in SERIOUS_CONDITIONS:
        serious = [confirmed, *(c for c in serious if c.id != confirmed.id)]
    withheld = False
    exercises: tuple[PlanExercise, ...] = ()
    if triage.level in SEE_DOCTOR_LEVELS:
        note = see_doctor_note(triage.level)
    elif serious:
        withheld = True
        names = ", ".join(c.name for c in serious)
        note = (
            "No exercises yet: a clinician should first rule out a serious cause that your "
            f"answers could fit ({names}). Book an assessment soon."
        )
    else:
        exercises = _choose_exercises(
            lib, ctx, leading, irritability, level, confirmed=confirmed is not None
        )
        causes = ", ".join(c.name for c in leading) or "non-specific back or hip pain"
        chosen_for = (
            f"the cause your physical therapist confirmed ({causes})"
            if confirmed is not None
            else f"the likely causes ({causes})"
        )
        note = (
            f"Exercises chosen for {chosen_for}, starting at level {level} "
            f"of 4: {_START_WORDS[irritability]}"
        )

    advice = _choose_advice(lib, ctx, triage.level, withheld, bmi)
    warnings = tuple(PlanWarning(w.id, w.text, w.action, w.source) for w in lib.warning_signs)
    plan = Plan(
        triage_level=triage.level,
        triage_advice=TRIAGE_ADVICE[triage.level],
        triage_reasons=tuple(triage.reasons),
        irritability=irritability,
        irritability_reasons=irr_reasons,
        level=level,
        leading=tuple((c.id, c.name, c.probability) for c in leading),
        exercises=exercises,
        advice=advice,
        warning_signs=warnings,
        exercise_note=note,
        answers=answers,
        possible=tuple(sorted(possible)),
        library_version=lib.version,
        disclaimer=DISCLAIMER if exercises else DISCLAIMER_NO_EXERCISES,
    )
    start = Decision(
        action="start",
        reason=note,
        triage_level=triage.level,
        changes=tuple(f"{e.name}: {e.dose}" for e in exercises),
        source=rules.source,
    )
    return replace(plan, history=(start,))


def _choose_exercises(
    lib: Library,
    ctx: Context,
    leading: Sequence[Any],
    irritability: Irritability,
    level: int,
    *,
    confirmed: bool = False,
) -> tuple[PlanExercise, ...]:
    rules = lib.plan
    extra = 1 if len(leading) > 1 else 0
    target = rules.exercises_by_irritability[irritability] + extra
    target = max(rules.min_exercises, min(rules.max_exercises, target))

    # For each chain of variants: the hardest variant at or below the starting level that suits
    # this person, and the reasons harder variants at that level were left out.
    picks: dict[tuple[str, ...], tuple[Exercise, list[str]]] = {}
    for chain in _chains(lib).ordered:
        skipped: list[str] = []
        chosen: Exercise | None = None
        for ex_id in reversed(chain):
            ex = lib.exercises[ex_id]
            if ex.level > level or irritability not in ex.start_irritability:
                continue
            reasons = lib.unsuitable_reasons(ex, ctx)
            if reasons:
                skipped.append(f"{ex.name} is left out: {reasons[0]}")
                continue
            chosen = ex
            break
        if chosen is not None:
            picks[chain] = (chosen, skipped)

    names = {c.id: c.name for c in leading}
    order = [c.id for c in leading] + [GENERAL_TARGET]
    selected: list[tuple[Exercise, str, list[str]]] = []
    used: set[tuple[str, ...]] = set()
    per_category: dict[str, int] = {}

    def best_for(target_id: str, cap: bool) -> tuple[tuple[str, ...], Exercise, list[str]] | None:
        best = None
        best_key: tuple[int, int] | None = None
        for i, (chain, (ex, skipped)) in enumerate(picks.items()):
            if chain in used or target_id not in ex.targets:
                continue
            if cap and per_category.get(ex.category, 0) >= rules.max_per_category:
                continue
            key = (ex.targets[target_id], i)
            if best_key is None or key < best_key:
                best, best_key = (chain, ex, skipped), key
        return best

    for cap in (True, False):
        progress_made = True
        while len(selected) < target and progress_made:
            progress_made = False
            for target_id in order:
                if len(selected) >= target:
                    break
                # `general` only fills up once the leading causes have nothing left.
                if target_id == GENERAL_TARGET and any(best_for(t, cap) for t in order[:-1]):
                    continue
                found = best_for(target_id, cap)
                if found is None:
                    continue
                chain, ex, skipped = found
                used.add(chain)
                per_category[ex.category] = per_category.get(ex.category, 0) + 1
                selected.append((ex, target_id, skipped))
                progress_made = True
        if len(selected) >= rules.min_exercises:
            break

    out = []
    for ex, target_id, skipped in selected:
        if target_id == GENERAL_TARGET:
            why = "A safe, general exercise for back and hip pain that keeps you moving."
        else:
            why = (
                f"Chosen for {names[target_id].lower()}, the cause your physical therapist "
                "confirmed."
                if confirmed
                else f"Chosen for {names[target_id].lower()}, one of the likely causes."
            )
        chain = _chains(lib).by_exercise[ex.id]
        if ex.id != chain[-1] and irritability == "high":
            why += " Started with an easier version while your pain settles."
        if skipped:
            why += " " + " ".join(s[0].upper() + s[1:] + "." for s in skipped[:1])
        sets = 1 if irritability == "high" else None
        out.append(plan_exercise(ex, sets=sets, why=why, library=lib))
    return tuple(out)


def _choose_advice(
    lib: Library,
    ctx: Context,
    level: TriageLevel,
    withheld: bool,
    bmi: float | None,
) -> tuple[PlanAdvice, ...]:
    items = []
    for item in lib.advice:
        if level not in item.triage:
            continue
        if item.when_exercise_withheld and not withheld:
            continue
        if item.when is not None and not item.when.matches(ctx):
            continue
        why = item.why
        if item.id == "weight_management":
            why += (
                f" Your BMI from the height and weight you gave is {bmi:.1f}."
                if bmi is not None
                else " Height and weight were not given, so your BMI is not known."
            )
        items.append((item.order, PlanAdvice(item.id, item.title, item.text, why, item.source)))
    items.sort(key=lambda pair: pair[0])
    return tuple(a for _, a in items)
