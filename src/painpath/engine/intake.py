"""Strict validation of intake answers against the questionnaire.

An intake is a mapping ``{linkId: value}`` (the ``answers`` object of the spec). Rules, from
``shared/spec/README.md`` and the questionnaire (``engine/data/questionnaire.yaml``):

* an ABSENT item is unknown (not asked or not answered); it is never read as "no";
* ``integer``: a whole number in the item's range (``True`` and ``3.0`` are not whole numbers);
* ``boolean``: ``true``/``false`` only (``"yes"``, ``1`` are rejected);
* ``choice``: exactly one of the item's codes;
* ``multi``: a list of the item's codes, each at most once; ``[]`` means "none of these"; a
  code marked ``exclusive`` (``none``, ``none_known``) cannot be combined with other codes;
* unknown items are rejected (with a suggestion when a linkId looks like a typo);
* nothing is coerced, dropped or guessed: every problem is reported with the item it concerns.

Derived answers (documented in the questionnaire header): the project-only item
``numbness_any`` gates ``numbness_tingling_locations``. ``numbness_any = false`` with no list
gives ``numbness_tingling_locations = []``; a list without ``numbness_any`` sets
``numbness_any`` to whether the list is non-empty; a contradiction between the two is an error.
The project-only item ``leg_weakness_side`` (one leg or both) needs a weak leg: given with
``leg_weakness = none`` or without ``leg_weakness``, it is an error naming it.

Pure Python: no web framework import. The pydantic validator is built on first use.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from painpath.engine.assessment import AnswerValue
from painpath.engine.questionnaire import Item, load_questionnaire

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = [
    "MIN_AGE",
    "AgeNotSupportedError",
    "FieldError",
    "IntakeError",
    "drop_hidden_answers",
    "load_intake_document",
    "load_questionnaire",
    "validate_answers",
    "visible_items",
]

#: The tool is for ages 16 and over (shared/spec/intake-core.yaml, item ``age``).
MIN_AGE = 16
AGE_MESSAGE = "this tool is for ages 16 and over"

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.-]{1,60}")
_NUMBNESS_GATE = "numbness_any"
_NUMBNESS_AREAS = "numbness_tingling_locations"
_WEAKNESS = "leg_weakness"
#: Gates that validate_answers fills in from their follow-up's answer (see _derive_numbness).
_GATES_DERIVED_FROM_FOLLOW_UP = frozenset({_NUMBNESS_GATE})
_WEAKNESS_SIDE = "leg_weakness_side"


@dataclass(frozen=True)
class FieldError:
    """One problem with one item: ``link_id`` names the item, ``message`` says what is allowed."""

    link_id: str
    message: str

    def __str__(self) -> str:
        # A submitted key can hold anything (newlines, 10 kB): quote and shorten odd ones so
        # the message stays one readable line.
        name = self.link_id if _PLAIN_KEY.fullmatch(self.link_id) else _show(self.link_id)
        return f"{name}: {self.message}"


class IntakeError(ValueError):
    """Invalid intake answers.

    ``errors`` is a list of :class:`FieldError` (one per bad item, in questionnaire order, then
    unknown items); ``str(exc)`` is one line naming every bad item, e.g.
    ``"pain_now: must be a whole number from 0 to 10 (got 11)"``.
    """

    #: At most this many errors are spelled out in ``str(exc)`` (all are in ``errors``).
    MAX_SHOWN = 20

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[: self.MAX_SHOWN])
        more = len(self.errors) - self.MAX_SHOWN
        super().__init__(shown + (f"; and {more} more problems" if more > 0 else ""))

    @property
    def link_ids(self) -> list[str]:
        """The items named by the errors, in order."""
        return [e.link_id for e in self.errors]


class AgeNotSupportedError(IntakeError):
    """The person is younger than 16: "this tool is for ages 16 and over"."""


def _show(value: object) -> str:
    """A short JSON-like rendering of a submitted value for error messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed(item: Item) -> str:
    return ", ".join(item.codes)


def _annotation(item: Item) -> Any:
    """The strict pydantic type of one item's answer."""
    from pydantic import Field, StrictBool

    if item.type == "integer":
        return Annotated[int, Field(strict=True, ge=item.min, le=item.max)]
    if item.type == "boolean":
        return StrictBool
    code = Literal.__getitem__(item.codes)
    if item.type == "choice":
        return code
    # A list longer than the item's codes must repeat one: stop it before any further work.
    return Annotated[list[code], Field(strict=True, max_length=len(item.codes))]  # type: ignore[valid-type]


@dataclass(frozen=True)
class _Validator:
    """Everything ``validate_answers`` needs, built once from the questionnaire."""

    adapter: TypeAdapter[dict[str, Any]]
    error_type: type[Exception]
    items: Mapping[str, Item]
    order: Mapping[str, int]
    exclusive: Mapping[str, frozenset[str]]  # multi linkId -> its "none" style codes


@functools.cache
def _validator() -> _Validator:
    """The pydantic validator for the whole answers object, generated from the questionnaire."""
    from pydantic import ConfigDict, TypeAdapter, ValidationError
    from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

    items = load_questionnaire().items
    fields = {item.link_id: _annotation(item) for item in items}
    make_typed_dict: Any = TypedDict  # built from data: mypy cannot check a dynamic TypedDict
    answers_type: Any = make_typed_dict("Answers", fields, total=False)
    answers_type.__pydantic_config__ = ConfigDict(extra="forbid", strict=True)
    adapter: TypeAdapter[dict[str, Any]] = TypeAdapter(answers_type)
    return _Validator(
        adapter=adapter,
        error_type=ValidationError,
        items={i.link_id: i for i in items},
        order={i.link_id: n for n, i in enumerate(items)},
        exclusive={i.link_id: frozenset(i.exclusive_codes) for i in items if i.type == "multi"},
    )


def _explain(item: Item, value: object) -> str:
    """Why ``value`` is not an allowed answer to ``item`` (called only for rejected values)."""
    got = f"(got {_show(value)})"
    if item.type == "integer":
        return f"must be a whole number from {item.min} to {item.max} {got}"
    if item.type == "boolean":
        return f"must be true or false {got}"
    if item.type == "choice":
        return f"must be one of: {_allowed(item)} {got}"
    if not isinstance(value, list):
        return f"must be a list of codes from: {_allowed(item)} {got}"
    bad = [v for v in value if not isinstance(v, str) or v not in item.codes]
    if not bad:  # only known codes, but more of them than there are: repeats
        return _check_lists(item, value) or f"lists too many codes {got}"
    shown = ", ".join(_show(b) for b in bad[:5]) + (", ..." if len(bad) > 5 else "")
    noun = "code" if len(bad) == 1 else "codes"
    return f"unknown {noun} {shown}; allowed: {_allowed(item)}"


def _unknown_item_message(link_id: str, known: tuple[str, ...]) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(link_id, known, n=1, cutoff=0.75)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    return f"unknown item (not a question of the intake){hint}"


def _check_lists(item: Item, codes: list[str]) -> str | None:
    """Duplicate or wrongly combined codes in a (type-valid) multi answer."""
    seen: set[str] = set()
    dupes: list[str] = []
    for code in codes:
        if code in seen:
            dupes.append(code)
        seen.add(code)
    if dupes:
        return f"lists {', '.join(_show(d) for d in dict.fromkeys(dupes))} more than once"
    if len(codes) > 1:
        for code in item.exclusive_codes:
            if code in codes:
                return (
                    f"{_show(code)} means none of these and cannot be combined with other codes "
                    f"(got {_show(codes)})"
                )
    return None


def validate_answers(raw: Mapping[str, object]) -> dict[str, AnswerValue]:
    """Validate intake answers and return a NEW dict of the validated answers.

    ``raw`` maps linkIds to values (parsed JSON: int, bool, str, list of str). Absent items
    stay absent (unknown). The result holds only answered items, plus the derived numbness
    answers described in the module docstring; lists are copies.

    Raises :class:`AgeNotSupportedError` when ``age`` is a whole number under 16 (its
    ``errors`` list every problem found, the age first), otherwise :class:`IntakeError` listing
    every bad item: unknown item, wrong type, out-of-range number, unknown code, duplicate code,
    an exclusive code combined with others, contradictory numbness answers, a weak leg's side
    without a weak leg.
    """
    if raw.__class__ is not dict and not isinstance(raw, Mapping):
        raise IntakeError(
            [FieldError("answers", f"must be an object of item: answer pairs (got {_show(raw)})")]
        )
    v = _validator()
    errors: dict[str, str] = {}
    unknown: list[FieldError] = []
    data: dict[Any, object] = raw if raw.__class__ is dict else dict(raw)  # type: ignore[assignment]

    try:
        answers: dict[str, Any] = v.adapter.validate_python(data)
    except v.error_type as exc:
        data = dict(data)
        for key in [k for k in data if not isinstance(k, str)]:
            unknown.append(FieldError(_show(key), "item names must be text"))
            del data[key]
        errs = exc.errors()  # type: ignore[attr-defined]
        failed = {err["loc"][0] for err in errs if err["loc"] and err["loc"][0] in data}
        # Keep what passed (lists copied, as the validator would) to check it further below.
        answers = {
            k: (list(val) if isinstance(val, list) else val)
            for k, val in data.items()
            if k not in failed
        }
        for link_id in sorted(failed):
            item = v.items.get(link_id)
            if item is None:
                # Suggestions cost a fuzzy match each: only for the first few unknown items.
                known = tuple(v.items) if len(unknown) < 10 else ()
                unknown.append(FieldError(link_id, _unknown_item_message(link_id, known)))
            else:
                errors[link_id] = _explain(item, data[link_id])

    for link_id, value in answers.items():
        if value.__class__ is list and len(value) > 1:
            exclusive = v.exclusive[link_id]
            if len(set(value)) != len(value) or not exclusive.isdisjoint(value):
                problem = _check_lists(v.items[link_id], value)
                if problem:
                    errors[link_id] = problem

    _derive_numbness(answers, errors)
    _check_weakness_side(answers, errors)

    ordered = [FieldError(i, errors[i]) for i in sorted(errors, key=v.order.__getitem__)]
    age = data.get("age")
    if age.__class__ is int and 0 <= age < MIN_AGE:  # type: ignore[operator]
        ordered = [FieldError("age", f"{AGE_MESSAGE} (got {age})")] + [
            e for e in ordered if e.link_id != "age"
        ]
        raise AgeNotSupportedError(ordered + unknown)
    if ordered or unknown:
        raise IntakeError(ordered + unknown)
    return answers


def _derive_numbness(answers: dict[str, Any], errors: dict[str, str]) -> None:
    """Fill in / cross-check ``numbness_any`` and ``numbness_tingling_locations`` in place."""
    if _NUMBNESS_GATE in errors or _NUMBNESS_AREAS in errors:
        return
    gate = answers.get(_NUMBNESS_GATE)
    areas = answers.get(_NUMBNESS_AREAS)
    if gate is None and areas is not None:
        answers[_NUMBNESS_GATE] = bool(areas)
    elif gate is False and areas is None:
        answers[_NUMBNESS_AREAS] = []
    elif gate is False and areas:
        errors[_NUMBNESS_AREAS] = (
            f"lists areas but {_NUMBNESS_GATE} is false (no numbness); "
            f"remove the areas or answer {_NUMBNESS_GATE} = true"
        )
    elif gate is True and areas == []:
        errors[_NUMBNESS_AREAS] = (
            f"is empty (nowhere) but {_NUMBNESS_GATE} is true; list the areas, or leave the "
            "item out if they are not known"
        )


def _check_weakness_side(answers: Mapping[str, Any], errors: dict[str, str]) -> None:
    """Reject ``leg_weakness_side`` unless ``leg_weakness`` reports a weak leg.

    Nothing is derived: a side says a leg is weak but not whether it is getting worse, and
    guessing "stable" could hide a worsening weakness. So the side is an error (naming it) with
    ``leg_weakness = none`` (a contradiction) and with ``leg_weakness`` unanswered (the form
    asks the side only after a weak leg; see the questionnaire header).
    """
    if _WEAKNESS_SIDE not in answers or _WEAKNESS in errors:
        return
    weakness = answers.get(_WEAKNESS)
    if weakness == "none":
        errors[_WEAKNESS_SIDE] = (
            f"says which leg is weak but {_WEAKNESS} is none (no weak leg); remove "
            f"{_WEAKNESS_SIDE} or answer {_WEAKNESS} = stable or worsening"
        )
    elif weakness is None:
        errors[_WEAKNESS_SIDE] = (
            f"says which leg is weak but {_WEAKNESS} is not answered; answer {_WEAKNESS} "
            f"(stable or worsening) too, or leave {_WEAKNESS_SIDE} out"
        )


def load_intake_document(obj: object) -> dict[str, AnswerValue]:
    """Validate an intake document ``{"answers": {...}, ...}`` and return its validated answers.

    ``obj`` is parsed JSON. Case files also carry ``id``, ``source``, ``summary``, ``expected``
    and ``note`` (shared/spec/README.md); those and any other top-level keys are metadata, not
    input, and are ignored. Raises :class:`IntakeError` naming ``answers`` when ``obj`` is not
    an object or ``answers`` is missing or not an object, otherwise as
    :func:`validate_answers`.
    """
    if not isinstance(obj, Mapping):
        raise IntakeError(
            [
                FieldError(
                    "answers", f'the document must be an object with "answers" (got {_show(obj)})'
                )
            ]
        )
    if "answers" not in obj:
        raise IntakeError([FieldError("answers", 'missing: the document has no "answers" object')])
    answers = obj["answers"]
    if not isinstance(answers, Mapping):
        raise IntakeError(
            [
                FieldError(
                    "answers", f"must be an object of item: answer pairs (got {_show(answers)})"
                )
            ]
        )
    return validate_answers(answers)


def visible_items(answers: Mapping[str, object]) -> list[str]:
    """The linkIds the form shows, in order, given the answers so far.

    An item with ``show_when`` is shown when its condition holds for the answers given; while
    the item it depends on is unanswered, the condition's ``if_unanswered`` decides. An item
    whose gate is itself hidden is hidden too. ``answers`` is not validated here.
    """
    shown: list[str] = []
    hidden: set[str] = set()
    for item in load_questionnaire().items:
        cond = item.show_when
        if cond is not None and (cond.item in hidden or not cond.holds(answers)):
            hidden.add(item.link_id)
            continue
        shown.append(item.link_id)
    return shown


def drop_hidden_answers(answers: Mapping[str, object]) -> dict[str, object]:
    """A copy of ``answers`` without the answers to questions that are now hidden.

    For the form flow: someone who picks numbness areas, goes back and answers
    ``numbness_any = false`` keeps no areas. An answer is dropped when the question it depends
    on IS answered and hides it (or is itself dropped). An unanswered gate drops an answer only
    when the question is not asked while its gate is unanswered (``if_unanswered: false``) and
    validation cannot derive the gate from it: ``leg_weakness_side`` with ``leg_weakness``
    left as "not sure" is dropped, while areas sent without ``numbness_any`` (e.g. a case file)
    are kept, since they say whether there is numbness. Unknown keys are kept for
    :func:`validate_answers` to reject.
    """
    kept = dict(answers)
    dropped: set[str] = set()
    for item in load_questionnaire().items:
        cond = item.show_when
        if cond is None or item.link_id not in kept:
            continue
        if cond.item in kept:
            hidden = not cond.holds(kept)
        else:
            hidden = cond.item in dropped or not (
                cond.if_unanswered or cond.item in _GATES_DERIVED_FROM_FOLLOW_UP
            )
        if hidden:
            del kept[item.link_id]
            dropped.add(item.link_id)
    return kept
