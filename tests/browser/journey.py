"""Drive PainPath's pages in Chromium as a person would: the intake wizard and the booking flow.

Answers are given in the spec's vocabulary and typed or ticked through the real form controls
(the same encoding as the HTML forms: yes/no radios, check boxes, "None of these").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from painpath.engine.questionnaire import load_questionnaire
from painpath.patients.forms import NO, NONE_CODE, YES, adds_none_option

#: The example intake shipped with the engine (a made-up office worker with sciatica after
#: lifting; every warning sign answered "no"): a routine result.
ROUTINE_ANSWERS: dict[str, Any] = json.loads(
    resources.files("painpath.engine.data").joinpath("example_intake.json").read_text("utf-8")
)["answers"]

STEP_URL = re.compile(r"/start/step/(\d+)/$")
RESULT_URL = re.compile(r"/r/([A-Za-z0-9_-]{43})/$")


def fill_step(page: Any, number: int, answers: Mapping[str, Any]) -> None:
    """Answer the visible questions of step ``number`` (1-based) found in ``answers``."""
    step = load_questionnaire().steps[number - 1]
    for item in step.items:
        if item.link_id not in answers:
            continue
        block = page.locator(f"#q-{item.link_id}")
        if block.count() == 0 or not block.is_visible():
            continue  # not asked for these answers (its show-when condition is false)
        value = answers[item.link_id]
        if item.widget == "number":
            page.fill(f"#{item.link_id}", str(value))
            continue
        if item.type == "boolean":
            codes = [YES if value else NO]
        elif item.type == "multi":
            codes = [NONE_CODE] if value == [] and adds_none_option(item) else list(value)
        else:
            codes = [str(value)]
        for code in codes:
            page.locator(f'input[name="{item.link_id}"][value="{code}"]').check()


def answer_intake(page: Any, answers: Mapping[str, Any], email: str = "") -> str:
    """From the landing page to a result: start, answer each step, send. Returns the token."""
    page.goto("/")
    page.get_by_role("link", name="Check my pain").first.click()
    page.locator('button[name="action"][value="new"]').click()
    for _ in range(len(load_questionnaire().steps) + 3):
        url = page.url
        step = STEP_URL.search(url)
        if step:
            fill_step(page, int(step.group(1)), answers)
            page.locator('button[name="action"][value="next"]').click()
            page.wait_for_load_state()
            continue
        if url.endswith("/start/review/"):
            if email:
                page.fill("#id_email", email)
            page.get_by_role("button", name="Send my answers and see my result").click()
            page.wait_for_url(RESULT_URL)
            continue
        result = RESULT_URL.search(url)
        if result:
            return result.group(1)
        raise AssertionError(f"unexpected page in the intake: {url}")
    raise AssertionError("the intake did not reach a result")


def answer_until_stopped(page: Any, answers: Mapping[str, Any]) -> str:
    """Start an intake and answer steps until a page that is not a question step (review,
    red-flag advice or a result); returns that page's URL path."""
    page.goto("/start/")
    page.locator('button[name="action"][value="new"]').click()
    for _ in range(len(load_questionnaire().steps) + 1):
        step = STEP_URL.search(page.url)
        if not step:
            break
        fill_step(page, int(step.group(1)), answers)
        page.locator('button[name="action"][value="next"]').click()
        page.wait_for_load_state()
    return str(page.url)


def step_with_item(link_id: str) -> int:
    """The 1-based number of the step that asks ``link_id``."""
    q = load_questionnaire()
    for number, step in enumerate(q.steps, start=1):
        if any(item.link_id == link_id for item in step.items):
            return number
    raise KeyError(link_id)


def book_first_free_time(page: Any, *, name: str, email: str, phone: str) -> None:
    """On the booking times page: take the first free time, fill the details, confirm."""
    page.locator(".slot-list a").first.click()
    page.wait_for_url(re.compile(r"/book/details/\?slot="))
    page.fill("#id_name", name)
    if email:
        page.fill("#id_email", email)
    page.fill("#id_phone", phone)
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url(re.compile(r"/book/done/$"))
