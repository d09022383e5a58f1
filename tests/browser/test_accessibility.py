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


def _overflow(page: Any) -> dict[str, Any]:
    """What sticks out of the 390 px viewport: the page's scroll width and any table cell or
    link whose box ends beyond the right edge (WCAG 1.4.10 Reflow)."""
    return dict(
        page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                const cut = [...document.querySelectorAll('main td, main th, main a')]
                  .filter(el => el.offsetParent !== null)
                  .filter(el => { const r = el.getBoundingClientRect();
                                  return r.width > 0 && (r.right > width + 0.5 || r.left < 0); })
                  .map(el => el.textContent.trim().slice(0, 40));
                return {width, scrollWidth: document.documentElement.scrollWidth, cut};
            }"""
        )
    )


def test_staff_pages_fit_a_390px_phone_with_staff_navigation(
    demo_clinic: None,
    page: Any,
    make_record: Callable[[], str],
    axe_check: Callable[..., Any],
    screenshot: Callable[[Any, str], Any],
) -> None:
    for _ in range(3):
        make_record()
    page.goto("/staff/login/")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/intakes/$"))
    screenshot(page, "staff-intake-list-390px")

    # Staff frame, not the patient one.
    nav = page.get_by_role("navigation", name="Staff")
    assert nav.get_by_role("link", name="Intakes").is_visible()
    assert nav.get_by_role("link", name="Today's schedule").is_visible()
    assert nav.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_text(re.compile(r"^Signed in as \w")).is_visible()
    assert page.get_by_role("link", name="Check my pain").count() == 0

    # Every column of every intake is on screen: nothing cut off, no sideways scrolling.
    layout = _overflow(page)
    assert layout["width"] == 390
    assert layout["scrollWidth"] <= layout["width"], layout
    assert layout["cut"] == [], layout
    links = page.get_by_role("link", name=re.compile(r"^Open intake "))
    assert links.count() == 3
    for i in range(3):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # The card shows the column names (Review, Intake) next to the values.
    first_card = page.locator("tbody tr").first
    assert "Not reviewed" in first_card.inner_text()
    shown_labels = first_card.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert any("Review" in label for label in shown_labels), shown_labels
    assert any("Intake" in label for label in shown_labels), shown_labels
    # Screen readers still get a table with column headers.
    assert page.get_by_role("columnheader", name="Review").count() == 1
    axe_check(page, "staff-intake-list-cards")

    # Reaching the intake by keyboard alone.
    links.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/intakes/[0-9a-f-]{36}/$"))
    layout = _overflow(page)
    assert layout["scrollWidth"] <= layout["width"] and layout["cut"] == [], layout
    screenshot(page, "staff-intake-detail-cards-390px")

    # A day with an appointment: the schedule's cards fit too.
    from painpath.clinic import services
    from painpath.patients.views_booking import initial_evaluation_type

    initial = initial_evaluation_type()
    assert initial is not None
    slot = services.first_available_slots(initial, limit=1)[0]
    services.book_appointment(
        appointment_type=initial,
        therapist=slot.therapist,
        start=slot.start,
        patient=services.PatientDetails(
            name="Pat Example", email="pat@example.org", phone="+1 555 0199"
        ),
    )
    page.get_by_role("navigation", name="Staff").get_by_role(
        "link", name="Today's schedule"
    ).click()
    page.wait_for_url(re.compile(r"/staff/schedule/$"))
    page.goto(f"/staff/schedule/?date={slot.local_start.date().isoformat()}")
    assert page.get_by_text("Pat Example").is_visible()
    layout = _overflow(page)
    assert layout["scrollWidth"] <= layout["width"] and layout["cut"] == [], layout
    screenshot(page, "staff-schedule-390px")
