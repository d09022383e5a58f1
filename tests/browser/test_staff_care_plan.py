"""In Chromium at phone width: a therapist changes a patient's care plan on the staff intake
page (a dose error shown at its field, then a saved version with an added exercise and a note),
and the patient sees the update on their plan page. axe on every page shown."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-test-password"


def _fits(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_a_therapist_changes_the_plan_and_the_patient_sees_it(
    page: Any,
    make_record: Callable[[], str],
    axe_check: Callable[..., Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    from painpath.careplan.library import load_library
    from painpath.careplan.plan import Plan
    from painpath.checkins.services import current_plan
    from painpath.patients.models import IntakeRecord
    from painpath.staff.access import set_staff_role

    set_staff_role("pt.browser", "therapist", password=PASSWORD, first_name="Robin")
    token = make_record()
    record = IntakeRecord.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    plan = Plan.from_dict(current_plan(record).plan)
    first = plan.exercises[0]
    lib = load_library()
    max_sets = lib.exercises[first.id].dose.max_sets
    chains = {lib.chain(e.id) for e in plan.exercises}
    addable = next(
        ex
        for ex in lib.exercises.values()
        if lib.chain(ex.id) not in chains and not lib.unsuitable_reasons(ex, plan.context())
    )

    page.goto("/staff/login/")
    page.fill("#id_username", "pt.browser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/intakes/$"))
    page.goto(f"/staff/intakes/{record.reference}/")
    page.get_by_role("link", name="Go to the care plan").click()
    section = page.locator("#care-plan")
    assert section.get_by_text("Version 1, made by PainPath, from the intake").is_visible()
    assert _fits(page)
    axe_check(page, "staff-care-plan")

    # A dose above the exercise's maximum: the error is shown at its field, nothing saved.
    sets = page.get_by_label(f"{first.name}: sets", exact=True)
    sets.fill(str(max_sets + 5))
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(r"/plan/#plan-edit-form$"))
    error = page.locator(f"#plan-{first.id}__sets_error")
    assert error.is_visible()
    # The page opens at the form with the error, not at the top of the long intake page.
    assert page.evaluate("window.scrollY") > 0
    assert error.is_visible() and page.locator("#plan-edit-form").is_visible()
    assert f"{first.name}: sets must be a whole number from 1 to {max_sets}" in (error.inner_text())
    assert _fits(page)
    axe_check(page, "staff-care-plan-error")
    screenshot(page, "staff-care-plan-error-390px")

    page.get_by_label(f"{first.name}: sets", exact=True).fill("1")
    page.get_by_label("Add an exercise").select_option(addable.id)
    page.get_by_label("Note to the patient").fill("Take the new exercise slowly.")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(r"#care-plan$"))
    assert page.get_by_text("The new plan version is saved.").is_visible()
    made_by = re.compile(r"Version 2, made by Robin \(physical therapist\)")
    assert section.get_by_text(made_by).is_visible()
    assert section.locator("#plan-exercises").get_by_text(addable.name).first.is_visible()
    axe_check(page, "staff-care-plan-saved")

    # The patient's plan page, on their own phone.
    page.goto(f"/r/{token}/plan")
    update = page.locator("#therapist-update")
    assert update.get_by_text(
        re.compile(r"^Your physical therapist updated your plan on ")
    ).is_visible()
    assert update.get_by_text("Take the new exercise slowly.").is_visible()
    assert page.locator(f"#exercise-{addable.id}").is_visible()
    assert _fits(page)
    axe_check(page, "plan-after-therapist-update")
    screenshot(page, "plan-after-therapist-update-390px")
