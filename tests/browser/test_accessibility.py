"""axe-core on every page type, in Chromium at phone width: zero serious or critical violations.

Page types: landing, intake step, body-map step, emergency advice, result, condition page,
the three booking pages (with and without errors), staff sign-in, intake list, intake detail
and the day's appointments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from painpath.clinic.demo import STAFF_USERNAME, load_demo_clinic

from .journey import ROUTINE_ANSWERS, answer_until_stopped, fill_step, step_with_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "demo-password-for-tests"

#: Cauda equina warning signs (saddle numbness, new bladder change): emergency advice at once.
CAUDA_EQUINA = {
    **ROUTINE_ANSWERS,
    "pain_locations": ["low_back_center", "buttock_left", "buttock_right"],
    "saddle_numbness": True,
    "bladder_change": True,
}


@pytest.fixture
def demo_clinic(transactional_db: None) -> None:
    load_demo_clinic(password=STAFF_PASSWORD)


def test_public_pages_landing_intake_step_body_map_and_condition(
    page: Any, axe_check: Callable[..., Any]
) -> None:
    page.goto("/")
    axe_check(page, "landing")

    page.goto("/start/")
    axe_check(page, "start")
    page.locator('button[name="action"][value="new"]').click()
    page.wait_for_url(re.compile(r"/start/step/1/$"))
    axe_check(page, "intake-step")

    # Answer up to the body map, then check that step (and its error state).
    body_map_step = step_with_item("pain_locations")
    for number in range(1, body_map_step):
        fill_step(page, number, ROUTINE_ANSWERS)
        page.locator('button[name="action"][value="next"]').click()
        page.wait_for_url(re.compile(rf"/start/step/{number + 1}/$"))
    assert page.locator("[data-bodymap]").count() >= 1
    axe_check(page, "body-map-step")
    page.locator('button[name="action"][value="next"]').click()
    page.wait_for_load_state()
    axe_check(page, "step-with-errors")

    page.goto("/conditions/")
    axe_check(page, "condition-list")
    page.goto("/conditions/sciatica/")
    axe_check(page, "condition-page")


def test_emergency_advice_page(page: Any, axe_check: Callable[..., Any]) -> None:
    url = answer_until_stopped(page, CAUDA_EQUINA)
    assert "/start/step/" not in url
    assert "emergency" in page.content().lower()
    axe_check(page, "emergency-advice")


def test_result_and_booking_pages(
    demo_clinic: None, page: Any, make_record: Callable[[], str], axe_check: Callable[..., Any]
) -> None:
    token = make_record()
    page.goto(f"/r/{token}/")
    axe_check(page, "result")

    page.goto(f"/r/{token}/book/")
    axe_check(page, "booking-times")
    page.locator(".slot-list a").first.click()
    page.wait_for_url(re.compile(r"/book/details/"))
    axe_check(page, "booking-details")
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    axe_check(page, "booking-details-errors")
    page.fill("#id_name", "Alex Doe")
    page.fill("#id_email", "alex@example.org")
    page.fill("#id_phone", "+1 555 0142")
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url(re.compile(r"/book/done/$"))
    axe_check(page, "booking-done")


def test_staff_pages(
    demo_clinic: None,
    page: Any,
    make_record: Callable[[], str],
    axe_check: Callable[..., Any],
    screenshot: Callable[[Any, str], Any],
) -> None:
    make_record()
    page.goto("/staff/")
    page.wait_for_url(re.compile(r"/staff/login/"))
    axe_check(page, "staff-login")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/intakes/$"))
    axe_check(page, "staff-intake-list")
    page.locator(".staff-table a").first.click()
    page.wait_for_url(re.compile(r"/staff/intakes/[0-9a-f-]{36}/$"))
    axe_check(page, "staff-intake-detail")
    screenshot(page, "staff-intake-detail-390px")
    page.goto("/staff/schedule/")
    axe_check(page, "staff-schedule")
