"""The printable handout: a PDF of a plan, made with fpdf2 (pure PyPI, no system libraries).

``render_pdf(plan, clinic=ClinicContact(...)) -> bytes``: exercises with steps, doses and line
drawings (the library's SVG files, embedded as vector graphics), advice, warning signs and the
clinic's contact details. The core fonts of PDF cover Latin-1 only, so text is folded to it
(typographic dashes and quotes to ASCII). Target: < 1 s (benchmarks/bench_careplan.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from painpath.careplan.library import Library, load_library
from painpath.careplan.plan import Plan

_FOLD = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u00a0": " ",
    }
)


def latin1(text: str) -> str:
    """``text`` folded to Latin-1 (unknown characters become ``?``) for the PDF core fonts."""
    return text.translate(_FOLD).encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class ClinicContact:
    """The clinic printed on the handout (all plain text; empty fields are left out)."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    def lines(self) -> list[str]:
        out = [self.name]
        out += [x for x in (self.address, self.phone, self.email, self.website) if x]
        return out


def _utc_day(at: str) -> str:
    from painpath.careplan.progression import format_day

    return format_day(datetime.fromisoformat(at).date())


_LEVEL_HEADING = {
    "emergency": "Emergency: get help now",
    "urgent": "Urgent: see a doctor within 24 hours",
    "routine": "Book an assessment",
    "self_care": "Self-care",
}


def render_pdf(
    plan: Plan,
    *,
    clinic: ClinicContact | None = None,
    today: date | None = None,
    library: Library | None = None,
    day_label: Callable[[str], str] | None = None,
) -> bytes:
    """The handout for ``plan`` as PDF bytes (A4).

    ``clinic``: contact details printed at the top and the end (omitted when ``None``);
    ``today``: the date printed (default: today). Drawings come from ``library``.
    ``day_label(iso_timestamp) -> str`` words the day a physical therapist last updated the
    plan (an adapter passes its local format; default: the UTC day as "Thursday, March 5").
    """
    from fpdf import FPDF  # lazy: only the PDF path pays for the import
    from fpdf.enums import XPos, YPos

    lib = library or load_library()
    pdf = FPDF(format="A4")
    pdf.set_title("PainPath self-care plan")
    pdf.set_creator("PainPath")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(text: str, size: float = 10, style: str = "", h: float = 5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, h, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(text: str, size: float = 14) -> None:
        pdf.ln(2)
        para(text, size, "B", h=7)

    # Emergency/urgent: no self-care plan, so the title says what comes first.
    see_doctor = plan.triage_level in ("emergency", "urgent")
    para("Get checked first" if see_doctor else "Your PainPath self-care plan", 18, "B", h=9)
    para(f"Printed {(today or date.today()).isoformat()}", 9)
    if clinic is not None:
        para(" | ".join(clinic.lines()), 9)
    pdf.ln(2)
    para(plan.disclaimer, 9, "I")

    heading(_LEVEL_HEADING[plan.triage_level])
    para(plan.triage_advice, 11, "B")
    for reason in plan.triage_reasons:
        para(f"- {reason}", 9)
    if plan.therapist_updated_at is not None:
        label = day_label or _utc_day
        heading(f"Your physical therapist updated your plan on {label(plan.therapist_updated_at)}")
        if plan.therapist_note:
            para(plan.therapist_note, 11)
    pdf.ln(1)
    para(plan.exercise_note, 10)

    if plan.exercises:
        heading("Your exercises")
        for n, item in enumerate(plan.exercises, 1):
            if pdf.get_y() > pdf.h - 70:
                pdf.add_page()
            top = pdf.get_y()
            ex = lib.exercises.get(item.id)
            drawing = lib.drawing_path(ex) if ex is not None else None
            text_width = width - 50 if drawing else width
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(
                text_width, 6, latin1(f"{n}. {item.name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(
                text_width, 5, latin1(f"Dose: {item.dose}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(text_width, 5, latin1(item.purpose), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            for i, step in enumerate(item.steps, 1):
                pdf.multi_cell(
                    text_width, 5, latin1(f"  {i}. {step}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
            bottom = pdf.get_y()
            if drawing is not None:
                pdf.image(str(drawing), x=pdf.l_margin + width - 46, y=top + 1, w=46)
                bottom = max(bottom, top + 26)
            pdf.set_y(bottom)
            pdf.set_font("Helvetica", "I", 9)
            for caution in item.cautions:
                pdf.multi_cell(
                    width, 4.5, latin1(f"Take care: {caution}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
            pdf.multi_cell(
                width, 4.5, latin1(f"Why: {item.why}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.set_font("Helvetica", "", 7)
            pdf.multi_cell(
                width, 3.5, latin1(f"Source: {item.source}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.ln(3)
        para(
            "How hard: pain up to 5 out of 10 during an exercise is acceptable, as long as it "
            "has settled back to your usual level by the next morning. If not, do less and "
            "tell us at your next check-in.",
            9,
            "I",
        )

    heading("Advice")
    for advice in plan.advice:
        para(advice.title, 11, "B")
        para(advice.text, 10)
        para(f"Why: {advice.why}", 8, "I", h=4)

    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    heading("Warning signs: get help at once")
    for sign in plan.warning_signs:
        where = (
            "Emergency department or emergency services now"
            if sign.action == "emergency"
            else "See a doctor the same day"
        )
        para(f"- {sign.text}", 10, "B")
        para(f"  {where}.", 9)

    if clinic is not None:
        heading("Contact your clinic")
        for line in clinic.lines():
            para(line, 10)
    out = pdf.output()
    return bytes(out)
