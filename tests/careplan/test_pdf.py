"""The PDF handout: its extracted text holds the exercises, warning signs and clinic."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf

from careplan.helpers import make_assessment
from painpath.careplan.pdf import ClinicContact, latin1, render_pdf
from painpath.careplan.plan import build_plan


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", latin1(s))


def test_pdf_text_contains_exercises_doses_warning_signs_and_clinic() -> None:
    answers = {"age": 55, "pain_locations": ["outer_hip_left"], "pain_now": 4}
    plan = build_plan(make_assessment(answers, [("hip_bursitis", 0.7)]))
    clinic = ClinicContact("Riverside Physio", "12 Quay Street", "+44 20 7946 0000")
    data = render_pdf(plan, clinic=clinic, today=date(2026, 3, 1))
    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert plan.exercises
    for item in plan.exercises:
        assert _norm(item.name) in text
        assert _norm(item.dose) in text
    for sign in plan.warning_signs:
        assert _norm(sign.text)[:60] in text
    assert "Riverside Physio" in text and "+44 20 7946 0000" in text
    assert "2026-03-01" in text
    assert "not a diagnosis" in text


def test_pdf_embeds_the_line_drawings_as_vector_graphics() -> None:
    answers = {"age": 35, "pain_now": 3, "duration_days": 90}
    plan = build_plan(make_assessment(answers, [("herniated_disc", 0.6)]))
    drawn = [e for e in plan.exercises if e.drawing]
    assert drawn

    def content(data: bytes) -> bytes:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return b"".join(page.get_contents().get_data() for page in reader.pages)

    with_drawings = content(render_pdf(plan))
    without = content(render_pdf(plan.__class__(**{**plan.__dict__, "exercises": ()})))
    # The drawings are vector paths: line segments stroked ("l S"); text pages have none.
    assert b" l S Q" in with_drawings
    assert b" l S Q" not in without


def test_emergency_pdf_has_no_exercises_but_the_advice_to_seek_care() -> None:
    plan = build_plan(make_assessment({"age": 60}, [("cauda_equina_syndrome", 0.6)], "emergency"))
    text = _text(render_pdf(plan))
    assert "Emergency" in text and "Your exercises" not in text
    assert "emergency department" in text
    assert text.lstrip().startswith("Get checked first") and "self-care plan" not in text


def test_latin1_folds_typographic_characters() -> None:
    assert latin1("a \u2013 b \u201cq\u201d \u2264 5") == 'a - b "q" <= 5'
    assert latin1("\u4e2d") == "?"
