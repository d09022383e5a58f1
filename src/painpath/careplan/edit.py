"""A physical therapist's changes to a care plan: validated and applied to a :class:`Plan`.

Pure Python (no web framework): the staff app turns its form into a :class:`PlanEdit` and
stores what :func:`apply_edit` or :func:`therapist_rebuild` returns as a new plan version.

The core's rules stay in force for a therapist:

* a current triage of emergency or urgent gives no exercises (adding one is refused, and the
  new version has none: ``SEE_DOCTOR_LEVELS``);
* an exercise the library marks unsuitable for this person (its ``unsuitable_for`` rules,
  judged on the plan's answers and possible causes) is refused, naming it and the reason;
* one exercise per chain of variants (progression moves along the chain);
* a plan that has exercises keeps between 1 and the builder's ``max_exercises``;
* a dose stays in its exercise's shape (repetitions, holds or minutes; times a day or days a
  week) and within bounds from the library: sets from 1 to the exercise's ``max_sets``, every
  other part within the range the library's dose schema allows (:func:`dose_bounds`).

Every problem is reported at once as an :class:`EditProblem` naming the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from painpath.careplan.library import Dose, Exercise, Library, describe_dose, load_library
from painpath.careplan.plan import (
    DISCLAIMER,
    DISCLAIMER_NO_EXERCISES,
    DOSE_PARTS,
    SEE_DOCTOR_LEVELS,
    Decision,
    Plan,
    PlanExercise,
    plan_exercise,
    see_doctor_note,
)
from painpath.engine.assessment import TRIAGE_ADVICE, TriageLevel, most_urgent

__all__ = [
    "NOTE_MAX_LENGTH",
    "DoseChange",
    "EditProblem",
    "PlanEdit",
    "PlanEditError",
    "apply_edit",
    "check_edit",
    "dose_bounds",
    "dose_parts",
    "therapist_rebuild",
]

#: A note to the patient is a few plain sentences; 1000 characters is about 150 words.
NOTE_MAX_LENGTH = 1000

#: Where a therapist's change comes from, for the decision's ``source``.
THERAPIST_SOURCE = "Clinical judgement of the person's physical therapist (therapist edit)"

#: Dose parts as a therapist reads them (error messages and form labels).
PART_LABELS: Mapping[str, str] = {
    "sets": "sets",
    "reps": "repetitions per set",
    "hold_seconds": "hold (seconds)",
    "minutes": "minutes per bout",
    "per_day": "times a day",
    "per_week": "days a week",
}


@dataclass(frozen=True)
class DoseChange:
    """The dose a therapist sets for one exercise; ``None`` keeps that part as it is.

    ``sets`` (or bouts, for a timed exercise); ``reps`` per set; ``hold_seconds`` per
    repetition; ``minutes`` per bout; ``per_day`` (times a day) or ``per_week`` (days a week).
    """

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    per_day: int | None = None
    per_week: int | None = None

    def given(self) -> dict[str, int]:
        """The parts set, ``{part: value}`` (parts left ``None`` are absent)."""
        return {p: v for p in ("sets", *DOSE_PARTS) if (v := getattr(self, p)) is not None}


@dataclass(frozen=True)
class PlanEdit:
    """One save of a therapist's changes.

    ``remove``: exercise ids to take out; ``add``: library exercise ids to add (at their
    starting dose unless ``doses`` says otherwise); ``doses``: exercise id -> :class:`DoseChange`
    for exercises in the resulting plan; ``note``: plain text for the person (at most
    :data:`NOTE_MAX_LENGTH` characters; "" for none).
    """

    remove: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    doses: Mapping[str, DoseChange] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class EditProblem:
    """Why an edit is refused: ``field`` is ``"remove"``, ``"add"``, ``"note"``, ``"edit"``
    (nothing to save) or ``"dose.<exercise id>.<part>"``; ``message`` is a sentence for the
    therapist that names the exercise and the part."""

    field: str
    message: str


class PlanEditError(ValueError):
    """An edit was refused; ``problems`` lists every reason (each naming its field)."""

    def __init__(self, problems: Sequence[EditProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


def _schema_range(part: str) -> tuple[int, int]:
    # The bounds the library's own dose schema accepts (library.Dose field constraints), so
    # a therapist's dose can never be one the exercise data itself would refuse.
    low, high = 1, 1
    for constraint in Dose.model_fields[part].metadata:
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    return int(low), int(high)


def dose_bounds(exercise: Exercise) -> dict[str, tuple[int, int]]:
    """The dose parts a therapist may set for ``exercise``, ``{part: (low, high)}`` inclusive.

    ``sets``: 1 to the exercise's ``max_sets``; then only the parts its dose has
    (``reps`` and ``hold_seconds``, or ``minutes``; ``per_day`` or ``per_week``), each within
    the range of the library's dose schema (``painpath.careplan.library.Dose``).
    """
    bounds = {"sets": (1, exercise.dose.max_sets)}
    for part in DOSE_PARTS:
        if getattr(exercise.dose, part) is not None:
            bounds[part] = _schema_range(part)
    return bounds


def dose_parts(item: PlanExercise, exercise: Exercise | None) -> dict[str, int | None]:
    """``item``'s dose parts ``{"sets", "reps", ...}``; a plan stored before the parts were
    recorded gets the library's parts of ``exercise``."""
    parts: dict[str, int | None] = {"sets": item.sets}
    recorded = item.reps is not None or item.minutes is not None
    for part in DOSE_PARTS:
        if recorded or exercise is None:
            parts[part] = getattr(item, part)
        else:
            parts[part] = getattr(exercise.dose, part)
    return parts


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_note(note: str) -> list[EditProblem]:
    """Problems with a note to the person: too long, or characters that are not plain text."""
    problems = []
    if len(note) > NOTE_MAX_LENGTH:
        problems.append(
            EditProblem(
                "note",
                f"The note to the patient is {len(note)} characters long; the limit is "
                f"{NOTE_MAX_LENGTH}.",
            )
        )
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in note):
        problems.append(
            EditProblem("note", "The note to the patient has control characters: plain text only.")
        )
    return problems


def _clean_note(note: str) -> str:
    return note.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_edit(
    plan: Plan,
    edit: PlanEdit,
    *,
    triage_level: TriageLevel,
    library: Library | None = None,
) -> list[EditProblem]:
    """Every reason to refuse ``edit`` of ``plan`` (empty list: it can be applied).

    ``triage_level``: the person's current level (the most urgent of intake, check-ins and
    review); the plan's own level counts too. See the module docstring for the rules.
    """
    lib = library or load_library()
    level = most_urgent([plan.triage_level, triage_level])
    problems = check_note(_clean_note(edit.note))
    current = {e.id: e for e in plan.exercises}

    for ex_id in edit.remove:
        if ex_id not in current:
            problems.append(EditProblem("remove", f"{ex_id!r} is not in the plan."))
    kept = [e.id for e in plan.exercises if e.id not in edit.remove]

    chains = {lib.chain(i): i for i in kept if i in lib.exercises}
    added: list[str] = []
    for ex_id in edit.add:
        ex = lib.exercises.get(ex_id)
        if ex is None:
            problems.append(EditProblem("add", f"{ex_id!r} is not an exercise of the library."))
            continue
        if level in SEE_DOCTOR_LEVELS:
            problems.append(
                EditProblem(
                    "add",
                    f"{ex.name} cannot be added: the current triage is {level}, so the plan "
                    "has no exercises until a doctor has seen the person.",
                )
            )
            continue
        if ex_id in kept or ex_id in added:
            problems.append(EditProblem("add", f"{ex.name} is already in the plan."))
            continue
        other = chains.get(lib.chain(ex_id))
        if other is not None:
            problems.append(
                EditProblem(
                    "add",
                    f"{ex.name} is a variant of {lib.exercises[other].name}, which is in the "
                    "plan: change that one's dose or remove it first.",
                )
            )
            continue
        reasons = lib.unsuitable_reasons(ex, plan.context())
        if reasons:
            problems.append(
                EditProblem("add", f"{ex.name} is not suitable for this person: {reasons[0]}.")
            )
            continue
        chains[lib.chain(ex_id)] = ex_id
        added.append(ex_id)

    result = kept + added
    for ex_id, change in edit.doses.items():
        if level in SEE_DOCTOR_LEVELS and change.given():
            # The version will have no exercises: a new dose would be silently lost.
            name = current[ex_id].name if ex_id in current else ex_id
            problems.append(
                EditProblem(
                    f"dose.{ex_id}",
                    f"{name}: the dose cannot change: the current triage is {level}, so the "
                    "plan has no exercises until a doctor has seen the person.",
                )
            )
            continue
        problems.extend(_check_dose(ex_id, change, result, current, lib))

    if level not in SEE_DOCTOR_LEVELS:
        largest = lib.plan.max_exercises
        if len(result) > largest:
            problems.append(
                EditProblem(
                    "add",
                    f"A plan has at most {largest} exercises; this change would make "
                    f"{len(result)}. Remove one first.",
                )
            )
        if plan.exercises and not result:
            problems.append(
                EditProblem("remove", "Keep at least 1 exercise in the plan (or rebuild it).")
            )
    changed = edit.remove or edit.add or _clean_note(edit.note)
    if not changed and not any(change.given() for change in edit.doses.values()):
        problems.append(EditProblem("edit", "Nothing to save: change an exercise or write a note."))
    return problems


def _check_dose(
    ex_id: str,
    change: DoseChange,
    result: Sequence[str],
    current: Mapping[str, PlanExercise],
    lib: Library,
) -> list[EditProblem]:
    ex = lib.exercises.get(ex_id)
    where = f"dose.{ex_id}"
    if ex_id not in result:
        return [EditProblem(where, f"{ex_id!r} is not in the plan after this change.")]
    if ex is None:
        name = current[ex_id].name
        return [EditProblem(where, f"{name} is no longer in the library: its dose is fixed.")]
    bounds = dose_bounds(ex)
    problems = []
    for part, value in change.given().items():
        label = PART_LABELS[part]
        if part not in bounds:
            problems.append(
                EditProblem(f"{where}.{part}", f"{ex.name}: {label} does not apply to it.")
            )
            continue
        low, high = bounds[part]
        if not _is_whole(value) or not low <= value <= high:
            why = " (the library's maximum for this exercise)" if part == "sets" else ""
            problems.append(
                EditProblem(
                    f"{where}.{part}",
                    f"{ex.name}: {label} must be a whole number from {low} to {high}{why}; "
                    f"got {value!r}.",
                )
            )
    return problems


def apply_edit(
    plan: Plan,
    edit: PlanEdit,
    *,
    triage_level: TriageLevel,
    at: str,
    library: Library | None = None,
) -> tuple[Plan, Decision]:
    """``plan`` with ``edit`` applied, and the ``therapist_edit`` decision that records it.

    ``triage_level``: the person's current level; ``at``: ISO 8601 UTC timestamp of the save.
    The new plan's history ends with the decision (``changes`` list what was removed, added
    and re-dosed); ``therapist_note``/``therapist_updated_at`` are the edit's note and ``at``.
    At emergency or urgent the new plan has no exercises. Raises :class:`PlanEditError`
    listing every problem of :func:`check_edit`.
    """
    lib = library or load_library()
    problems = check_edit(plan, edit, triage_level=triage_level, library=lib)
    if problems:
        raise PlanEditError(problems)
    level = most_urgent([plan.triage_level, triage_level])
    changes = [f"{item.name}: removed" for item in plan.exercises if item.id in edit.remove]
    kept = [item for item in plan.exercises if item.id not in edit.remove]
    why = "Added by your physical therapist."
    fresh = [plan_exercise(lib.exercises[i], why=why, library=lib) for i in edit.add]
    exercises: list[PlanExercise] = []
    for item in (*kept, *fresh):
        change = edit.doses.get(item.id)
        new = _redose(item, lib.exercises[item.id], change) if change else item
        if item.id in edit.add:
            changes.append(f"{new.name}: added ({new.dose})")
        elif new.dose != item.dose:
            changes.append(f"{item.name}: {item.dose} -> {new.dose}")
        exercises.append(new)
    note = plan.exercise_note
    if level in SEE_DOCTOR_LEVELS:
        changes.extend(f"{e.name}: stopped for now" for e in exercises)
        exercises = []
        note = see_doctor_note(level)
    elif exercises and (edit.add or edit.remove or edit.doses):
        note = "Exercises set by your physical therapist."
    return _therapist_version(
        plan,
        replace(
            plan,
            triage_level=level,
            triage_advice=(
                plan.triage_advice if level == plan.triage_level else TRIAGE_ADVICE[level]
            ),
            exercises=tuple(exercises),
            exercise_note=note,
            disclaimer=DISCLAIMER if exercises else DISCLAIMER_NO_EXERCISES,
        ),
        reason="Your physical therapist updated your plan.",
        changes=changes,
        note=edit.note,
        at=at,
    )


def _redose(item: PlanExercise, exercise: Exercise, change: DoseChange) -> PlanExercise:
    parts = {**dose_parts(item, exercise), **change.given()}
    sets = int(parts.pop("sets") or 1)
    return replace(item, sets=sets, dose=describe_dose(sets, **parts), **parts)  # type: ignore[arg-type]


def therapist_rebuild(
    previous: Plan, rebuilt: Plan, *, note: str = "", at: str
) -> tuple[Plan, Decision]:
    """A therapist's rebuild: ``rebuilt`` (from ``build_plan(..., confirmed=...)``) as the
    next version after ``previous``, with its history and the ``therapist_edit`` decision.

    ``note``: plain text for the person; ``at``: ISO 8601 UTC timestamp. Raises
    :class:`PlanEditError` when the note is too long or not plain text.
    """
    problems = check_note(_clean_note(note))
    if problems:
        raise PlanEditError(problems)
    before = {e.id: e for e in previous.exercises}
    after = {e.id for e in rebuilt.exercises}
    changes = [f"{e.name}: removed" for e in previous.exercises if e.id not in after]
    changes += [
        f"{e.name}: added ({e.dose})" if e.id not in before else f"{e.name}: {e.dose}"
        for e in rebuilt.exercises
    ]
    causes = ", ".join(name for _id, name, _p in rebuilt.leading)
    reason = "Your physical therapist rebuilt your plan" + (f" for {causes}." if causes else ".")
    return _therapist_version(previous, rebuilt, reason=reason, changes=changes, note=note, at=at)


def _therapist_version(
    previous: Plan,
    new: Plan,
    *,
    reason: str,
    changes: Sequence[str],
    note: str,
    at: str,
) -> tuple[Plan, Decision]:
    decision = Decision(
        action="therapist_edit",
        reason=reason,
        triage_level=new.triage_level,
        at=at,
        changes=tuple(changes),
        source=THERAPIST_SOURCE,
    )
    plan = replace(
        new,
        history=(*previous.history, decision),
        therapist_note=_clean_note(note),
        therapist_updated_at=at,
    )
    return plan, decision
