"""In Chromium at phone width: the emailed appointment page after a check-in escalated the
intake to an emergency leads with the banner, offers no other time, and still cancels."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from painpath.clinic import services as scheduling
from painpath.clinic.demo import load_demo_clinic
from painpath.patients.services import record_for_token
from painpath.patients.views_booking import initial_evaluation_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_escalated_visit_page_leads_with_the_banner_and_offers_no_time(
    page: Any,
    make_record: Callable[[], str],
    screenshot: Callable[[Any, str], Path],
    axe_check: Callable[..., Any],
    settings: Any,
) -> None:
    settings.PAINPATH_CHECKIN_RATE = "10000/h"
    settings.PAINPATH_EMERGENCY_NUMBER = "911"
    load_demo_clinic(password="demo-password-for-tests")
    token = make_record()
    kind = initial_evaluation_type()
    assert kind is not None
    slot = scheduling.first_available_slots(kind, limit=1)[0]
    appointment = scheduling.book_appointment(
        appointment_type=kind,
        therapist=slot.therapist,
        start=slot.start,
        patient=scheduling.PatientDetails(
            name="Sam Patient", email="sam@example.org", phone="+1 555 0123"
        ),
        intake=record_for_token(token),
    )
    manage = f"/appointments/{scheduling.make_manage_token(appointment)}/"

    page.goto(f"/r/{token}/checkin")
    page.get_by_label("Numbness around your bottom, genitals or inner thighs").check()
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url(re.compile(r"/plan#changes$"))

    page.goto(manage)
    banner = page.locator("#escalation")
    assert banner.is_visible() and "Get emergency help now" in banner.inner_text()
    top = banner.evaluate("el => el.getBoundingClientRect().top")
    assert top < page.locator("dl").evaluate("el => el.getBoundingClientRect().top")
    assert page.get_by_role("link", name="Call 911 now").is_visible()
    assert page.get_by_role("button", name="Move my appointment").count() == 0
    assert page.locator('input[name="start"]').count() == 0
    screenshot(page, "manage-escalated-390px")
    axe_check(page, "manage-escalated")

    page.get_by_role("link", name="Cancel my appointment").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    page.wait_for_url(re.compile(re.escape(manage) + "$"))
    assert page.get_by_role("heading", name="Your appointment is cancelled").is_visible()
    assert page.locator("#escalation").is_visible()
    assert page.get_by_role("button", name="Book this time").count() == 0
    axe_check(page, "manage-escalated-cancelled")
