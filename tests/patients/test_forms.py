"""Reading a step's form: any input gives answers or field errors, never an exception, and the
answers it accepts always pass the engine's validation; stored answers round-trip."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.engine.intake import validate_answers
from painpath.engine.questionnaire import load_questionnaire
from painpath.patients.forms import initial_for, read_step

from .conftest import ROUTINE_ANSWERS

STEPS = load_questionnaire().steps
_words = st.one_of(
    st.sampled_from(["", "yes", "no", "unsure", "__none__", "0", "10", "16", "-1", "1e3"]),
    st.sampled_from([o.code for s in STEPS for i in s.items for o in i.options]),
    st.text(max_size=8),
)


@st.composite
def posts(draw: Any) -> tuple[int, QueryDict]:
    index = draw(st.integers(0, len(STEPS) - 1))
    data = QueryDict(mutable=True)
    for item in STEPS[index].items:
        for value in draw(st.lists(_words, max_size=3)):
            data.appendlist(item.link_id, value)
    return index, data


@settings(max_examples=300, deadline=None)
@given(posts())
def test_any_post_gives_valid_answers_or_named_errors(case: tuple[int, QueryDict]) -> None:
    index, data = case
    step = STEPS[index]
    form = read_step(step, data)
    own = {i.link_id for i in step.items}
    assert set(form.errors) <= own
    assert set(form.answers).isdisjoint(form.cleared)
    assert set(form.answers) | set(form.cleared) | set(form.errors) == own
    # Whatever the form accepted is a valid (partial) intake, except the numbness pair whose
    # consistency is checked across items by the engine (and reported as a field error).
    answers = dict(form.answers)
    if answers.get("numbness_any") is True and answers.get("numbness_tingling_locations") == []:
        answers.pop("numbness_tingling_locations")
    if answers.get("numbness_any") is False:
        answers.pop("numbness_tingling_locations", None)
    validate_answers(answers)


def test_stored_answers_show_again_as_the_same_form_values() -> None:
    for step in STEPS:
        data = QueryDict(mutable=True)
        for item in step.items:
            for value in initial_for(item, ROUTINE_ANSWERS):
                data.appendlist(item.link_id, value)
        form = read_step(step, data)
        expected = {
            i.link_id: ROUTINE_ANSWERS[i.link_id]
            for i in step.items
            if i.link_id in ROUTINE_ANSWERS
        }
        # Lists come back in the questionnaire's order, whatever order they were stored in.
        for item in step.items:
            if item.type == "multi" and item.link_id in expected:
                expected[item.link_id] = sorted(expected[item.link_id], key=item.codes.index)
        assert form.answers == expected
        assert not form.errors
