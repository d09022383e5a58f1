"""The tester's phone findings in a real browser: the way back to a result after sending, the
copy-link button, and the emergency call button as a real ``tel:`` link."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from painpath.engine.questionnaire import load_questionnaire

from .journey import RESULT_URL, ROUTINE_ANSWERS, STEP_URL, fill_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_all(page: Any, answers: Mapping[str, Any]) -> None:
    for _ in range(len(load_questionnaire().steps) + 1):
        match = STEP_URL.search(page.url)
        if not match:
            return
        fill_step(page, int(match.group(1)), answers)
        page.click("button[value=next]")
        page.wait_for_load_state()


def test_back_after_sending_offers_the_result_and_the_link_can_be_copied(
    page: Any, axe_check: Callable[..., Any], screenshot: Callable[[Any, str], Path]
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/start/")
    page.click("text=Start the questions")
    _answer_all(page, ROUTINE_ANSWERS)
    page.click("text=Send my answers and see my result")
    page.wait_for_url(RESULT_URL)
    result_url = page.url

    # "Save this private link": the copy button appears with script and copies the link.
    button = page.locator("button[data-copy]")
    assert button.is_visible()
    button.click()
    page.wait_for_function("() => document.querySelector('[data-copy-status]').textContent")
    assert "Link copied" in page.locator("[data-copy-status]").inner_text()
    assert page.evaluate("() => navigator.clipboard.readText()") == result_url
    axe_check(page, "result-keep-link")

    # The browser's Back button: no dead end, a link back to the result.
    page.go_back()
    page.wait_for_url("**/start/")
    notice = page.locator(".recent-results")
    assert "You already sent your answers" in notice.inner_text()
    assert "could not find your answers" not in page.content()
    axe_check(page, "start-with-recent-result")
    screenshot(page, "start-recent-result-390px")
    notice.locator("a").first.click()
    page.wait_for_url(result_url)


def test_the_emergency_call_button_dials_the_emergency_number(
    page: Any, axe_check: Callable[..., Any]
) -> None:
    page.goto("/start/")
    page.click("text=Start the questions")
    page.fill("#age", "47")
    page.click("button[value=next]")
    page.check("#pain_locations-low_back_center")
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/3/")
    page.check("#saddle_numbness-yes")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"/r/[A-Za-z0-9_-]{43}/$"))
    call = page.locator("a.emergency-call")
    assert call.get_attribute("href") == "tel:911"
    assert call.inner_text().strip() == "Call 911 now"
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300  # easy to hit
    axe_check(page, "result-emergency-call")
