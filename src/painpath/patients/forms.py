"""Turning one intake step's submitted form into typed answers, with errors per field.

The questionnaire (``painpath.engine.questionnaire``) says what each item is; this module only
converts the browser's strings into the answer types of the clinical contract and reports what
cannot be converted. Clinical validation (codes, ranges, contradictions) stays in
``painpath.engine.intake.validate_answers``; the ranges are also checked here so that the message
can sit next to the right box.

Encoding of the HTML form (one field name per linkId):

* ``integer``: a text box; blank means unanswered (unknown), except for the age, the one
  answer the web intake requires (see :func:`read_step`).
* ``boolean``: radio buttons ``yes`` / ``no`` / ``unsure``; ``unsure`` or nothing means unknown.
* ``choice``: radio buttons with the option codes plus ``unsure`` ("I'd rather not answer",
  so a radio answer can be taken back without script); ``unsure`` or nothing means unknown.
* An age below the questionnaire's minimum (16) is not an error message ("enter a number from
  16" invites a made-up age): the form reports it with :func:`too_young` and the view explains
  who PainPath is for and where to get help instead.
* ``multi``: check boxes with the option codes. Nothing ticked means unknown, never "none": a
  person says "none of these" by ticking the "none" option. Items without a "none" option in
  the questionnaire get one from the form (``NONE_CODE``), turned into ``[]`` here.
* Height and weight (``height_cm``, ``weight_kg``; see :data:`US_UNITS`) may also be given in
  feet + inches or pounds: a radio ``<linkId>__unit`` picks the unit and the boxes
  ``<linkId>__ft``/``__in``/``__lb`` carry the numbers. They are converted here to whole
  centimetres/kilograms (half up), so the stored answer is in the spec's unit; a range error
  is worded in the unit the person used. When only the other unit's boxes are filled, those
  are read (a typed answer is never dropped because the radio was left as it was).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from painpath.engine.questionnaire import Item, Step

#: Form value of the "None of these" box that the form adds to multi items without one.
NONE_CODE = "__none__"

YES, NO, UNSURE = "yes", "no", "unsure"

#: The item whose minimum is the youngest age PainPath is for.
AGE_ITEM = "age"


@dataclass(frozen=True)
class UsUnit:
    """The US-customary alternative for one metric integer item.

    ``code``: the value of the unit radio for this alternative (the metric one is the item's
    ``unit``); ``boxes``: (suffix of the form field, factor to the metric unit, label), the
    boxes added together; ``noun``: what is measured, for error messages.
    """

    code: str
    label: str
    noun: str
    boxes: tuple[tuple[str, Decimal, str], ...]

    def field(self, link_id: str, suffix: str) -> str:
        """The form field name of one box (``height_cm__ft``)."""
        return f"{link_id}__{suffix}"


#: Exact definitions: 1 in = 2.54 cm, 1 ft = 12 in, 1 lb = 0.45359237 kg (NIST SP 811, B.8).
_INCH_CM = Decimal("2.54")
US_UNITS: dict[str, UsUnit] = {
    "height_cm": UsUnit(
        "ft_in",
        gettext_noop("feet and inches"),
        gettext_noop("height"),
        (("ft", 12 * _INCH_CM, "ft"), ("in", _INCH_CM, "in")),
    ),
    "weight_kg": UsUnit(
        "lb", gettext_noop("pounds"), gettext_noop("weight"), (("lb", Decimal("0.45359237"), "lb"),)
    ),
}


#: A metric measurement with decimals: digits, one decimal point or comma, digits.
_MEASURED = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


def unit_field(link_id: str) -> str:
    """The name of the unit radio of an item in :data:`US_UNITS`."""
    return f"{link_id}__unit"


def _to_metric(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _us_bounds(item: Item, us: UsUnit) -> tuple[int, int]:
    """The smallest and largest whole amounts of the last (smallest) US box whose conversion
    lies within the item's metric range."""
    assert item.min is not None and item.max is not None
    factor = us.boxes[-1][1]
    low = int(item.min / factor) - 1
    while _to_metric(low * factor) < item.min:
        low += 1
    high = int(item.max / factor) + 1
    while _to_metric(high * factor) > item.max:
        high -= 1
    return low, high


def _us_amount_text(us: UsUnit, amount: int) -> str:
    """``amount`` of the smallest box spelt with every box: ``"3 ft 4 in"``, ``"55 lb"``."""
    smallest = us.boxes[-1][1]
    parts: list[str] = []
    for _suffix, factor, label in us.boxes:
        ratio = int(factor / smallest)  # 12 inches to the foot
        parts.append(f"{amount // ratio} {label}")
        amount %= ratio
    return " ".join(parts)


def _convert_us(item: Item, us: UsUnit, texts: list[str]) -> int:
    """Whole metric units for the US boxes' ``texts`` (one per box, "" = blank = 0)."""
    assert item.min is not None and item.max is not None
    low, high = _us_bounds(item, us)
    bounds = {
        "noun": _(us.noun),
        "low": _us_amount_text(us, low),
        "high": _us_amount_text(us, high),
    }
    total = Decimal(0)
    for (_suffix, factor, _label), text in zip(us.boxes, texts, strict=True):
        if text == "":
            continue
        if not (text.isascii() and text.isdigit()):
            raise ValueError(
                _(
                    "Please enter the %(noun)s in whole numbers (digits only), "
                    "from %(low)s to %(high)s."
                )
                % bounds
            )
        total += int(text) * factor
    number = _to_metric(total)
    if not item.min <= number <= item.max:
        raise ValueError(_("Please enter a %(noun)s from %(low)s to %(high)s.") % bounds)
    return number


def _read_us(item: Item, data: QueryDict, form: StepForm) -> list[str] | None:
    """The metric form strings for ``item`` when the person used US units, else None.

    Keeps the US boxes and the radio in ``form.raw`` to show them again; a US error goes to
    ``form.errors`` (the caller then skips the item).
    """
    us = US_UNITS.get(item.link_id)
    if us is None:
        return None
    choice = [v.strip() for v in data.getlist(unit_field(item.link_id))]
    form.raw[unit_field(item.link_id)] = choice
    boxes: list[list[str]] = []
    for suffix, _factor, _label in us.boxes:
        values = [v.strip() for v in data.getlist(us.field(item.link_id, suffix))]
        form.raw[us.field(item.link_id, suffix)] = values
        boxes.append(values)
    metric_given = any(v.strip() for v in data.getlist(item.link_id))
    us_given = any(v for values in boxes for v in values)
    # The radio decides only when both units were typed; otherwise the filled boxes do.
    if not us_given or (metric_given and choice != [us.code]):
        return None
    if any(len([v for v in values if v]) > 1 for values in boxes):
        form.errors[item.link_id] = _("Please give only one answer.")
        return None
    texts = [next((v for v in values if v), "") for values in boxes]
    try:
        return [str(_convert_us(item, us, texts))]
    except ValueError as exc:
        form.errors[item.link_id] = str(exc)
        return None


class _TooYoung(ValueError):
    """An age from 0 to below the item's minimum."""


@dataclass
class StepForm:
    """The outcome of reading one step's POST.

    ``answers``: linkId -> typed value for the items answered on this step.
    ``cleared``: linkIds of this step left unanswered (their old answers must be removed).
    ``errors``: linkId -> plain-language message (empty when the step is valid).
    ``raw``: linkId -> the submitted strings, to show them again next to an error.
    """

    answers: dict[str, Any] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, list[str]] = field(default_factory=dict)
    #: The youngest age PainPath is for, set when the age given is below it (else None).
    minimum_age: int | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


def adds_none_option(item: Item) -> bool:
    """Whether the form adds a "None of these" box to ``item`` (a multi list without one).

    Body maps get none: "no pain anywhere" is not an answer to "where is the pain", and the
    numbness map is asked only after a yes to "any numbness?".
    """
    return item.type == "multi" and item.widget != "body_map" and not item.exclusive_codes


def read_step(step: Step, data: QueryDict, items: list[Item] | None = None) -> StepForm:
    """Convert the POSTed ``data`` for ``items`` (default: every item of ``step``).

    Returns a :class:`StepForm`; never raises for bad input (bad input becomes an error
    message keyed by the item's linkId).
    """
    form = StepForm()
    for item in items if items is not None else list(step.items):
        values = [v.strip() for v in data.getlist(item.link_id)]
        form.raw[item.link_id] = values
        converted = _read_us(item, data, form)
        if item.link_id in form.errors:
            continue
        if converted is not None:
            values = converted
        try:
            value = _convert(item, values)
        except _TooYoung:
            form.minimum_age = item.min
            form.cleared.append(item.link_id)  # never stored
            continue
        except ValueError as exc:
            form.errors[item.link_id] = str(exc)
            continue
        if value is None and item.link_id == AGE_ITEM:
            # The one answer the web intake insists on: without it nobody can tell whether the
            # person is someone PainPath is for (16 and over), and every age-linked warning
            # sign (50 or over, 65 or over) stays unknown. The engine and the CLI still accept
            # an intake without it (the spec's contract: absent means unknown).
            form.errors[item.link_id] = _(
                "Please enter your age in years. We need it to check your answers for warning "
                "signs."
            )
            continue
        if value is None:
            form.cleared.append(item.link_id)
        else:
            form.answers[item.link_id] = value
    return form


def _convert(item: Item, values: list[str]) -> Any:
    """The typed answer for ``values`` (None = unanswered); ``ValueError`` with a message."""
    given = [v for v in values if v != ""]
    if item.type == "multi":
        return _convert_multi(item, given)
    if len(given) > 1:
        raise ValueError(_("Please give only one answer."))
    if not given:
        return None
    text = given[0]
    if item.type == "integer":
        return _convert_integer(item, text)
    if item.type == "boolean":
        if text == YES:
            return True
        if text == NO:
            return False
        if text == UNSURE:
            return None
        raise ValueError(_("Please choose Yes, No or Not sure."))
    # choice
    if text == UNSURE:
        return None
    if text not in item.codes:
        raise ValueError(_("Please choose one of the answers listed."))
    return text


def _convert_integer(item: Item, text: str) -> int:
    assert item.min is not None and item.max is not None  # the questionnaire guarantees both
    unit = f" {item.unit}" if item.unit else ""
    bounds = {"min": item.min, "max": item.max, "unit": unit}
    try:
        if item.link_id in US_UNITS and _MEASURED.fullmatch(text):
            # A height or weight read off a scale ("82.5", "82,5") is a measurement, not a
            # typing error: it is rounded to the spec's whole units, half up, as the US units are.
            number = _to_metric(Decimal(text.replace(",", ".")))
        else:
            number = int(text)
    except ValueError:
        raise ValueError(
            _("Please enter a whole number (digits only) from %(min)s to %(max)s%(unit)s.") % bounds
        ) from None
    if item.link_id == AGE_ITEM and 0 <= number < item.min:
        raise _TooYoung(str(number))
    if not item.min <= number <= item.max:
        raise ValueError(_("Please enter a number from %(min)s to %(max)s%(unit)s.") % bounds)
    return number


def too_young(form: StepForm) -> bool:
    """Whether the step gave an age below the youngest age PainPath is for."""
    return form.minimum_age is not None


def _convert_multi(item: Item, given: list[str]) -> list[str] | None:
    allowed = set(item.codes)
    if adds_none_option(item):
        allowed.add(NONE_CODE)
    unknown = [v for v in given if v not in allowed]
    if unknown:
        raise ValueError(_("Please tick only the answers listed."))
    if len(set(given)) != len(given):
        raise ValueError(_("Please tick each answer only once."))
    if not given:
        return None
    exclusive = set(item.exclusive_codes) | {NONE_CODE}
    picked_exclusive = [v for v in given if v in exclusive]
    if picked_exclusive and len(given) > 1:
        raise ValueError(
            _(
                "You ticked “None of these” together with other answers. "
                "Please tick one or the other."
            )
        )
    if given == [NONE_CODE]:
        return []
    # Keep the questionnaire's order so stored answers compare equal however they were ticked.
    order = {code: i for i, code in enumerate(item.codes)}
    return sorted(given, key=order.__getitem__)


def initial_for(item: Item, answers: Mapping[str, Any]) -> list[str]:
    """The form strings that show the stored answer of ``item`` (for re-displaying a step)."""
    if item.link_id not in answers:
        return []
    value = answers[item.link_id]
    if item.type == "multi":
        return list(value) if value else ([NONE_CODE] if adds_none_option(item) else [])
    if item.type == "boolean":
        return [YES if value else NO]
    return [str(value)]
