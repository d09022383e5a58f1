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

Serious conditions (knowledge-base category ``serious``: cauda equina syndrome, fractures,
infection, cancer, aneurysm) never get "More likely / Possible": a patient reads those as a
diagnosis. Instead:

* ``ruleout`` "Needs to be ruled out": a fired red flag named the condition;
* ``check``   "Should be checked": no red flag named it, but its probability reached the
  knowledge base's concern floor (``red_flags.yaml: concern_floor.probability``, 0.10: the level
  of suspicion at which the red-flag framework sends a person to a doctor to rule a condition
  out, Finucane et al. JOSPT 2020);
* below that floor and not named by a red flag, a serious condition is NOT listed at all (not
  even under "other causes"): the engine ranks every condition, and a rare serious one coming
  third in a list of small numbers is not information. When no red flag fired, the page says
  calmly that serious causes were checked for and none was found (with a caveat when
  warning-sign questions were left unanswered).

The engine's published-figure evidence ("a warning sign: in published studies about 28 in 100
people with it had this condition") is rephrased for patients from the rule's
``post_test_probability`` as "Of people with this warning sign (...), about 1 in 4 turned out to
have ... in published studies."
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

# Re-exported: one tel: helper serves every page.
from painpath.clinic.formatting import tel_href as tel_href

#: Band cut-offs on the engine's probability (0..1), most certain first.
BAND_LIKELY = 0.40
BAND_POSSIBLE = 0.15

#: How many causes are listed openly (besides listed serious ones, always first); the rest
#: are behind "other causes we considered".
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


def serious_band(named_by_red_flag: bool) -> tuple[str, str]:
    """``(band id, label)`` of a listed serious condition (see the module docstring)."""
    if named_by_red_flag:
        return "ruleout", _("Needs to be ruled out")
    return "check", _("Should be checked")


def one_in(probability: float) -> str:
    """A published proportion in plain words: 0.28 -> "about 1 in 4", 0.6 -> "about 6 in 10".

    ``probability`` in (0, 1). Natural frequencies ("1 in 4") are easier to read than
    percentages (Gigerenzer G et al. Psychol Sci Public Interest 2007;8(2):53-96).
    """
    if probability >= 0.5:
        return _("about %(n)s in 10") % {"n": max(5, min(10, round(probability * 10)))}
    return _("about 1 in %(n)s") % {"n": max(2, round(1 / probability))}


def emergency_number() -> str:
    """The emergency number to call from the result page (``PAINPATH_EMERGENCY_NUMBER``)."""
    return str(getattr(settings, "PAINPATH_EMERGENCY_NUMBER", "911") or "911")


@dataclass(frozen=True)
class Phone:
    """A number to call: who, as written, and the ``tel:`` link."""

    name: str
    number: str
    href: str


def clinic_phones(limit: int = 3) -> list[Phone]:
    """The clinics' phone numbers (at most ``limit``), for urgent advice. One query.

    Empty when the scheduling app is not installed or has no clinic with a phone.
    """
    from django.apps import apps

    try:
        clinic_model = apps.get_model("clinic", "Clinic")
    except LookupError:
        return []
    rows = clinic_model.objects.exclude(phone="").order_by("name").values_list("name", "phone")
    return [Phone(str(n), str(p), tel_href(str(p))) for n, p in rows[:limit]]


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
    #: Emergency: the number the big call button dials, and its ``tel:`` link.
    call_number: str = ""
    call_href: str = ""
    #: Urgent: clinic phone numbers to call for advice (may be empty).
    phones: list[Phone] = field(default_factory=list)


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
    #: "We also checked for signs of serious causes and found none" (no red flag fired).
    serious_checked: str = ""


def triage_view(triage: Mapping[str, Any], phones: bool = True) -> TriageView:
    """The advice box for a stored triage (``Assessment.to_dict()["triage"]``).

    Emergency: ``call_number``/``call_href`` from ``PAINPATH_EMERGENCY_NUMBER`` (default 911).
    Urgent: ``phones`` lists the clinics' numbers (one query; ``phones=False`` skips it).
    """
    view = _triage_view(triage)
    if view.advice.rstrip(". ").lower() == view.headline.rstrip(". ").lower():
        view.advice = ""  # the headline already says it
    elif view.level != "emergency" and any(same_advice(view.advice, x) for x in view.what_to_do):
        view.advice = ""  # "what to do" says it (say each thing once)
    if view.level == "emergency":
        view.call_number = emergency_number()
        view.call_href = tel_href(view.call_number)
    elif view.level == "urgent" and phones:
        view.phones = clinic_phones()
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
                _("Call %(number)s now (or your local emergency number: for example 112 in "
                  "Europe, 999 in the UK), or go straight to the nearest emergency department "
                  "(ER, A&E).") % {"number": emergency_number()},
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
                  "care center or walk-in clinic."),
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


_RULE_SOURCE = re.compile(r"\[rule ([A-Za-z0-9_]+)\]\s*$")
_WORD = re.compile(r"[a-z0-9]+")
_PARENS = re.compile(r"\([^)]*\)")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "is",
        "are",
        "be",
        "it",
        "its",
        "you",
        "your",
        "if",
        "any",
        "as",
        "by",
        "after",
        "from",
        "this",
        "that",
        "there",
    ]
)


def _published_figure(item: Mapping[str, Any], knowledge: Any) -> float | None:
    """The rule's published probability when ``item`` is the engine's published-figure
    evidence (source ends with ``[rule <id>]`` and that rule has ``post_test_probability``)."""
    match = _RULE_SOURCE.search(str(item.get("source") or ""))
    if match is None:
        return None
    for compiled in getattr(knowledge, "red_flags", ()):
        rule = compiled.rule
        if rule.id == match.group(1):
            figure = getattr(rule, "post_test_probability", None)
            return float(figure) if figure else None
    return None


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _evidence_texts(
    evidence: list[Mapping[str, Any]], effect: str, name: str = "", knowledge: Any = None
) -> list[str]:
    """The distinct evidence texts with ``effect`` ("for" / "against"), in the engine's order.

    The published-figure item is rephrased plainly (see the module docstring); the finding
    it names in brackets is then not repeated as a line of its own.
    """
    texts: list[str] = []
    named: set[str] = set()
    for item in evidence:
        text = str(item.get("text") or "")
        if item.get("effect") != effect or not text:
            continue
        figure = _published_figure(item, knowledge) if knowledge is not None else None
        if figure is not None:
            sign = next(
                (
                    str(other.get("text"))
                    for other in evidence
                    if other is not item
                    and other.get("effect") == "for"
                    and other.get("text")
                    and other.get("linkId") == item.get("linkId")
                ),
                "",
            )
            values = {"sign": sign, "share": one_in(figure), "name": _lower_first(name)}
            if sign:
                named.add(sign)
                text = (
                    _(
                        "Of people with this warning sign (%(sign)s), %(share)s turned out to have "
                        "%(name)s in published studies."
                    )
                    % values
                )
            else:
                text = (
                    _(
                        "You reported a warning sign for this. Of people with that sign, %(share)s "
                        "turned out to have %(name)s in published studies."
                    )
                    % values
                )
        if text not in texts:
            texts.append(text)
    return [t for t in texts if t not in named]


_NUMBERS = {"1": "one", "2": "two", "3": "three", "4": "four", "6": "six"}


@functools.lru_cache(maxsize=1024)  # the texts come from the knowledge base: a small set
def _words(text: str) -> frozenset[str]:
    words = _WORD.findall(_PARENS.sub(" ", text.lower()))
    return frozenset(_NUMBERS.get(w, w) for w in words if w not in _STOPWORDS)


def same_advice(a: str, b: str) -> bool:
    """Whether two "get help sooner if" lines say the same thing in other words.

    Overlap coefficient of their content words (brackets, such as "(see a doctor the same
    day)", and small words ignored) of at least 0.6: "you are not clearly better after two
    weeks" and "the pain is not clearly better after two weeks of changes" are the same line.
    """
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return a.strip().lower() == b.strip().lower()
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def dedupe_advice(lines: Iterable[str], already_said: Iterable[str] = ()) -> list[str]:
    """``lines`` without repeats (see :func:`same_advice`) and without what ``already_said``
    says; of two lines saying the same, the longer (more complete) one is kept, in the first
    one's place."""
    said = list(already_said)
    out: list[str] = []
    for line in lines:
        if any(same_advice(line, s) for s in said):
            said.append(line)  # its rewordings later in the list are dropped too
            continue
        twin = next((i for i, kept in enumerate(out) if same_advice(line, kept)), None)
        if twin is None:
            out.append(line)
        elif len(line) > len(out[twin]):
            out[twin] = line
    return out


def result_view(assessment: Mapping[str, Any], knowledge: Any | None = None) -> ResultView:
    """Build the page's data from ``Assessment.to_dict()`` and the knowledge base.

    ``knowledge`` is ``painpath.engine.knowledge.load_knowledge()`` (loaded when None); a
    condition the knowledge base no longer has keeps the stored name and gets no page link.
    Serious conditions are banded and filtered as the module docstring says.
    """
    if knowledge is None:
        from painpath.engine.knowledge import load_knowledge

        knowledge = load_knowledge()
    conditions_kb: Mapping[str, Any] = knowledge.conditions
    floor = float(knowledge.concern_floor.probability)
    # One reverse() for all the condition links (the page lists every ranked condition).
    pages = reverse("patients:conditions")
    triage = assessment["triage"]
    level = str(triage["level"])
    red_flags = list(triage.get("red_flags", []))
    flagged = {str(c) for flag in red_flags for c in flag.get("conditions", [])}
    causes: list[CauseView] = []
    for cond in assessment.get("conditions", []):
        kb = conditions_kb.get(cond["id"])
        probability = float(cond.get("probability", 0.0))
        if kb is not None and kb.category == "serious":
            named = cond["id"] in flagged
            if not named and probability < floor:
                continue  # not information for the patient (module docstring)
            band_id, band_label = serious_band(named)
        else:
            band_id, band_label = band(probability)
        evidence = list(cond.get("evidence", []))
        name = str(kb.name if kb else cond.get("name", cond["id"]))
        causes.append(
            CauseView(
                id=str(cond["id"]),
                name=name,
                band=band_id,
                band_label=band_label,
                description=str(kb.description).strip() if kb else "",
                evidence_for=_evidence_texts(evidence, "for", name, knowledge),
                evidence_against=_evidence_texts(evidence, "against"),
                has_page=kb is not None,
                url=f"{pages}{cond['id']}/" if kb is not None else "",
            )
        )
    # Listed serious conditions lead the list ("Needs to be ruled out" / "Should be checked"):
    # they are what the advice box is about, so they must not hide under "other causes".
    first = [c for c in causes if c.band in ("ruleout", "check")]
    rest = [c for c in causes if c.band not in ("ruleout", "check")]
    view = ResultView(
        triage=triage_view(triage),
        causes=first + rest[:SHOWN_CAUSES],
        other_causes=rest[SHOWN_CAUSES:],
        disclaimer=str(assessment.get("disclaimer") or ""),
    )
    # Emergency: nothing may distract from the advice; no self-care, no booking.
    view.show_causes = level != "emergency"
    view.show_self_care = level in ("routine", "self_care")
    view.show_booking = level != "emergency"
    if not red_flags and level in ("routine", "self_care"):
        required = {k.item for k in knowledge.self_care.required_answers}
        if required & set(assessment.get("unknown", [])):
            view.serious_checked = _(
                "We also checked your answers for signs of serious causes and found none, but "
                "some of those questions were not answered. The clinician who sees you will ask "
                "about them."
            )
        else:
            view.serious_checked = _(
                "We also checked for signs of serious causes and found none in your answers."
            )
    seek: list[str] = []
    for cause in causes[:HELP_FOR_TOP]:
        kb = conditions_kb.get(cause.id)
        if kb is None:
            continue
        if view.show_self_care and kb.category != "serious":
            view.what_helps.append({"id": cause.id, "name": kb.name, "items": list(kb.what_helps)})
        seek.extend(str(text) for text in kb.seek_help_if)
    # Emergency and urgent: the advice box says what to do and when to go sooner (its last
    # line); a list of "get help sooner if" (e.g. "not clearly better after two weeks") would
    # suggest that waiting is an option. Elsewhere: each thing said once (issue: the same
    # "not better after two weeks" came from two causes and from the advice box).
    box = [view.triage.advice, *view.triage.what_to_do]
    view.seek_help = dedupe_advice(seek, box) if level in ("routine", "self_care") else []
    return view
