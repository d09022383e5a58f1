"""The fixed warning-sign texts (home page, error page) give a weakening leg the engine's level.

The engine (red_flags.yaml) and the check-in warning sign (careplan advice.yaml) make one leg
getting weaker URGENT ("see a doctor the same day") and weakness or numbness in BOTH legs, or
saddle/bladder/bowel signs, an EMERGENCY. Pages that state the signs in words must say the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from painpath.engine import assess

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "painpath"


def test_the_engine_gives_one_weakening_leg_urgent_and_both_legs_emergency() -> None:
    base = {"age": 45, "pain_locations": ["low_back_center", "back_thigh_left"]}
    one = assess({**base, "leg_weakness": "worsening"})
    assert one.triage.level == "urgent"
    both = assess(
        {
            **base,
            "leg_weakness": "worsening",
            "numbness_any": True,
            "numbness_tingling_locations": ["lower_leg_left", "lower_leg_right"],
        }
    )
    assert both.triage.level == "emergency"


@pytest.mark.django_db
def test_the_home_page_says_the_same() -> None:
    html = Client().get("/").content.decode().replace("&#x27;", "'")
    assert "both legs are getting weak or numb, call your local emergency number" in html
    assert "If one leg is getting weaker, see a doctor the same day." in html
    assert "quickly getting weaker" not in html


@pytest.mark.parametrize(
    "template",
    [
        "web/templates/500.html",
        "clinic/templates/clinic/manage.html",
        "clinic/templates/clinic/email/confirmation.txt",
    ],
)
def test_the_error_page_appointment_page_and_email_say_the_same(template: str) -> None:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    assert "both legs" in text
    assert "If one leg is getting weaker" in text
    assert "new weakness in your legs" not in text
