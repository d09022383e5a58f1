"""Compile every rule expression of the knowledge base into one generated Python function.

Why: an assessment evaluates about 230 small expressions (features, red-flag and routine
rules, ranking findings). As a tree of closures that is ~230 Python calls; as one generated
function with each answer read once into a local variable it is straight-line code, several
times faster. The semantics are exactly those of ``knowledge.compile_expr`` (three-valued:
``True``, ``False``, ``None`` for unknown), and ``tests/engine/test_compiler.py`` checks the two
agree on random intakes.

Safety of the generated source: it is built only from validated knowledge-base data, and every
value taken from the data (linkIds, codes, numbers) enters the source through ``repr`` or as a
named constant, never as raw text; identifiers are generated (``v3``, ``F12``, ``C7``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from painpath.engine.knowledge import Expr

#: ``evaluate(answers) -> (red-flag indices, routine indices, atom indices)`` that are true.
Evaluator = Callable[[Mapping[str, Any]], tuple[list[int], list[int], list[int]]]


class _Generator:
    def __init__(self, feature_index: Mapping[str, int]) -> None:
        self.feature_index = feature_index
        self.items: dict[str, str] = {}  # linkId -> local variable
        self.constants: dict[str, Any] = {}
        self._const_ids: dict[Any, str] = {}
        self._tmp = 0

    def item(self, link_id: str) -> str:
        var = self.items.get(link_id)
        if var is None:
            var = self.items[link_id] = f"v{len(self.items)}"
        return var

    def const(self, value: frozenset[str]) -> str:
        name = self._const_ids.get(value)
        if name is None:
            name = self._const_ids[value] = f"C{len(self._const_ids)}"
            self.constants[name] = value
        return name

    def tmp(self) -> str:
        self._tmp += 1
        return f"t{self._tmp}"

    def expr(self, e: Expr) -> str:
        """Python source for ``e`` that evaluates to True, False or None (unknown)."""
        if e.item is not None:
            v = self.item(e.item)
            # An unanswered item makes the leaf unknown, or met under `if_unknown: true` (the
            # safe assumption of a red-flag rule's time window).
            unanswered = "True" if e.if_unknown else "None"
            for op, sym in (("gte", ">="), ("gt", ">"), ("lte", "<="), ("lt", "<")):
                bound = getattr(e, op)
                if bound is not None:
                    return f"({unanswered} if {v} is None else {v} {sym} {float(bound)!r})"
            if e.is_ is not None:
                return f"({unanswered} if {v} is None else {v} == {e.is_!r})"
            if e.in_ is not None:
                return f"({unanswered} if {v} is None else {v} in {self.const(frozenset(e.in_))})"
            if e.has_any is not None:
                c = self.const(frozenset(e.has_any))
                return f"({unanswered} if {v} is None else not {c}.isdisjoint({v}))"
            if e.has_all is not None:
                c = self.const(frozenset(e.has_all))
                return f"({unanswered} if {v} is None else {c}.issubset({v}))"
            if e.has_none is not None:
                c = self.const(frozenset(e.has_none))
                return f"({unanswered} if {v} is None else {c}.isdisjoint({v}))"
        if e.answered is not None:
            return f"({e.answered!r} in a)"
        if e.feature is not None:
            return f"F{self.feature_index[e.feature]}"
        if e.all_ is not None:
            t = self.tmp()
            parts = ", ".join(self.expr(p) for p in e.all_)
            # False if any part is False, unknown if any is unknown, else True.
            return f"(False if False in ({t} := ({parts},)) else (None if None in {t} else True))"
        if e.any_ is not None:
            t = self.tmp()
            parts = ", ".join(self.expr(p) for p in e.any_)
            return f"(True if True in ({t} := ({parts},)) else (None if None in {t} else False))"
        raise ValueError(f"expression without operator: {e!r}")  # pragma: no cover


def build_evaluator(
    features: Sequence[tuple[str, Expr]],
    red_flags: Sequence[Expr],
    routine: Sequence[Expr],
    atoms: Sequence[Expr],
) -> tuple[Evaluator, str]:
    """Generate and compile the evaluator; returns it with its source (for inspection).

    ``features`` are ``(name, expression)`` in definition order (a feature may use earlier
    ones). The evaluator takes an answers mapping (linkId -> value; absent = unknown) and
    returns the indices, in order, of the red-flag rules, routine rules and atoms whose
    expression is definitely true.
    """
    gen = _Generator({name: i for i, (name, _) in enumerate(features)})
    body: list[str] = []
    for i, (_, expr) in enumerate(features):
        body.append(f"    F{i} = {gen.expr(expr)}")
    for name, exprs in (("red", red_flags), ("routine", routine), ("atoms", atoms)):
        body.append(f"    {name} = []")
        for i, expr in enumerate(exprs):
            body.append(f"    if {gen.expr(expr)} is True: {name}.append({i})")
    head = ["def evaluate(a):", "    g = a.get"]
    head += [f"    {var} = g({link_id!r})" for link_id, var in gen.items.items()]
    source = "\n".join([*head, *body, "    return red, routine, atoms", ""])
    namespace: dict[str, Any] = dict(gen.constants)
    exec(compile(source, "<painpath knowledge rules>", "exec"), namespace)
    return namespace["evaluate"], source
