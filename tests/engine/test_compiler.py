"""The generated evaluator (compiler.py) agrees with the closure compiler on every expression."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------- if_unknown leaves

_ASSUME = {"if_unknown": True, "if_unknown_text": "assumed", "basis": "test"}

#: One comparison leaf per operator, over items with both answered and unanswered samples.
_LEAVES: tuple[dict[str, Any], ...] = (
    {"item": "duration_days", "lt": 42},
    {"item": "duration_days", "gte": 90},
    {"item": "age", "gt": 60},
    {"item": "age", "lte": 30},
    {"item": "limp", "is": True},
    {"item": "onset", "is": "sudden"},
    {"item": "night_pain", "in": ["none", "lying_on_side"]},
    {"item": "worse_with", "has_any": ["sitting"]},
    {"item": "worse_with", "has_all": ["sitting", "walking"]},
    {"item": "worse_with", "has_none": ["sitting"]},
)


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(st.sampled_from(_LEAVES), st.booleans()).map(
        lambda pair: {**pair[0], **(_ASSUME if pair[1] else {})}
    )


_EXPRS: st.SearchStrategy[dict[str, Any]] = st.recursive(
    _leaf(),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda parts: {"all": parts}),
        st.lists(children, min_size=1, max_size=3).map(lambda parts: {"any": parts}),
    ),
    max_leaves=6,
)

_ANSWERS: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "duration_days": st.integers(0, 400),
        "age": st.integers(16, 100),
        "limp": st.booleans(),
        "onset": st.sampled_from(["sudden", "gradual"]),
        "night_pain": st.sampled_from(["none", "lying_on_side", "constant_unrelenting"]),
        "worse_with": st.lists(st.sampled_from(["sitting", "walking", "lifting"]), unique=True),
    },
)


def test_an_if_unknown_leaf_is_met_when_unanswered_in_both_evaluators() -> None:
    window = Expr.model_validate({"item": "duration_days", "lt": 42, **_ASSUME})
    plain = Expr.model_validate({"item": "duration_days", "lt": 42})
    evaluate, source = build_evaluator([], [window, plain], [], [])
    assert "True if" in source
    for answers, assumed, strict in (
        ({}, True, None),
        ({"duration_days": 10}, True, True),
        ({"duration_days": 42}, False, False),
    ):
        assert compile_expr(window, {})(answers) is assumed
        assert compile_expr(window, {}, assume=False)(answers) is strict
        assert compile_expr(plain, {})(answers) is strict
        assert evaluate(answers)[0] == [i for i, ok in enumerate((assumed, strict)) if ok is True]


@FAST
@given(st.lists(_EXPRS, min_size=1, max_size=4), _ANSWERS)
def test_generated_and_closure_evaluators_agree_with_if_unknown_leaves(
    raw_exprs: list[dict[str, Any]], answers: dict[str, Any]
) -> None:
    exprs = [Expr.model_validate(e) for e in raw_exprs]
    evaluate, _ = build_evaluator([], exprs, [], [])
    expected = [i for i, e in enumerate(exprs) if compile_expr(e, {})(answers) is True]
    assert evaluate(answers)[0] == expected
    for e in exprs:
        # The assumption only ever turns unknown into true: never true into false.
        strict = compile_expr(e, {}, assume=False)(answers)
        assumed = compile_expr(e, {})(answers)
        if strict is not None:
            assert assumed is strict
        if not e.assumptions():
            assert assumed is strict


@FAST
@given(valid_answers())
def test_generated_evaluator_matches_the_closures_with_the_duration_skipped(
    answers: dict[str, Any],
) -> None:
    # Every red-flag rule with a time window, on intakes where that window must be assumed.
    skipped = {k: v for k, v in answers.items() if k != "duration_days"}
    assert load_knowledge().evaluate(skipped) == _reference(skipped)
