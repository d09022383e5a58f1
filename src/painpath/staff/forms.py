"""Staff forms: they only validate and convert; the services do the work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from painpath.careplan.edit import (
    NOTE_MAX_LENGTH as PATIENT_NOTE_MAX_LENGTH,
)
from painpath.careplan.edit import (
    PART_LABELS,
    DoseChange,
    EditProblem,
    PlanEdit,
    check_edit,
    check_note,
    dose_bounds,
    dose_parts,
)
from painpath.careplan.library import Library, load_library
from painpath.careplan.plan import Plan, PlanExercise
from painpath.engine.assessment import TriageLevel as CoreTriageLevel
from painpath.patients.models import TriageLevel

#: A review note is for the clinical team; 4000 characters is about a page of text.
NOTE_MAX_LENGTH = 4000


class ReviewForm(forms.Form):
    """A therapist's confirmation or change of the triage level and the leading condition.

    ``condition_choices``: the ``(id, name)`` pairs allowed for this intake
    (``services.condition_choices``).
    """

    triage_level = forms.ChoiceField(label=_("Triage level"), choices=TriageLevel.choices)
    leading_condition = forms.ChoiceField(label=_("Leading condition"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you confirmed or changed it (seen by the clinical team only)."),
    )

    def __init__(self, *args: Any, condition_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leading_condition"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = condition_choices


class DayForm(forms.Form):
    """``?date=YYYY-MM-DD`` for the schedule page; empty means today in the clinic's zone."""

    date = forms.DateField(
        label=_("Day"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def day(self) -> dt.date | None:
        """The chosen day, or ``None`` (today) when empty or invalid (errors are shown)."""
        if self.is_valid():
            value = self.cleaned_data.get("date")
            return value if isinstance(value, dt.date) else None
        return None


def _patient_note_field() -> forms.CharField:
    # The core checks the length and the characters (painpath.careplan.edit.check_note), so
    # the message is the same wherever a note is refused; maxlength only helps the browser.
    return forms.CharField(
        label=_("Note to the patient"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": PATIENT_NOTE_MAX_LENGTH}),
        help_text=format_lazy(
            _("Plain text the patient sees on their plan and handout (at most {} characters)."),
            PATIENT_NOTE_MAX_LENGTH,
        ),
    )


class PlanEditForm(forms.Form):
    """A therapist's changes to the current plan: remove, re-dose, add one exercise, a note.

    Built for one ``plan`` (its exercises give the "remove" boxes and the dose fields, named
    ``remove_<id>`` and ``<id>__<part>``, with the current dose as initial values). Only
    parsing happens here: every rule is the pure core's (``painpath.careplan.edit``), and
    its problems are put on the field they name. ``edit()`` returns the
    :class:`~painpath.careplan.edit.PlanEdit` of a valid form; only dose parts that differ
    from the current ones count as a change.
    """

    kind = forms.CharField(widget=forms.HiddenInput, initial="edit")
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    add = forms.ChoiceField(
        label=_("Add an exercise"),
        required=False,
        help_text=_("From the exercise library. Unsuitable exercises for this person are refused."),
    )
    note = _patient_note_field()

    def __init__(
        self,
        *args: Any,
        plan: Plan,
        triage_level: CoreTriageLevel,
        library: Library | None = None,
        **kwargs: Any,
    ) -> None:
        # Own ids: the review form on the same page has a "note" too.
        kwargs.setdefault("auto_id", "plan-%s")
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.triage_level = triage_level
        self.library = library or load_library()
        #: ``[(item, remove field name, [dose field names])]`` for the template.
        self.exercise_rows: list[tuple[PlanExercise, str, list[str]]] = []
        for item in plan.exercises:
            exercise = self.library.exercises.get(item.id)
            remove_name = f"remove_{item.id}"
            self.fields[remove_name] = forms.BooleanField(
                label=_("Remove %(name)s") % {"name": item.name}, required=False
            )
            names: list[str] = []
            if exercise is not None:
                current = dose_parts(item, exercise)
                for part, (low, high) in dose_bounds(exercise).items():
                    name = f"{item.id}__{part}"
                    self.fields[name] = forms.IntegerField(
                        label=f"{item.name}: {PART_LABELS[part]}",
                        required=False,
                        initial=current.get(part),
                        widget=forms.NumberInput(attrs={"min": low, "max": high}),
                    )
                    names.append(name)
            self.exercise_rows.append((item, remove_name, names))
        add = self.fields["add"]
        assert isinstance(add, forms.ChoiceField)
        # Marked, not hidden: choosing one anyway gets the core's message with the reason.
        in_plan = {e.id for e in plan.exercises}
        context = plan.context()
        groups: dict[str, list[tuple[str, str]]] = {}
        for exercise in self.library.exercises.values():
            label = exercise.category.replace("_", " ").capitalize()
            name = exercise.name
            if exercise.id in in_plan:
                name = _("%(name)s (in the plan)") % {"name": name}
            elif self.library.unsuitable_reasons(exercise, context):
                name = _("%(name)s (not suitable for this person)") % {"name": name}
            groups.setdefault(label, []).append((exercise.id, name))
        add.choices = [("", _("No exercise to add")), *sorted(groups.items())]

    def exercise_fields(self) -> list[tuple[PlanExercise, BoundField, list[BoundField]]]:
        """``[(item, remove box, [dose fields])]`` per exercise of the plan, for the template."""
        rows = self.exercise_rows
        return [(item, self[rm], [self[n] for n in names]) for item, rm, names in rows]

    def _dose_changes(self) -> dict[str, DoseChange]:
        changes: dict[str, DoseChange] = {}
        for item, _remove, names in self.exercise_rows:
            current = dose_parts(item, self.library.exercises.get(item.id))
            given = {
                name.split("__", 1)[1]: self.cleaned_data.get(name)
                for name in names
                if self.cleaned_data.get(name) is not None
            }
            changed = {part: v for part, v in given.items() if v != current.get(part)}
            if changed:
                changes[item.id] = DoseChange(**changed)
        return changes

    def edit(self) -> PlanEdit:
        """The edit this valid form describes."""
        return PlanEdit(
            remove=tuple(i.id for i, remove, _n in self.exercise_rows if self.cleaned_data[remove]),
            add=(self.cleaned_data["add"],) if self.cleaned_data.get("add") else (),
            doses=self._dose_changes(),
            note=self.cleaned_data.get("note") or "",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        problems = check_edit(
            self.plan, self.edit(), triage_level=self.triage_level, library=self.library
        )
        self.add_problems(problems)
        return cleaned

    def add_problems(self, problems: Sequence[EditProblem]) -> None:
        """Put each core problem on the field it names (the form as a whole otherwise)."""
        for problem in problems:
            name: str | None = None
            if problem.field in ("add", "note"):
                name = problem.field
            elif problem.field.startswith("dose.") and problem.field.count(".") == 2:
                _dose, ex_id, part = problem.field.split(".")
                candidate = f"{ex_id}__{part}"
                name = candidate if candidate in self.fields else None
            self.add_error(name, problem.message)


class RebuildForm(forms.Form):
    """Rebuild the plan for the condition of the latest review, with a note to the patient."""

    kind = forms.CharField(widget=forms.HiddenInput, initial="rebuild")
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = _patient_note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "rebuild-%s")
        super().__init__(*args, **kwargs)

    def clean_note(self) -> str:
        note = str(self.cleaned_data.get("note") or "")
        for problem in check_note(note.strip()):
            self.add_error("note", problem.message)
        return note
