"""Every kind of form error is shown next to its field and names the question in plain words."""

from __future__ import annotations

import re
from typing import Any

import pytest

from painpath.engine.questionnaire import load_questionnaire
from painpath.patients.models import IntakeDraft

from .conftest import Wizard


def _block(html: str, link_id: str) -> str:
    """The HTML of the question block ``q-<link_id>`` (up to its closing tag)."""
    match = re.search(
        rf'<(fieldset|div) class="question[^"]*" id="q-{link_id}".*?</\1>', html, re.DOTALL
    )
    assert match, f"no question block for {link_id}"
    return match.group(0)


CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # (linkId, raw POST fields, expected message fragment, why)
    ("age", {"age": "forty"}, "whole number (digits only) from 16 to 110 years", "not a number"),
    ("age", {"age": "111"}, "from 16 to 110 years", "above the range"),
    ("age", {"age": ["40", "41"]}, "only one answer", "two values"),
    ("age", {"age": "", "sex": "female"}, "Please enter your age in years", "age left blank"),
    ("sex", {"sex": "robot"}, "one of the answers listed", "unknown choice code"),
    ("saddle_numbness", {"saddle_numbness": "maybe"}, "Yes, No or Not sure", "bad yes/no"),
    (
        "pain_locations",
        {"pain_locations": ["elbow_left"]},
        "only the answers listed",
        "unknown region",
    ),
    (
        "onset_trigger",
        {"onset_trigger": ["none_known", "lifting"]},
        "“None of these” together with other answers",
        "exclusive code combined",
    ),
    (
        "worse_with",
        {"worse_with": ["__none__", "sitting"]},
        "“None of these” together with other answers",
        "added none option combined",
    ),
    ("worse_with", {"worse_with": ["sitting", "sitting"]}, "only once", "duplicate code"),
    ("pain_now", {"pain_now": "11"}, "from 0 to 10", "pain score out of range"),
    ("pain_now", {"pain_now": "6.5"}, "whole number", "decimal"),
    ("duration_days", {"duration_days": "-3"}, "from 0 to 36500 days", "negative"),
]


@pytest.mark.parametrize(("link_id", "fields", "fragment", "why"), CASES, ids=[c[3] for c in CASES])
def test_a_bad_answer_is_shown_next_to_its_question_and_named_in_the_summary(
    wizard: Wizard, link_id: str, fields: dict[str, Any], fragment: str, why: str
) -> None:
    wizard.start()
    number = wizard.unlock(link_id)
    response = wizard.client.post(f"/start/step/{number}/", {"action": "next", **fields})
    assert response.status_code == 200
    html = response.content.decode()
    block = _block(html, link_id)
    assert 'class="field-error"' in block
    assert fragment in block.replace("&#x27;", "'")
    # The summary at the top names the question in the person's words and links to it.
    question = load_questionnaire().item(link_id).text
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#q-{link_id}"' in summary
    assert question.split(".")[0][:30] in summary.replace("&#x27;", "'")
    assert "<title>Error:" in html
    # Nothing of the rejected step was saved.
    draft = IntakeDraft.objects.get()
    assert link_id not in draft.answers


def test_the_typed_text_is_shown_again_after_an_error(wizard: Wizard) -> None:
    wizard.start()
    response = wizard.client.post(
        "/start/step/1/", {"action": "next", "age": "forty", "sex": "female"}
    )
    html = response.content.decode()
    assert 'value="forty"' in html
    assert re.search(r'id="sex-female"[^>]*checked', html)


def test_an_invalid_email_is_shown_next_to_the_email_box(wizard: Wizard) -> None:
    wizard.start()
    draft = IntakeDraft.objects.get()
    draft.furthest_step = len(load_questionnaire().steps)
    draft.save()
    response = wizard.client.post(
        "/start/review/", {"submission_key": draft.submission_key, "email": "not-an-address"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="email-error"' in html
    assert "name@example.com" in html
    assert 'href="#id_email"' in html
    assert 'value="not-an-address"' in html
