"""In Chromium at phone width: a person checks in twice from the private link; the second
check-in steps the plan up, and the progress chart and its data table change with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check_in(page: Any, *, now: str, during: str, morning: str) -> None:
    page.get_by_role("link", name="Check in").click()
    page.wait_for_url(re.compile(r"/checkin$"))
    page.fill("#id_pain_now", now)
    page.fill("#id_pain_during", during)
    page.fill("#id_pain_next_morning", morning)
    page.fill("#id_sessions_done", "1")
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

    _check_in(page, now="3", during="2", morning="3")
    changes = page.locator("#changes").inner_text()
    assert "step up" in changes
    assert page.locator("#progress-table tbody tr").count() == 3
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
