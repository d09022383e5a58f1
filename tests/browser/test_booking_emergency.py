"""In Chromium at phone width: the booking pages of an emergency result lead with the call."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from painpath.clinic.demo import load_demo_clinic
from painpath.patients import tokens
from painpath.patients.models import IntakeRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def emergency_token(transactional_db: None, settings: Any) -> str:
    settings.PAINPATH_EMERGENCY_NUMBER = "911"
    load_demo_clinic(password="demo-password-for-tests")
    token = tokens.new_secret()
    IntakeRecord.objects.create(
        token_hash=tokens.digest(token),
        submission_key=tokens.new_secret(),
        answers={"age": 52, "saddle_numbness": True, "bladder_change": True},
        assessment={
            "triage": {"level": "emergency", "reasons": ["Numbness around the groin"]},
            "conditions": [],
        },
        triage_level="emergency",
        engine_version="test",
        knowledge_version="test",
    )
    return token


def test_an_emergency_result_books_only_after_being_seen(
    emergency_token: str,
    page: Any,
    screenshot: Callable[[Any, str], Any],
    axe_check: Callable[..., Any],
) -> None:
    page.goto(f"/r/{emergency_token}/book/")
    box = page.locator(".triage-emergency")
    assert box.is_visible()
    call = page.get_by_role("link", name="Call 911 now")
    assert call.is_visible() and call.get_attribute("href") == "tel:911"
    # Tappable: at least 44 px high, as wide as most of a 390 px screen.
    size = call.bounding_box()
    assert size is not None and size["height"] >= 44 and size["width"] >= 300
    assert page.locator('a[href*="/book/details/"]').count() == 0
    assert page.get_by_role("button", name="Show free times").count() == 0
    screenshot(page, "booking-emergency-390px")
    axe_check(page, "booking-emergency")

    page.get_by_role("link", name=re.compile("I have been seen")).click()
    page.wait_for_url(re.compile(r"/book/\?seen=1$"))
    assert page.locator(".triage-emergency").is_visible()
    assert page.get_by_role("link", name="Call 911 now").is_visible()
    assert page.locator('a[href*="/book/details/"]').count() > 0
    axe_check(page, "booking-emergency-seen")
