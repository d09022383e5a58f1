"""In Chromium at phone width: intake -> routine result -> booking -> confirmation and .ics."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from painpath.clinic.demo import load_demo_clinic
from painpath.clinic.models import Appointment

from .journey import ROUTINE_ANSWERS, answer_intake, book_first_free_time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_clinic(transactional_db: None) -> None:
    load_demo_clinic(password="demo-password-for-tests")


def test_a_person_goes_from_the_intake_to_a_routine_result_to_a_booked_appointment(
    demo_clinic: None,
    page: Any,
    screenshot: Callable[[Any, str], Path],
    axe_check: Callable[..., Any],
) -> None:
    token = answer_intake(page, ROUTINE_ANSWERS, email="sam.patient@example.org")
    assert page.locator("#triage").get_attribute("class") == "triage triage-routine"
    screenshot(page, "journey-1-result-390px")

    page.get_by_role("link", name="Book an initial appointment").click()
    page.wait_for_url(re.compile(rf"/r/{token}/book/$"))
    assert page.get_by_role("heading", name="Book an initial appointment").is_visible()
    screenshot(page, "journey-2-times-390px")
    axe_check(page, "booking-times")

    book_first_free_time(page, name="Sam Patient", email="", phone="+1 555 0123")
    assert page.get_by_role("heading", name="Your appointment is booked").is_visible()
    screenshot(page, "journey-3-booked-390px")
    axe_check(page, "booking-done")

    appointment = Appointment.objects.select_related("patient", "intake").get()
    assert appointment.intake is not None
    assert appointment.patient.email == "sam.patient@example.org"  # prefilled from the intake
    assert appointment.appointment_type.kind == "initial"

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Add to my calendar")).click()
    path = download_info.value.path()
    assert "BEGIN:VEVENT" in Path(path).read_text(encoding="utf-8")


def test_choosing_a_therapist_and_a_taken_time_offers_the_next_ones(
    demo_clinic: None,
    page: Any,
    make_record: Callable[[], str],
    axe_check: Callable[..., Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    token = make_record()
    page.goto(f"/r/{token}/book/")
    page.get_by_label("Dana Whitfield, PT, DPT, OCS").check()
    page.get_by_role("button", name="Show free times").click()
    page.wait_for_url(re.compile(r"therapist="))
    assert page.get_by_role("heading", name="Free times with Dana Whitfield").is_visible()
    page.locator(".slot-list a").first.click()
    page.wait_for_url(re.compile(r"/book/details/\?slot="))

    # Someone else takes this very time while the person types.
    other = make_record()
    ctx = page.context.browser.new_context(base_url=page.url.split("/r/")[0])
    rival = ctx.new_page()
    rival.goto(page.url.replace(token, other))
    rival.fill("#id_name", "Rival Person")
    rival.fill("#id_email", "rival@example.org")
    rival.fill("#id_phone", "+1 555 0177")
    rival.get_by_role("button", name="Confirm booking").click()
    rival.wait_for_url(re.compile(r"/book/done/$"))
    ctx.close()

    page.fill("#id_name", "Late Person")
    page.fill("#id_email", "late@example.org")
    page.fill("#id_phone", "+1 555 0188")
    page.get_by_role("button", name="Confirm booking").click()
    assert page.get_by_text("just booked by someone else").is_visible()
    assert page.locator("#id_name").input_value() == "Late Person"
    screenshot(page, "booking-taken-390px")
    axe_check(page, "booking-taken")

    page.locator('input[name="slot"]').first.check()
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url(re.compile(r"/book/done/$"))
    assert Appointment.objects.count() == 2
    assert set(Appointment.objects.values_list("therapist__name", flat=True)) == {"Dana Whitfield"}


def test_booking_errors_are_shown_next_to_their_fields_in_the_browser(
    demo_clinic: None, page: Any, make_record: Callable[[], str], axe_check: Callable[..., Any]
) -> None:
    token = make_record()
    page.goto(f"/r/{token}/book/")
    page.locator(".slot-list a").first.click()
    page.fill("#id_email", "not-an-email")
    page.get_by_role("button", name="Confirm booking").click()
    assert page.locator("#id_name_error").inner_text().strip() == "Please give your name."
    assert "valid email" in page.locator("#id_email_error").inner_text()
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    axe_check(page, "booking-errors")
    assert Appointment.objects.count() == 0


def _tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after ``limit``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with the Tab key")


def test_booking_works_with_the_keyboard_alone(
    demo_clinic: None, page: Any, make_record: Callable[[], str]
) -> None:
    token = make_record()
    page.goto(f"/r/{token}/book/")
    _tab_to(page, ".slot-list a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/book/details/\?slot="))
    _tab_to(page, "#id_name")
    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("+1 555 0166")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/book/done/$"))
    assert Appointment.objects.get().patient.name == "Kim Keyboard"
