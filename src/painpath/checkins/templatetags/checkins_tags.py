"""Template tags other apps use to show the care plan's safety state with one line.

``{% load checkins_tags %}{% escalation_banner record %}`` shows the escalation banner
(``checkins/_escalation_banner.html``) when a warning sign reported at a check-in, or the
clinic's review, made the person's triage more urgent than their intake's, and nothing
otherwise. ``{% patient_escalation record as escalation %}`` gives the banner's content.

``{% current_level record as level %}`` (staff pages) gives the staff-facing current level as
``{"level", "name", "escalated", "since"}``: from the ``with_current_urgency`` annotations when
the queryset has them (no query), else computed (one query).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.utils.translation import gettext as _

from painpath.checkins import services
from painpath.engine.assessment import TRIAGE_LEVELS
from painpath.patients.models import IntakeRecord, TriageLevel

register = template.Library()


@dataclass(frozen=True)
class EscalationView:
    """What the banner shows: level, headline, what to do, where to go, why, and since when."""

    level: str
    headline: str
    what_to_do: list[str]
    where: str
    reasons: list[str]
    since: datetime
    #: Emergency: the number the call button dials and its ``tel:`` link (else empty).
    call_number: str = ""
    call_href: str = ""
    #: ``"checkin"`` (a warning sign at a check-in) or ``"review"`` (the clinic's review).
    source: str = "checkin"
    #: ``since`` as the person reads it: the day in the clinic's time zone.
    since_text: str = ""


def _where(level: str) -> str:
    if level == "emergency":
        return _(
            "The nearest emergency department (A&E, ER), or call an ambulance. Do not drive "
            "yourself."
        )
    return _(
        "Your doctor's practice today (say it is urgent), or an urgent care or walk-in centre. "
        "If you cannot be seen within 24 hours, go to an emergency department."
    )


def escalation_view(record: IntakeRecord, *, with_review: bool = True) -> EscalationView | None:
    """The banner's content for ``record``, or ``None`` when nothing made the advice more
    urgent than the intake's. ``with_review``: count the clinic's review (patient pages) or
    only check-ins (staff's "escalated at a check-in")."""
    from painpath.clinic.formatting import format_local_date
    from painpath.patients.results import triage_view

    current = services.current_triage_detail(record, with_review=with_review)
    if current.since is None:
        return None
    level = current.level
    box = triage_view({"level": level, "reasons": [str(r) for r in current.reasons]})
    return EscalationView(
        level=level,
        headline=box.headline,
        what_to_do=box.what_to_do,
        where=_where(level) if level in ("emergency", "urgent") else "",
        reasons=box.reasons,
        since=current.since,
        call_number=box.call_number,
        call_href=box.call_href,
        source=current.source,
        since_text=format_local_date(current.since, services.patient_time_zone()),
    )


@register.simple_tag
def patient_escalation(record: IntakeRecord) -> EscalationView | None:
    """``{% patient_escalation record as escalation %}``: the banner's content or ``None``."""
    return escalation_view(record)


@register.inclusion_tag("checkins/_escalation_banner.html")
def escalation_banner(record: IntakeRecord | None) -> dict[str, Any]:
    """Context for the banner: ``escalation`` is ``None`` (nothing shown) without escalation."""
    return {"escalation": escalation_view(record) if record is not None else None}


@register.simple_tag
def current_level(record: IntakeRecord) -> dict[str, Any]:
    """The staff-facing current level of ``record`` (see the module docstring)."""
    names = dict(TriageLevel.choices)
    rank = getattr(record, "current_urgency", None)
    escalated_rank = getattr(record, "escalated_urgency", None)
    reviewed_rank = getattr(record, "reviewed_urgency", None)
    since: datetime | None = None
    if rank is None:  # not annotated: compute it (staff detail page)
        annotated = services.with_current_urgency(IntakeRecord.objects.filter(pk=record.pk))
        row = annotated.get()
        rank, escalated_rank = row.current_urgency, row.escalated_urgency  # type: ignore[attr-defined]
        reviewed_rank = row.reviewed_urgency  # type: ignore[attr-defined]
        since = services.current_triage_detail(record, with_review=False).since
    last = len(TRIAGE_LEVELS) - 1
    level = TRIAGE_LEVELS[min(int(rank), last)]
    # "Escalated" when the check-in escalation is what makes it this urgent.
    escalated = escalated_rank is not None and int(escalated_rank) <= int(rank)
    escalated = escalated and int(rank) < record.urgency
    # A review that LOWERS the level does not lower what the patient is told (the engine's or a
    # check-in's advice stands until the clinic talks to them): staff must see that the person
    # is still told to act more urgently, e.g. "see a doctor within 24 hours".
    told = [record.urgency, *(int(r) for r in (escalated_rank, reviewed_rank) if r is not None)]
    patient_level = TRIAGE_LEVELS[min(min(told), last)]
    return {
        "level": level,
        "name": names.get(level, level),
        "escalated": escalated,
        "since": since,
        "patient_level": patient_level if patient_level != level else "",
        "patient_name": names.get(patient_level, patient_level),
    }


@register.simple_tag
def checkin_escalation(record: IntakeRecord) -> dict[str, Any] | None:
    """For staff pages: ``{"level", "level_name", "reasons", "since"}`` of the check-in
    escalation of ``record``, or ``None`` when no check-in made it more urgent."""
    view = escalation_view(record, with_review=False)
    if view is None:
        return None
    names = dict(TriageLevel.choices)
    return {
        "level": view.level,
        "level_name": names.get(view.level, view.level),
        "reasons": view.reasons,
        "since": view.since,
    }
