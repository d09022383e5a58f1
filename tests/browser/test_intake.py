"""The intake in a real browser (Chromium, phone size): journey, red flags, back, body map, axe."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from painpath.engine.questionnaire import load_questionnaire

from .journey import ROUTINE_ANSWERS, STEP_URL, fill_step, step_with_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_until_not_a_step(page: Any, answers: Mapping[str, Any], check: Any = None) -> None:
    """Answer step after step (checking each page first, when asked) until another page."""
    for _ in range(len(load_questionnaire().steps) + 1):
        match = STEP_URL.search(page.url)
        if not match:
            return
        number = int(match.group(1))
        fill_step(page, number, answers)
        if check is not None:
            check(page, f"step-{load_questionnaire().steps[number - 1].id}")
        page.click("button[value=next]")
        page.wait_for_load_state()


def test_full_journey_to_a_routine_result(
    page: Any, axe_check: Callable[..., Any], screenshot: Callable[[Any, str], Path]
) -> None:
    page.goto("/")
    axe_check(page, "landing")
    page.click("text=Check my pain >> nth=1")
    page.wait_for_url("**/start/")
    axe_check(page, "start")
    page.click("text=Start the questions")
    page.wait_for_url("**/start/step/1/")
    checked: set[str] = set()

    def check_once(pg: Any, name: str) -> None:
        if name not in checked:
            checked.add(name)
            axe_check(pg, name)
            if name == "step-where_it_hurts":
                screenshot(pg, "intake-body-map-390px")

    _answer_until_not_a_step(page, ROUTINE_ANSWERS, check_once)
    assert page.url.endswith("/start/review/")
    axe_check(page, "review")
    page.fill("#id_email", "")
    page.click("text=Send my answers and see my result")
    page.wait_for_url(re.compile(r"/r/[A-Za-z0-9_-]{43}/$"))
    assert page.locator(".triage-routine").is_visible()
    headline = page.locator("#triage-headline").inner_text()
    assert "Book an assessment" in headline
    assert page.locator("#book a.button").get_attribute("href").endswith("/book/")
    axe_check(page, "result")
    shot = screenshot(page, "result-routine-390px")
    assert shot.stat().st_size > 10_000
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways on a phone


def test_a_cauda_equina_answer_goes_straight_to_emergency_advice(
    page: Any, axe_check: Callable[..., Any], screenshot: Callable[[Any, str], Path]
) -> None:
    page.goto("/start/")
    page.click("text=Start the questions")
    page.fill("#age", "47")
    page.click("button[value=next]")
    page.check("#pain_locations-low_back_center")
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/3/")
    page.check("#saddle_numbness-yes")
    page.check("#bladder_change-yes")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"/r/[A-Za-z0-9_-]{43}/$"))
    box = page.locator(".triage-emergency")
    assert box.is_visible()
    assert "Get emergency help now" in box.inner_text()
    assert page.locator(".emergency-call").is_visible()
    assert page.locator("#what-helps").count() == 0
    assert page.locator("#book").count() == 0
    axe_check(page, "result-emergency")
    screenshot(page, "result-emergency-390px")


def test_back_navigation_keeps_answers(page: Any) -> None:
    page.goto("/start/")
    page.click("text=Start the questions")
    page.fill("#age", "58")
    page.check("#sex-female")
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/2/")
    page.check("#pain_locations-outer_hip_right")
    page.check("#worst_area-buttock_or_hip")
    page.click("button[value=back]")
    page.wait_for_url("**/start/step/1/")
    assert page.input_value("#age") == "58"
    assert page.is_checked("#sex-female")
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/2/")
    assert page.is_checked("#pain_locations-outer_hip_right")
    assert page.is_checked("#worst_area-buttock_or_hip")
    # The browser's own back button shows the earlier step with its answers too.
    page.go_back()
    page.wait_for_url("**/start/step/1/")
    assert page.input_value("#age") == "58"


def _open_body_map(page: Any) -> None:
    page.goto("/start/")
    page.click("text=Start the questions")
    page.fill("#age", "44")  # the one answer the intake requires
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/2/")


def test_the_body_map_works_with_a_mouse(page: Any) -> None:
    _open_body_map(page)
    shape = page.locator('#q-pain_locations polygon[data-region="buttock_left"]')
    box = page.locator("#pain_locations-buttock_left")
    assert not box.is_checked()
    shape.click()
    assert box.is_checked()
    assert "is-on" in (shape.get_attribute("class") or "")
    # The outer hip appears in both views: clicking either toggles the same box.
    page.locator("#q-pain_locations polygon.r-outer_hip_right >> nth=1").click()
    assert page.is_checked("#pain_locations-outer_hip_right")
    page.locator("#q-pain_locations polygon.r-outer_hip_right >> nth=0").click()
    assert not page.is_checked("#pain_locations-outer_hip_right")
    shape.click()
    assert not box.is_checked()
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/3/")
    page.click("button[value=back]")
    page.wait_for_url("**/start/step/2/")
    assert not page.is_checked("#pain_locations-buttock_left")


def test_the_body_map_works_with_the_keyboard(page: Any) -> None:
    _open_body_map(page)
    first = page.locator("#pain_locations-low_back_center")
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    shape = page.locator('#q-pain_locations polygon[data-region="low_back_center"]')
    assert "is-on" in (shape.get_attribute("class") or "")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.is_checked("#pain_locations-low_back_left")
    # The accessible name of each box says which side is meant.
    label = page.locator('label[for="pain_locations-low_back_left"]').inner_text()
    assert "left" in label.lower()
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/3/")


def test_a_follow_up_question_appears_only_when_it_applies(page: Any) -> None:
    page.goto("/start/")
    page.click("text=Start the questions")
    page.fill("#age", "44")  # the one answer the intake requires
    number = step_with_item("numbness_tingling_locations")
    for _ in range(number - 1):
        page.click("button[value=next]")
        page.wait_for_load_state()
    assert page.url.endswith(f"/start/step/{number}/")
    follow_up = page.locator("#q-numbness_tingling_locations")
    assert follow_up.is_hidden()
    page.check("#numbness_any-yes")
    assert follow_up.is_visible()
    page.locator('#q-numbness_tingling_locations polygon[data-region="foot_left"] >> nth=0').click()
    assert page.is_checked("#numbness_tingling_locations-foot_left")
    page.check("#numbness_any-no")
    assert follow_up.is_hidden()


def test_urgent_advice_mid_intake_and_the_education_pages_pass_axe(
    page: Any, axe_check: Callable[..., Any], screenshot: Callable[[Any, str], Path]
) -> None:
    page.goto("/start/")
    page.click("text=Start the questions")
    page.fill("#age", "52")
    page.click("button[value=next]")
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/3/")
    page.click("button[value=next]")
    page.wait_for_url("**/start/step/4/")
    page.check("#fever_or_chills-yes")
    page.check("#feeling_unwell-yes")
    page.click("button[value=next]")
    page.wait_for_url("**/start/check/")
    assert page.locator(".triage-urgent").is_visible()
    axe_check(page, "urgent-check")
    screenshot(page, "urgent-check-390px")
    page.click("text=Continue the questions anyway")
    page.wait_for_url("**/start/step/5/")
    page.goto("/conditions/")
    axe_check(page, "conditions")
    page.click("text=Sciatica")
    page.wait_for_url("**/conditions/sciatica/")
    axe_check(page, "condition-sciatica")


def test_without_javascript_every_question_is_reachable(browser: Any, live_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, base_url=live_url
    )
    try:
        page = context.new_page()
        page.goto("/start/")
        page.click("text=Start the questions")
        page.fill("#age", "44")
        number = step_with_item("numbness_tingling_locations")
        for _ in range(number - 1):
            page.click("button[value=next]")
            page.wait_for_load_state()
        # The follow-up is shown with a note saying when to answer it.
        assert page.locator("#q-numbness_tingling_locations").is_visible()
        assert page.locator("#q-numbness_tingling_locations .condition-hint").is_visible()
        page.check("#numbness_any-yes")
        page.check("#numbness_tingling_locations-foot_left")
        # No script: the drawing still shows the ticked region (CSS :has()).
        fill = page.eval_on_selector(
            '#q-numbness_tingling_locations polygon[data-region="foot_left"]',
            "el => getComputedStyle(el).fill",
        )
        assert fill == "rgb(194, 24, 91)"
        page.click("button[value=next]")
        page.wait_for_url(f"**/start/step/{number + 1}/")
    finally:
        context.close()
