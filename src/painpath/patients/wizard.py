"""The intake wizard's navigation and the view models of its questions.

Steps are the questionnaire's steps, in order, addressed by their 1-based number (the URL
carries only the number: never an answer). A step with no question to ask given the answers so
far is skipped. Review (check and send) comes after the last step, as index ``len(steps)``.

Follow-up questions whose condition depends on a question of the SAME step are always rendered
(with a note saying when to answer them): without script the person sees them all; the script
hides them live. Follow-ups that depend on an EARLIER step are rendered only when their condition
holds. Either way the server drops answers to hidden questions (``drop_hidden_answers``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from painpath.engine.intake import visible_items
from painpath.engine.questionnaire import Item, Step, load_questionnaire
from painpath.patients import bodymap
from painpath.patients.forms import (
    NO,
    NONE_CODE,
    UNSURE,
    US_UNITS,
    YES,
    adds_none_option,
    initial_for,
    unit_field,
)


def steps() -> tuple[Step, ...]:
    """The questionnaire's steps in order."""
    return load_questionnaire().steps


def review_index() -> int:
    """The index of the review page (one past the last step)."""
    return len(steps())


def shown_items(step: Step, answers: Mapping[str, Any]) -> list[Item]:
    """The items of ``step`` to render given ``answers`` (see the module docstring)."""
    visible = set(visible_items(answers))
    own = {i.link_id for i in step.items}
    out: list[Item] = []
    for item in step.items:
        cond = item.show_when
        if item.link_id in visible or (cond is not None and cond.item in own):
            out.append(item)
    return out


def next_index(index: int, answers: Mapping[str, Any]) -> int:
    """The first step after ``index`` with something to ask, or the review index."""
    all_steps = steps()
    for i in range(index + 1, len(all_steps)):
        if shown_items(all_steps[i], answers):
            return i
    return len(all_steps)


def previous_index(index: int, answers: Mapping[str, Any]) -> int | None:
    """The last step before ``index`` with something to ask, or None at the start."""
    all_steps = steps()
    for i in range(min(index, len(all_steps)) - 1, -1, -1):
        if shown_items(all_steps[i], answers):
            return i
    return None


@dataclass
class OptionView:
    code: str
    label: str
    id: str
    checked: bool
    exclusive: bool = False


@dataclass
class UnitBox:
    """One box of a US-customary alternative (``height_cm__ft``, labelled "ft")."""

    name: str
    label: str
    value: str


@dataclass
class QuestionView:
    """Everything a template needs to render one question (plain data, no logic)."""

    link_id: str
    widget: str
    text: str
    help: str | None
    optional: bool
    unit: str | None
    minimum: int | None
    maximum: int | None
    value: str
    options: list[OptionView]
    error: str | None = None
    show_when_json: str = ""
    condition_text: str = ""
    shapes: list[dict[str, Any]] = field(default_factory=list)
    figures: tuple[bodymap.Figure, ...] = ()
    viewbox: str = bodymap.VIEWBOX
    #: Height/weight: the unit radio (metric first) and the US boxes; empty for other items.
    unit_choice: list[OptionView] = field(default_factory=list)
    unit_boxes: list[UnitBox] = field(default_factory=list)


def _condition_text(item: Item) -> str:
    """'Answer this only if ...' for a same-step follow-up (shown when script is off)."""
    cond = item.show_when
    assert cond is not None
    gate = load_questionnaire().item(cond.item)
    if cond.equals is not None:
        if isinstance(cond.equals, bool):
            answer = _("Yes") if cond.equals else _("No")
        else:
            answer = gate.label_for(str(cond.equals))
        return _("Answer this only if you answered “%(answer)s” to: %(question)s") % {
            "answer": answer,
            "question": gate.text,
        }
    excluded = [
        gate.label_for(str(v)) if isinstance(v, str) else (_("Yes") if v else _("No"))
        for v in cond.not_in or ()
    ]
    return _("Skip this if you answered “%(answer)s” to: %(question)s") % {
        "answer": " / ".join(excluded),
        "question": gate.text,
    }


def question_views(
    step: Step,
    items: list[Item],
    answers: Mapping[str, Any],
    raw: Mapping[str, list[str]] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[QuestionView]:
    """View models for ``items``; ``raw``/``errors`` re-show a rejected submission."""
    own = {i.link_id for i in step.items}
    out: list[QuestionView] = []
    for item in items:
        current = (
            list(raw[item.link_id]) if raw and item.link_id in raw else initial_for(item, answers)
        )
        options: list[OptionView] = []
        if item.type == "boolean":
            for code, label in ((YES, _("Yes")), (NO, _("No")), (UNSURE, _("Not sure"))):
                options.append(OptionView(code, label, f"{item.link_id}-{code}", code in current))
        elif item.type in ("choice", "multi"):
            for option in item.options:
                options.append(
                    OptionView(
                        option.code,
                        option.label,
                        f"{item.link_id}-{option.code}",
                        option.code in current,
                        option.exclusive,
                    )
                )
            if item.type == "choice":
                # Lets a person take back a radio answer (leaving it unknown) without script.
                options.append(
                    OptionView(
                        UNSURE,
                        _("Not sure, or I'd rather not answer"),
                        f"{item.link_id}-{UNSURE}",
                        UNSURE in current,
                    )
                )
            if adds_none_option(item):
                options.append(
                    OptionView(
                        NONE_CODE,
                        _("None of these"),
                        f"{item.link_id}-none",
                        NONE_CODE in current,
                        True,
                    )
                )
        view = QuestionView(
            link_id=item.link_id,
            widget=item.widget,
            text=item.text,
            help=item.help,
            optional=item.optional,
            unit=item.unit,
            minimum=item.min,
            maximum=item.max,
            value=current[0] if item.type == "integer" and current else "",
            options=options,
            error=(errors or {}).get(item.link_id),
        )
        us = US_UNITS.get(item.link_id)
        if us is not None and item.unit:
            given = raw or {}
            radio = unit_field(item.link_id)
            chosen = given.get(radio) or [item.unit]
            metric = {"cm": _("centimetres"), "kg": _("kilograms")}.get(item.unit, item.unit)
            view.unit_choice = [
                OptionView(code, label, f"{radio}-{code}", code in chosen)
                for code, label in ((item.unit, metric), (us.code, _(us.label)))
            ]
            view.unit_boxes = [
                UnitBox(
                    us.field(item.link_id, suffix),
                    label,
                    next(iter(given.get(us.field(item.link_id, suffix), [])), ""),
                )
                for suffix, _factor, label in us.boxes
            ]
        cond = item.show_when
        if cond is not None and cond.item in own:
            view.show_when_json = json.dumps(cond.model_dump(), separators=(",", ":"))
            view.condition_text = _condition_text(item)
        if item.widget == "body_map":
            labels = {o.code: o.label for o in item.options}
            view.shapes = [
                {
                    "region": s.region,
                    "points": s.points,
                    "label": labels.get(s.region, s.region),
                    "checked": s.region in current,
                }
                for s in bodymap.SHAPES
            ]
            view.figures = bodymap.figures()
        out.append(view)
    return out


def answer_summary(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The answers in plain words, by step, for the review page.

    Returns ``[{"number": 1, "title": ..., "rows": [(question, answer text), ...]}, ...]``,
    only for steps with at least one question to show. Unanswered questions show "Not
    answered"; follow-up questions hidden by the answers (e.g. where the numbness is, after
    "no numbness") are not listed at all.
    """
    visible = set(visible_items(answers))
    out: list[dict[str, Any]] = []
    for index, step in enumerate(steps()):
        items = [i for i in shown_items(step, answers) if i.link_id in visible]
        if not items:
            continue
        rows = [(item.text, describe_answer(item, answers)) for item in items]
        out.append({"number": index + 1, "title": step.title, "rows": rows})
    return out


def describe_answer(item: Item, answers: Mapping[str, Any]) -> str:
    """One answer in plain words ("Not answered" when absent)."""
    if item.link_id not in answers:
        return _("Not answered")
    value = answers[item.link_id]
    if item.type == "boolean":
        return _("Yes") if value else _("No")
    if item.type == "integer":
        return f"{value} {item.unit}" if item.unit else str(value)
    if item.type == "choice":
        return item.label_for(str(value))
    if not value:
        return _("None of these")
    return "; ".join(item.label_for(code) for code in value)
