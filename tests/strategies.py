"""Hypothesis strategies for intake answers, generated from the questionnaire.

Import from tests (``tests/`` is on ``sys.path`` through its conftest)::

    from strategies import valid_answers, invalid_answers, answer_for

* ``valid_answers()``: dicts that ``validate_answers`` accepts: any subset of the items (absent
  items are unknown), each with an allowed value; multi lists without duplicates and with an
  exclusive code ("none") only on its own; numbness answers consistent; a weak leg's side
  only with a weak leg.
* ``invalid_answers()``: ``(answers, bad_link_id)`` where exactly one item is wrong (wrong type,
  out of range, unknown code, duplicate code, "none" with other codes, or an unknown item) and
  ``validate_answers`` must raise ``IntakeError`` naming ``bad_link_id``.
* ``answer_for(item)``: one allowed value for a questionnaire item.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from painpath.engine.questionnaire import Item, load_questionnaire

NUMBNESS_GATE = "numbness_any"
NUMBNESS_AREAS = "numbness_tingling_locations"
WEAKNESS = "leg_weakness"
WEAKNESS_SIDE = "leg_weakness_side"


def answer_for(item: Item) -> st.SearchStrategy[Any]:
    """One allowed answer to ``item``."""
    if item.type == "integer":
        assert item.min is not None and item.max is not None
        return st.integers(min_value=item.min, max_value=item.max)
    if item.type == "boolean":
        return st.booleans()
    if item.type == "choice":
        return st.sampled_from(item.codes)
    plain = [c for c in item.codes if c not in item.exclusive_codes]
    lists = st.lists(st.sampled_from(plain), unique=True, max_size=len(plain))
    if item.exclusive_codes:
        return st.one_of(lists, st.sampled_from(item.exclusive_codes).map(lambda c: [c]))
    return lists


@st.composite
def valid_answers(draw: st.DrawFn) -> dict[str, Any]:
    """A valid intake: a random subset of items with allowed values (absent = unknown)."""
    items = load_questionnaire().items
    chosen = draw(st.lists(st.sampled_from(items), unique_by=lambda i: i.link_id))
    answers = {item.link_id: draw(answer_for(item)) for item in chosen}
    # Keep the two numbness answers consistent (a contradiction is an error by design).
    gate, areas = answers.get(NUMBNESS_GATE), answers.get(NUMBNESS_AREAS)
    if gate is False and areas:
        del answers[NUMBNESS_AREAS]
    if gate is True and areas == []:
        del answers[NUMBNESS_AREAS]
    # A weak leg's side needs a weak leg (leg_weakness stable or worsening).
    if answers.get(WEAKNESS) not in ("stable", "worsening"):
        answers.pop(WEAKNESS_SIDE, None)
    return answers


def _wrong_type(item: Item) -> st.SearchStrategy[Any]:
    """Values of the wrong JSON type for ``item`` (never accepted, whatever the range)."""
    junk = st.one_of(
        st.none(),
        st.text(max_size=5),
        st.floats(allow_nan=True),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
    if item.type == "integer":
        # True/False and 3.0 are not whole numbers here, nor is "3".
        return st.one_of(junk, st.booleans(), st.integers(0, 200).map(float), st.just("3"))
    if item.type == "boolean":
        return st.one_of(junk, st.integers(), st.sampled_from(["yes", "no", "true"]))
    if item.type == "choice":
        return st.one_of(st.none(), st.integers(), st.booleans(), st.just(list(item.codes[:1])))
    return st.one_of(st.none(), st.integers(), st.booleans(), st.sampled_from(item.codes))


def _wrong_value(item: Item) -> st.SearchStrategy[Any]:
    """Values of the right type but not allowed for ``item``."""
    if item.type == "integer":
        assert item.min is not None and item.max is not None
        low = st.integers(max_value=item.min - 1)
        if item.link_id == "age":
            low = st.integers(max_value=-1)  # 0..15 raises AgeNotSupportedError (tested apart)
        return st.one_of(low, st.integers(min_value=item.max + 1))
    if item.type == "boolean":
        return st.nothing()
    unknown_code = st.text(min_size=1, max_size=12).filter(lambda s: s not in item.codes)
    if item.type == "choice":
        return unknown_code
    plain = [c for c in item.codes if c not in item.exclusive_codes]
    options = [
        st.tuples(st.sampled_from(plain), unknown_code).map(list),
        st.sampled_from(plain).map(lambda c: [c, c]),  # duplicate
    ]
    if item.exclusive_codes:
        options.append(
            st.tuples(st.sampled_from(item.exclusive_codes), st.sampled_from(plain)).map(list)
        )
    return st.one_of(options)


@st.composite
def invalid_answers(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """``(answers, bad_link_id)``: a valid intake with exactly one bad item."""
    answers = draw(valid_answers())
    questionnaire = load_questionnaire()
    if draw(st.integers(0, 9)) == 0:  # an unknown item one time in ten
        name = draw(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=20).filter(
                lambda s: questionnaire.get(s) is None
            )
        )
        answers[name] = draw(st.one_of(st.integers(), st.booleans(), st.text(max_size=4)))
        return answers, name
    item = draw(st.sampled_from(questionnaire.items))
    bad = draw(st.one_of(_wrong_type(item), _wrong_value(item)))
    answers[item.link_id] = bad
    return answers, item.link_id
