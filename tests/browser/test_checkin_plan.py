"""In Chromium at phone width: a person checks in from the private link; two good check-ins
minutes apart hold the plan, a good one days later steps it up, and the progress chart and its
data table (which fits a 390 px phone) change with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check_in(page: Any, *, now: str, during: str, morning: str, days_done: str = "1") -> None:
    page.get_by_role("link", name="Check in").click()
    page.wait_for_url(re.compile(r"/checkin$"))
    page.fill("#id_pain_now", now)
    page.fill("#id_pain_during", during)
    page.fill("#id_pain_next_morning", morning)
    if page.locator("input#id_sessions_done").count():  # "on how many of the last N days"
        page.fill("#id_sessions_done", days_done)
    else:  # one day: "did you do your exercises today?" yes/no
        page.get_by_role("radio", name="Yes" if int(days_done) else "No").check()
    page.fill("#id_psfs_activity_1", "Sitting through a film")
    page.fill("#id_psfs_score_1", "6")
    page.select_option("#id_global_change", "2")
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url(re.compile(r"/plan#changes$"))


def test_checkins_change_the_plan_and_the_chart(
    page: Any,
    make_record: Callable[[], str],
    screenshot: Callable[[Any, str], Path],
    axe_check: Callable[..., Any],
    settings: Any,
) -> None:
    # Repeated runs share the rate-limit cache; the limit itself is tested in tests/checkins.
    settings.PAINPATH_CHECKIN_RATE = "10000/h"
    token = make_record()
    page.goto(f"/r/{token}/plan")
    assert page.get_by_role("heading", name="Your self-care plan").is_visible()
    doses_before = page.locator(".exercise .dose").all_inner_texts()
    assert 3 <= len(doses_before) <= 6
    assert page.locator("#progress").count() == 0
    axe_check(page, "plan")

    _check_in(page, now="4", during="3", morning="4")
    assert "One more check-in" in page.locator("#changes").inner_text()
    assert page.locator("#progress-table tbody tr").count() == 2  # start + 1 check-in
    first_chart = page.locator("#pain-chart").get_attribute("src")
    assert first_chart and first_chart.startswith("data:image/svg+xml;base64,")
    assert page.locator("#pain-chart").evaluate("img => img.naturalWidth > 0")
    screenshot(page, "checkin-1-plan-390px")

    page.get_by_role("link", name="Check in").click()
    page.wait_for_url(re.compile(r"/checkin$"))
    assert page.input_value("#id_psfs_activity_1") == "Sitting through a film"
    screenshot(page, "checkin-form-390px")
    axe_check(page, "checkin-form")
    page.go_back()

    # A second good check-in minutes later does not step up (issue: step-ups minutes apart).
    _check_in(page, now="4", during="3", morning="4")
    held = page.locator("#changes").inner_text()
    assert re.search(r"One more check-in like this, on \w+, \w+ \d+ or later", held), held
    assert page.locator(".exercise .dose").all_inner_texts() == doses_before
    first_chart = page.locator("#pain-chart").get_attribute("src")

    # Four days later (the check-ins so far moved back in time): now it steps up.
    from datetime import timedelta

    from django.db.models import F

    from painpath.checkins.models import CheckIn

    CheckIn.objects.update(created_at=F("created_at") - timedelta(days=4))
    _check_in(page, now="3", during="2", morning="3", days_done="4")
    changes = page.locator("#changes").inner_text()
    assert "step up" in changes
    assert page.locator("#progress-table tbody tr").count() == 4
    # The check-in table fits the phone: nothing cut off at the right, caption not clipped.
    fits = page.locator(".table-scroll").evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    widths = page.locator(".table-scroll").evaluate(
        "el => [el.scrollWidth, el.clientWidth, ...[...el.querySelectorAll('tr:last-child > *')]"
        ".map(c => c.getBoundingClientRect().width)]"
    )
    assert fits, f"the check-in table is wider than a 390 px phone: {widths}"
    caption = page.locator("#progress-caption")
    assert caption.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert page.get_by_role("columnheader", name="Exercise days").is_visible()
    assert page.locator("#progress-table").evaluate(
        "t => t.getBoundingClientRect().right <= window.innerWidth"
    )
    # The table region alone, to look at (test-artifacts/checkin-table-390px.png).
    page.locator("#progress").screenshot(path=str(screenshot(page, "checkin-table-390px")))
    second_chart = page.locator("#pain-chart").get_attribute("src")
    assert second_chart != first_chart
    assert page.locator(".exercise .dose").all_inner_texts() != doses_before
    screenshot(page, "checkin-2-stepped-up-390px")
    axe_check(page, "plan-after-checkins")

    # The print stylesheet: no site navigation or buttons on paper, exercises and charts kept.
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("link", name="Check in").is_visible()
    assert page.locator(".exercise").first.is_visible()
    assert page.locator("#pain-chart").is_visible()


def test_a_warning_sign_at_a_checkin_shows_the_banner_on_plan_and_result(
    page: Any,
    make_record: Callable[[], str],
    screenshot: Callable[[Any, str], Path],
    axe_check: Callable[..., Any],
    settings: Any,
) -> None:
    settings.PAINPATH_CHECKIN_RATE = "10000/h"
    token = make_record()
    page.goto(f"/r/{token}/plan")
    page.get_by_role("link", name="Check in").click()
    page.wait_for_url(re.compile(r"/checkin$"))
    # Only the warning sign, every other answer left empty: still saved and escalated.
    page.get_by_label("Numbness around your bottom, genitals or inner thighs").check()
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url(re.compile(r"/plan#changes$"))
    assert page.get_by_role("heading", name="Get checked first", level=1).is_visible()
    banner = page.locator("#escalation")
    assert banner.is_visible()
    assert "Get emergency help now" in banner.inner_text()
    call = banner.locator("a.emergency-call")
    assert call.is_visible() and (call.get_attribute("href") or "").startswith("tel:")
    # The other answers were left blank, not lost: nothing is listed as "not saved".
    assert page.locator("#unsaved").count() == 0
    assert page.get_by_role("link", name="Check in").count() == 0
    screenshot(page, "escalated-plan-390px")
    axe_check(page, "escalated-plan")

    page.goto(f"/r/{token}/")
    banner = page.locator("#escalation")
    assert banner.is_visible()
    top = banner.evaluate("el => el.getBoundingClientRect().top")
    earlier = page.locator("#earlier-advice")
    assert top < earlier.evaluate("el => el.getBoundingClientRect().top")
    assert not page.locator("#triage").is_visible(), "the replaced advice is collapsed"
    assert page.locator("#book").count() == 0
    screenshot(page, "escalated-result-390px")
    axe_check(page, "escalated-result")
