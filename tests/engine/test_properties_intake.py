"""Property tests: random valid intakes are accepted and assessed; random invalid ones are not."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from painpath.engine.assessment import TRIAGE_LEVELS
from painpath.engine.intake import (
    AgeNotSupportedError,
    IntakeError,
    drop_hidden_answers,
    validate_answers,
    visible_items,
)
from strategies import invalid_answers, valid_answers

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(valid_answers())
def test_valid_intakes_are_accepted_unchanged(answers: dict[str, Any]) -> None:
    out = validate_answers(answers)
    for link_id, value in answers.items():
        assert out[link_id] == value
    # Only the documented numbness answers may be added.
    assert set(out) - set(answers) <= {"numbness_any", "numbness_tingling_locations"}
    assert validate_answers(out) == out


@FAST
@given(invalid_answers())
def test_invalid_intakes_raise_an_error_naming_the_bad_item(
    case: tuple[dict[str, Any], str],
) -> None:
    answers, bad = case
    with pytest.raises(IntakeError) as info:
        validate_answers(answers)
    assert info.value.link_ids == [bad]
    assert str(info.value).startswith(f"{bad}: ")
    assert not isinstance(info.value, AgeNotSupportedError)


@FAST
@given(valid_answers())
def test_dropping_hidden_answers_keeps_a_valid_intake_and_only_visible_items(
    answers: dict[str, Any],
) -> None:
    kept = drop_hidden_answers(answers)
    assert set(kept) <= set(answers)
    validate_answers(kept)
    shown = set(visible_items(kept))
    gated = {k for k in kept if k not in shown}
    # Whatever is kept but not shown depends on an unanswered question (nothing is lost).
    assert gated <= {"numbness_tingling_locations"}
    if gated:
        assert "numbness_any" not in kept


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_answers())
def test_random_valid_intakes_never_crash_the_assessment(answers: dict[str, Any]) -> None:
    from painpath.engine import assess

    result = assess(validate_answers(answers))
    assert result.triage.level in TRIAGE_LEVELS
    assert result.triage.advice
    probabilities = [c.probability for c in result.conditions]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert result.to_dict()["triage"]["level"] == result.triage.level
