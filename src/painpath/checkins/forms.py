"""The check-in form: validates and converts; nothing else.

Questions: pain now (0-10 NPRS), pain during the exercises and the morning after (0-10, blank
when not exercised / not noticed), up to three activities of the Patient-Specific Functional
Scale (the person's own words, each 0-10), the global rating of change (15 points, -7..+7),
adherence (days with exercises out of the days since the last check-in) and new warning signs.
A ticked warning sign becomes the intake answer that records it; an unticked one is left
unknown (never recorded as "no").
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.functional import lazy
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

capfirst_lazy = lazy(capfirst, str)

#: Warning signs asked at a check-in: (form field, intake linkId, value recorded when ticked).
WARNING_SIGN_FIELDS: tuple[tuple[str, str, Any, Any], ...] = (
    (
        "ws_saddle",
        "saddle_numbness",
        True,
        _("Numbness around your bottom, genitals or inner thighs"),
    ),
    ("ws_bladder", "bladder_change", True, _("New trouble passing urine, or new leaking of urine")),
    ("ws_bowel", "bowel_incontinence", True, _("New loss of bowel control")),
    (
        "ws_sexual",
        "sexual_dysfunction_new",
        True,
        _("A new change in sexual function or sensation"),
    ),
    ("ws_weakness", "leg_weakness", "worsening", _("Leg weakness that is getting worse")),
    ("ws_foot_drop", "foot_drop", True, _("A foot that slaps down, catches or trips you")),
    ("ws_fever", "fever_or_chills", True, _("Fever, chills or night sweats")),
    (
        "ws_night",
        "night_pain",
        "constant_unrelenting",
        _("Pain all night, whatever position you lie in"),
    ),
    ("ws_weight", "unexplained_weight_loss", True, _("Weight loss you cannot explain")),
    ("ws_belly", "abdominal_pain_or_pulsing", True, _("Pain or a pulsing feeling in your belly")),
    ("ws_weight_bearing", "unable_to_bear_weight", True, _("Not able to put weight on your leg")),
)

#: Global rating of change, 15 points (Jaeschke R, Singer J, Guyatt GH. Control Clin Trials
#: 1989;10(4):407-415; Kamper SJ et al. J Man Manip Ther 2009;17(3):163-170).
GLOBAL_CHANGE_CHOICES = [
    ("", _("Choose one")),
    ("7", _("A very great deal better")),
    ("6", _("A great deal better")),
    ("5", _("Quite a bit better")),
    ("4", _("Moderately better")),
    ("3", _("Somewhat better")),
    ("2", _("A little bit better")),
    ("1", _("A tiny bit better, almost the same")),
    ("0", _("About the same")),
    ("-1", _("A tiny bit worse, almost the same")),
    ("-2", _("A little bit worse")),
    ("-3", _("Somewhat worse")),
    ("-4", _("Moderately worse")),
    ("-5", _("Quite a bit worse")),
    ("-6", _("A great deal worse")),
    ("-7", _("A very great deal worse")),
]

_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PSFS_SLOTS = 3


def _number_errors(what: Any, high: int | str = 10) -> dict[str, Any]:
    """Plain error messages naming the question (``what``: e.g. "your pain right now"),
    instead of Django's "This field is required." / "Ensure this value is ..."."""
    return {
        "required": format_lazy(_("Please give {what}: a number from 0 to {high}."), what=what,
                                high=high),
        "invalid": format_lazy(_("Please give {what} as a whole number from 0 to {high}."),
                               what=what, high=high),
        "min_value": format_lazy(_("{What} cannot be below 0."), What=capfirst_lazy(what)),
        "max_value": format_lazy(_("{What} goes up to {high} at most."),
                                 What=capfirst_lazy(what), high=high),
    }  # fmt: skip


def _score(
    label: Any, what: Any, required: bool = False, help_text: Any = ""
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10,
        required=required,
        help_text=help_text,
        error_messages=_number_errors(what),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 10}),
    )


class CheckInForm(forms.Form):
    """Validates a check-in. ``period_days`` bounds the adherence answer."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    pain_now = _score(
        _("Your pain right now"),
        _("your pain right now"),
        True,
        _("0 means no pain, 10 the worst imaginable."),
    )
    pain_during = _score(
        _("Your worst pain during the exercises"),
        _("your worst pain during the exercises"),
        help_text=_("0 to 10. Leave empty if you did not do the exercises."),
    )
    pain_next_morning = _score(
        _("Your pain on the morning after exercising"),
        _("your pain on the morning after exercising"),
        help_text=_("0 to 10. Leave empty if you did not exercise."),
    )
    sessions_done = forms.IntegerField(label="", min_value=0, required=True)
    global_change = forms.TypedChoiceField(
        label=_("Since you started the plan, how is your back or hip overall?"),
        choices=GLOBAL_CHANGE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, period_days: int = 7, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.period_days = period_days
        done = self.fields["sessions_done"]
        assert isinstance(done, forms.IntegerField)
        if period_days == 1:
            # A yes/no question is asked as one: a choice, not "enter 1 or 0".
            self.fields["sessions_done"] = forms.TypedChoiceField(
                label=_("Did you do your exercises today?"),
                choices=[("1", _("Yes")), ("0", _("No"))],
                coerce=int,
                empty_value=None,
                required=True,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please answer whether you did your exercises today: yes or no."),
                    "invalid_choice": _(
                        "Please answer whether you did your exercises today: yes or no."
                    ),
                },
            )
        else:
            done.label = _("On how many of the last %(days)d days did you do your exercises?") % {
                "days": period_days
            }
            what = _("the number of days you did your exercises")
            done.error_messages.update(_number_errors(what, period_days))
            done.max_value = period_days
            done.validators.append(_max_validator(period_days))
            done.widget.attrs.update({"inputmode": "numeric", "min": 0, "max": period_days})
        for i in range(1, PSFS_SLOTS + 1):
            self.fields[f"psfs_activity_{i}"] = forms.CharField(
                label=_("Activity %(n)d") % {"n": i}, max_length=80, required=False
            )
            self.fields[f"psfs_score_{i}"] = _score(
                _("How well can you do it now?"),
                _("the score for activity %(n)d") % {"n": i},
            )
        for name, _link, _value, label in WARNING_SIGN_FIELDS:
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def clean_submission_key(self) -> str:
        key: str = self.cleaned_data["submission_key"]
        if not _KEY_RE.match(key):
            raise forms.ValidationError(_("This form has expired. Please open the check-in again."))
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, PSFS_SLOTS + 1):
            activity = (data.get(f"psfs_activity_{i}") or "").strip()
            score = data.get(f"psfs_score_{i}")
            # An activity without a score (often last time's words, offered again) is simply
            # not scored this time: it never blocks the check-in.
            if score is not None and not activity:
                self.add_error(f"psfs_activity_{i}", _("Name the activity this score is for."))
        return data

    def reported_warning_signs(self) -> dict[str, Any]:
        """The ticked warning signs as intake answers ``{linkId: value}``, read from the raw
        data so they count even when other answers are invalid (call after ``is_valid()``)."""
        signs: dict[str, Any] = {}
        for name, link, value, _label in WARNING_SIGN_FIELDS:
            field = self.fields[name]
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                ticked = field.clean(raw)
            except forms.ValidationError:
                ticked = False
            if ticked:
                signs[link] = value
        return signs

    def unsaved_answers(self) -> list[str]:
        """``"Question: error"`` for every answer that was given but is not valid (after
        ``is_valid()``). A question left blank (a ``required`` error) is not listed: nothing was
        given, so nothing was lost. A question ending in "?" is followed by a space, not ":"."""
        out: list[str] = []
        for name, errors in self.errors.as_data().items():
            if name == NON_FIELD_ERRORS or name not in self.fields or name == "submission_key":
                continue
            given = [e for e in errors if e.code != "required"]
            label = str(self.fields[name].label or "").strip()
            joiner = " " if label.endswith(("?", ":", ".")) else ": "
            for error in given:
                for message in error.messages:
                    out.append(f"{label}{joiner}{message}" if label else message)
        return out

    def partial_values(self) -> dict[str, Any]:
        """The check-in values when a warning sign is ticked but other answers are invalid:
        every valid answer as given, every invalid or missing one ``None`` (unknown), and the
        warning signs. For ``services.submit_checkin``; call after ``is_valid()``."""
        data = getattr(self, "cleaned_data", {})
        psfs = []
        for i in range(1, PSFS_SLOTS + 1):
            activity = (data.get(f"psfs_activity_{i}") or "").strip()
            if activity and f"psfs_score_{i}" not in self.errors:
                psfs.append({"activity": activity, "score": data.get(f"psfs_score_{i}")})
        return {
            "pain_now": data.get("pain_now"),
            "pain_during": data.get("pain_during"),
            "pain_next_morning": data.get("pain_next_morning"),
            "psfs": psfs,
            "global_change": data.get("global_change"),
            "sessions_done": data.get("sessions_done"),
            "warning_signs": self.reported_warning_signs(),
        }

    def warning_sign_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, *_rest in WARNING_SIGN_FIELDS]

    def psfs_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"psfs_activity_{i}"], self[f"psfs_score_{i}"]) for i in range(1, PSFS_SLOTS + 1)
        ]

    def values(self) -> dict[str, Any]:
        """The check-in values for ``services.submit_checkin`` (after ``is_valid()``)."""
        data = self.cleaned_data
        # An activity without a score is kept (its words are offered again next time) with
        # ``score: None``: not scored this time.
        psfs = [
            {"activity": data[f"psfs_activity_{i}"].strip(), "score": data.get(f"psfs_score_{i}")}
            for i in range(1, PSFS_SLOTS + 1)
            if (data.get(f"psfs_activity_{i}") or "").strip()
        ]
        signs = {link: value for name, link, value, _l in WARNING_SIGN_FIELDS if data.get(name)}
        return {
            "pain_now": data["pain_now"],
            "pain_during": data.get("pain_during"),
            "pain_next_morning": data.get("pain_next_morning"),
            "psfs": psfs,
            "global_change": data.get("global_change"),
            "sessions_done": data["sessions_done"],
            "warning_signs": signs,
        }


def _max_validator(limit: int) -> Any:
    from django.core.validators import MaxValueValidator

    return MaxValueValidator(limit)
