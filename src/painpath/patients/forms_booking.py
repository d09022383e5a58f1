"""Forms of the booking flow: they only validate and convert; ``painpath.clinic.services`` books.

A chosen time travels between pages as a *slot code*: ``<therapist uuid>_<start in UTC as
YYYYMMDDTHHMMSSZ>``, e.g. ``6f1c..._20260303T140000Z``. It names a therapist and a time, nothing
about health, so it may appear in a URL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from painpath.clinic.models import Therapist
from painpath.clinic.services import BookingValidationError, clean_phone

_SLOT_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
#: ``any``: the first available therapist at each time.
ANY_THERAPIST = "any"


@dataclass(frozen=True)
class SlotChoice:
    """A therapist id and an aware UTC start, as carried by a slot code."""

    therapist_id: uuid.UUID
    start: dt.datetime

    @property
    def code(self) -> str:
        return encode_slot(self.therapist_id, self.start)


def encode_slot(therapist_id: uuid.UUID, start: dt.datetime) -> str:
    """The slot code for ``therapist_id`` at ``start`` (aware; converted to UTC)."""
    return f"{therapist_id}_{start.astimezone(dt.UTC).strftime(_SLOT_TIME_FORMAT)}"


def decode_slot(code: str) -> SlotChoice:
    """Parse a slot code; raises ``ValueError`` when it is not one."""
    therapist_part, _sep, time_part = (code or "").strip().partition("_")
    therapist_id = uuid.UUID(therapist_part)
    start = dt.datetime.strptime(time_part, _SLOT_TIME_FORMAT).replace(tzinfo=dt.UTC)
    return SlotChoice(therapist_id, start)


class SlotField(forms.CharField):
    """A slot code in, a :class:`SlotChoice` out; the error names the time, not the format."""

    default_error_messages = {
        "required": _("Please choose a time."),
        "invalid": _("That time could not be read. Please choose a time from the list."),
    }

    def to_python(self, value: Any) -> SlotChoice | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return decode_slot(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class TherapistChoiceForm(forms.Form):
    """Step 1 (GET): whom to see, and from which day to list times.

    ``therapist``: ``"any"`` or a therapist's id; ``start``: the first local day to list
    (``YYYY-MM-DD``; empty = today). Invalid values fall back to the defaults with an error.
    """

    therapist = forms.ChoiceField(
        label=_("Who would you like to see?"), widget=forms.RadioSelect, required=False
    )
    start = forms.DateField(
        label=_("From"), required=False, input_formats=["%Y-%m-%d"], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, therapists: list[Therapist], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["therapist"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(ANY_THERAPIST, _("First available therapist"))] + [
            (str(t.id), str(t)) for t in therapists
        ]
        self.therapists = {str(t.id): t for t in therapists}

    def chosen_therapist(self) -> Therapist | None:
        """The chosen therapist, or ``None`` for first available (also when invalid)."""
        if not self.is_valid():
            return None
        return self.therapists.get(self.cleaned_data.get("therapist") or "")

    def chosen_start(self) -> dt.date | None:
        if not self.is_valid():
            return None
        value = self.cleaned_data.get("start")
        return value if isinstance(value, dt.date) else None


class ContactForm(forms.Form):
    """Step 2 (POST): the chosen time and how to reach the person. The booking service checks
    the details again (``clean_patient``) and its errors are put on these fields."""

    slot = SlotField(label=_("Time"), widget=forms.HiddenInput)
    #: How the time was chosen ("any" or a therapist id): decides which alternatives to offer
    #: if the time is taken meanwhile.
    who = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give your name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send the confirmation and a link to change or cancel here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please give your email address."),
            "invalid": _("Please give a valid email address, like name@example.com."),
        },
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        help_text=_("In case the clinic needs to reach you about the appointment."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        error_messages={"required": _("Please give a phone number.")},
    )

    #: Service error fields (``BookingValidationError.field``) -> this form's fields.
    SERVICE_FIELDS = {
        "patient.name": "name",
        "patient.email": "email",
        "patient.phone": "phone",
        "start": "slot",
        "therapist": "slot",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        """The booking service's phone rule, checked here so that a bad phone is reported
        together with every other field's error, not only after they are fixed."""
        try:
            return clean_phone(self.cleaned_data.get("phone"))
        except BookingValidationError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None

    def add_service_error(self, field: str, message: str) -> None:
        """Attach a booking service error to the matching field (or to the form)."""
        self.add_error(self.SERVICE_FIELDS.get(field), message)
