"""What the result page shows, built from a stored assessment (plain data for the template).

The page's order is fixed (issue 4): triage advice first, then the likely causes with "why we
think so" and how sure, then what helps for the leading causes, when to seek help sooner, the
not-a-diagnosis statement and the booking button.

How sure: the engine's probabilities are estimates from published likelihood ratios, not
measurements, so the page shows bands instead of percentages (no false precision):

* ``likely``   "More likely"  probability >= 0.40
* ``possible`` "Possible"     0.15 <= probability < 0.40
* ``less``     "Less likely"  probability < 0.15

The cut-offs are a presentation choice of PainPath's (documented here and in the README); they
change no triage and no ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

#: Band cut-offs on the engine's probability (0..1), most certain first.
BAND_LIKELY = 0.40
BAND_POSSIBLE = 0.15

#: How many causes are listed openly; the rest are behind "other causes we considered".
SHOWN_CAUSES = 3
#: Causes whose self-care advice is shown (the leading ones).
HELP_FOR_TOP = 2


def band(probability: float) -> tuple[str, str]:
    """``(band id, label)`` for a probability in 0..1 (see the module docstring)."""
    if probability >= BAND_LIKELY:
        return "likely", _("More likely")
    if probability >= BAND_POSSIBLE:
        return "possible", _("Possible")
    return "less", _("Less likely")


@dataclass
class CauseView:
    id: str
    name: str
    band: str
    band_label: str
    description: str
    evidence_for: list[str]
    evidence_against: list[str]
    has_page: bool
    url: str = ""


@dataclass
class TriageView:
    """The advice box: level, headline, what to do, where to go, why (reasons)."""

    level: str
    headline: str
    advice: str
    what_to_do: list[str]
    reasons: list[str]


@dataclass
class ResultView:
    triage: TriageView
    causes: list[CauseView]
    other_causes: list[CauseView]
    what_helps: list[dict[str, Any]] = field(default_factory=list)
    seek_help: list[str] = field(default_factory=list)
    disclaimer: str = ""
    show_causes: bool = True
    show_self_care: bool = True
    show_booking: bool = True


def triage_view(triage: Mapping[str, Any]) -> TriageView:
    """The advice box for a stored triage (``Assessment.to_dict()["triage"]``)."""
    view = _triage_view(triage)
    if view.advice.rstrip(". ").lower() == view.headline.rstrip(". ").lower():
        view.advice = ""  # the headline already says it
    return view


def _triage_view(triage: Mapping[str, Any]) -> TriageView:
    level = str(triage["level"])
    reasons = [str(r) for r in triage.get("reasons", [])]
    advice = str(triage.get("advice", ""))
    if level == "emergency":
        return TriageView(
            level,
            _("Get emergency help now"),
            advice,
            [
                _("Call your local emergency number now (for example 112 in Europe, 911 in the "
                  "US and Canada, 999 in the UK), or go straight to the nearest emergency "
                  "department (A&E, ER)."),
                _("Do not drive yourself. Ask someone to take you, or call an ambulance."),
                _("Do not wait for this to settle, and do not wait for a physical therapy "
                  "appointment."),
                _("Show this page, or tell the staff, which answers worried us (listed below)."),
            ],
            reasons,
        )  # fmt: skip
    if level == "urgent":
        return TriageView(
            level,
            _("See a doctor within 24 hours"),
            advice,
            [
                _("Call your doctor's practice today and say it is urgent, or go to an urgent "
                  "care or walk-in centre."),
                _("If you cannot be seen within 24 hours, go to an emergency department."),
                _("If it gets much worse, or you get numbness around your bottom or genitals or "
                  "trouble with your bladder or bowels, go to an emergency department at once."),
            ],
            reasons,
        )  # fmt: skip
    if level == "routine":
        return TriageView(
            level,
            _("Book an assessment in the coming days"),
            advice,
            [
                _("Book an initial appointment with a physical therapist (button below), or see "
                  "your doctor, within the next few days."),
                _("Until then, keep gently active within what is comfortable."),
            ],
            reasons,
        )  # fmt: skip
    return TriageView(
        level,
        _("You can look after this yourself for now"),
        advice,
        [
            _("Follow the advice below and keep gently active."),
            _("Book an assessment if you are not clearly better within 2 weeks, or sooner if it "
              "gets worse."),
        ],
        reasons,
    )  # fmt: skip


def _evidence_texts(evidence: list[Mapping[str, Any]], effect: str) -> list[str]:
    texts: list[str] = []
    for item in evidence:
        text = str(item.get("text") or "")
        if item.get("effect") == effect and text and text not in texts:
            texts.append(text)
    return texts


def result_view(assessment: Mapping[str, Any], knowledge: Any | None = None) -> ResultView:
    """Build the page's data from ``Assessment.to_dict()`` and the knowledge base.

    ``knowledge`` is ``painpath.engine.knowledge.load_knowledge()`` (loaded when None); a
    condition the knowledge base no longer has keeps the stored name and gets no page link.
    """
    if knowledge is None:
        from painpath.engine.knowledge import load_knowledge

        knowledge = load_knowledge()
    conditions_kb: Mapping[str, Any] = knowledge.conditions
    # One reverse() for all the condition links (the page lists every ranked condition).
    pages = reverse("patients:conditions")
    level = str(assessment["triage"]["level"])
    causes: list[CauseView] = []
    for cond in assessment.get("conditions", []):
        kb = conditions_kb.get(cond["id"])
        band_id, band_label = band(float(cond.get("probability", 0.0)))
        evidence = list(cond.get("evidence", []))
        causes.append(
            CauseView(
                id=str(cond["id"]),
                name=str(kb.name if kb else cond.get("name", cond["id"])),
                band=band_id,
                band_label=band_label,
                description=str(kb.description).strip() if kb else "",
                evidence_for=_evidence_texts(evidence, "for"),
                evidence_against=_evidence_texts(evidence, "against"),
                has_page=kb is not None,
                url=f"{pages}{cond['id']}/" if kb is not None else "",
            )
        )
    view = ResultView(
        triage=triage_view(assessment["triage"]),
        causes=causes[:SHOWN_CAUSES],
        other_causes=causes[SHOWN_CAUSES:],
        disclaimer=str(assessment.get("disclaimer") or ""),
    )
    # Emergency: nothing may distract from the advice; no self-care, no booking.
    view.show_causes = level != "emergency"
    view.show_self_care = level in ("routine", "self_care")
    view.show_booking = level != "emergency"
    seek: list[str] = []
    for cause in causes[:HELP_FOR_TOP]:
        kb = conditions_kb.get(cause.id)
        if kb is None:
            continue
        if view.show_self_care and kb.category != "serious":
            view.what_helps.append({"id": cause.id, "name": kb.name, "items": list(kb.what_helps)})
        for text in kb.seek_help_if:
            if text not in seek:
                seek.append(str(text))
    # Emergency: the advice box says what to do; a list of "get help sooner if" would only
    # suggest that waiting is an option.
    view.seek_help = seek if level != "emergency" else []
    return view
