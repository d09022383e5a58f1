"""Property: whatever a person answers, the wizard stores exactly the visible answers, and a
case the engine calls an emergency never reaches the end of the questionnaire as anything else.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painpath.engine import assess
from painpath.engine.intake import drop_hidden_answers, validate_answers
from painpath.engine.questionnaire import Item, load_questionnaire
from painpath.patients.forms import adds_none_option
from painpath.patients.models import IntakeRecord

from .conftest import form_data

RESULT = re.compile(r"^/r/[A-Za-z0-9_-]{43}/$")


def _value(item: Item) -> st.SearchStrategy[Any]:
    if item.type == "integer":
        assert item.min is not None and item.max is not None
        return st.integers(item.min, item.max)
    if item.type == "boolean":
        return st.booleans()
    if item.type == "choice":
        return st.sampled_from(item.codes)
    plain = [c for c in item.codes if c not in item.exclusive_codes]
    some = st.lists(st.sampled_from(plain), min_size=1, max_size=4, unique=True)
    if item.widget == "body_map":
        return some  # a body map cannot say "nowhere": nothing ticked is unknown
    if adds_none_option(item):
        return st.one_of(some, st.just([]))  # the form's own "None of these" box
    return st.one_of(some, *[st.just([c]) for c in item.exclusive_codes])


@st.composite
def intakes(draw: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in load_questionnaire().items:
        # Mostly "no" to warning signs so that both endings (emergency and review) are common.
        if item.link_id == "age":  # the one answer the web intake requires
            answers[item.link_id] = draw(_value(item))
        elif item.type == "boolean" and draw(st.integers(0, 9)) < 7:
            answers[item.link_id] = False
        elif draw(st.booleans()):
            answers[item.link_id] = draw(_value(item))
    return answers


def _in_form_order(answers: dict[str, Any]) -> dict[str, Any]:
    """Lists come back in the questionnaire's order, whatever order they were ticked in."""
    q = load_questionnaire()
    return {
        k: sorted(v, key=q.item(k).codes.index) if isinstance(v, list) else v
        for k, v in answers.items()
    }


def _run(client: Client, answers: dict[str, Any]) -> str:
    """Walk the wizard with ``answers`` (continuing past urgent advice); return the result URL."""
    steps = load_questionnaire().steps
    location = str(client.post("/start/", {"action": "new"})["Location"])
    for _ in range(3 * len(steps)):
        if RESULT.match(location):
            return location
        if location == "/start/check/":
            location = str(client.post(location, {"action": "continue"})["Location"])
        elif location == "/start/review/":
            key = client.get(location).context["submission_key"]
            location = str(client.post(location, {"submission_key": key})["Location"])
        else:
            number = int(location.split("/")[-2])
            response = client.post(location, form_data(steps[number - 1], answers))
            assert response.status_code == 302, response.content.decode()[:500]
            location = str(response["Location"])
    raise AssertionError("the wizard did not end")


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(intakes())
def test_the_wizard_stores_the_visible_answers_and_never_under_triages(
    answers: dict[str, Any],
) -> None:
    IntakeRecord.objects.all().delete()
    client = Client()
    location = _run(client, answers)
    record = IntakeRecord.objects.get()
    stored = record.answers
    # Nothing hidden is kept (beyond what validation derives, e.g. "no numbness" gives
    # "numbness nowhere"), and the stored triage is the engine's on the stored answers.
    assert validate_answers(drop_hidden_answers(stored)) == stored
    assert record.triage_level == assess(stored).triage.level
    expected = _in_form_order(validate_answers(drop_hidden_answers(answers)))
    full_level = assess(expected).triage.level
    if record.triage_level == "emergency":
        assert client.get(location).status_code == 200
    else:
        # No emergency stop: every answer went through, exactly as given.
        assert stored == expected
        assert record.triage_level == full_level
    # The case as a whole is never triaged less urgently than an emergency found on the way.
    if full_level == "emergency":
        assert record.triage_level == "emergency"
