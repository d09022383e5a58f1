"""The generated evaluator (compiler.py) agrees with the closure compiler on every expression."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from painpath.engine.compiler import build_evaluator
from painpath.engine.knowledge import Expr, compile_expr, load_knowledge
from strategies import valid_answers

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reference(answers: dict[str, Any]) -> tuple[list[int], list[int], list[int]]:
    kb = load_knowledge()
    prepared = kb.prepare(answers)
    return (
        [i for i, r in enumerate(kb.red_flags) if r.test(prepared) is True],
        [i for i, r in enumerate(kb.routine) if r.test(prepared) is True],
        kb.true_atoms(prepared),
    )


@FAST
@given(valid_answers())
def test_generated_evaluator_matches_the_closures(answers: dict[str, Any]) -> None:
    assert load_knowledge().evaluate(answers) == _reference(answers)


def test_generated_evaluator_matches_on_the_empty_intake() -> None:
    assert load_knowledge().evaluate({}) == _reference({}) == ([], [], [])


def test_three_valued_logic_is_preserved_for_every_operator() -> None:
    exprs = [
        {"item": "age", "gte": 70},
        {"item": "age", "lt": 70},
        {"item": "onset", "is": "sudden"},
        {"item": "limp", "is": False},
        {"item": "night_pain", "in": ["none", "lying_on_side"]},
        {"item": "worse_with", "has_any": ["sitting"]},
        {"item": "worse_with", "has_all": ["sitting", "walking"]},
        {"item": "worse_with", "has_none": ["sitting"]},
        {"answered": "limp"},
        {"all": [{"item": "limp", "is": True}, {"item": "age", "gte": 70}]},
        {"any": [{"item": "limp", "is": True}, {"item": "age", "gte": 70}]},
        {"all": [{"any": [{"item": "limp", "is": True}, {"item": "age", "lt": 30}]},
                 {"item": "onset", "is": "sudden"}]},
    ]  # fmt: skip
    parsed = [Expr.model_validate(e) for e in exprs]
    evaluate, source = build_evaluator([], parsed, [], [])
    assert "def evaluate" in source
    samples: list[dict[str, Any]] = [
        {},
        {"age": 70},
        {"age": 20, "limp": False, "onset": "gradual"},
        {"limp": True, "worse_with": ["sitting", "walking"], "night_pain": "none"},
        {"worse_with": [], "onset": "sudden", "age": 25},
    ]
    for answers in samples:
        expected = [i for i, e in enumerate(parsed) if compile_expr(e, {})(answers) is True]
        assert evaluate(answers)[0] == expected, answers
