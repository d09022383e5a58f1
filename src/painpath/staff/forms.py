"""Staff forms: they only validate and convert; the services do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
