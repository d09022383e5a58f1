"""Strict validation of intake answers: every error names the item and says what is allowed."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

import pytest

from conftest import CASES_DIR
from painpath.engine import IntakeError as LazyIntakeError
from painpath.engine import validate_answers as lazy_validate
from painpath.engine.intake import (
    AgeNotSupportedError,
    FieldError,
    IntakeError,
    drop_hidden_answers,
    load_intake_document,
    validate_answers,
    visible_items,
)


def errors_of(raw: Any) -> list[FieldError]:
    with pytest.raises(IntakeError) as info:
        validate_answers(raw)
    assert "\n" not in str(info.value)
    return info.value.errors


def test_public_names_are_reexported_lazily_from_the_engine_package() -> None:
    assert lazy_validate is validate_answers
    assert LazyIntakeError is IntakeError
    assert issubclass(IntakeError, ValueError)
    assert issubclass(AgeNotSupportedError, IntakeError)


def test_valid_answers_come_back_as_a_new_dict_with_copied_lists() -> None:
    raw = {"age": 42, "sex": "male", "limp": False, "pain_locations": ["low_back_left"]}
    out = validate_answers(raw)
    assert out == raw
    assert out is not raw
    assert out["pain_locations"] is not raw["pain_locations"]


def test_any_mapping_is_accepted() -> None:
    assert validate_answers(MappingProxyType({"age": 30})) == {"age": 30}


def test_absent_items_stay_absent_and_are_never_read_as_no() -> None:
    out = validate_answers({"age": 70})
    assert out == {"age": 70}
    assert "saddle_numbness" not in out
    assert validate_answers({}) == {}


def test_empty_multi_list_means_none_of_these_and_is_kept() -> None:
    assert validate_answers({"worse_with": []}) == {"worse_with": []}


def test_out_of_range_number_names_item_range_and_value() -> None:
    with pytest.raises(IntakeError) as info:
        validate_answers({"pain_now": 11})
    assert str(info.value) == "pain_now: must be a whole number from 0 to 10 (got 11)"
    assert info.value.errors == [
        FieldError("pain_now", "must be a whole number from 0 to 10 (got 11)")
    ]


@pytest.mark.parametrize("value", [True, False, 3.0, "3", None, [3]])
def test_integer_items_reject_bools_floats_and_text(value: object) -> None:
    [error] = errors_of({"pain_now": value})
    assert error.link_id == "pain_now"
    assert error.message.startswith("must be a whole number from 0 to 10 (got ")


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None, [True]])
def test_boolean_items_accept_only_true_or_false(value: object) -> None:
    [error] = errors_of({"limp": value})
    assert error == FieldError("limp", f"must be true or false (got {json.dumps(value)})")


def test_choice_item_rejects_unknown_code_and_lists_allowed_codes() -> None:
    [error] = errors_of({"sex": "f"})
    assert error == FieldError("sex", 'must be one of: female, male, other (got "f")')


def test_choice_item_rejects_a_list() -> None:
    [error] = errors_of({"onset": ["sudden"]})
    assert error.link_id == "onset"
    assert "must be one of: sudden, gradual" in error.message


def test_multi_item_rejects_a_bare_code() -> None:
    [error] = errors_of({"pain_quality": "sharp"})
    assert error.link_id == "pain_quality"
    assert error.message.startswith("must be a list of codes from: dull_ache, sharp")


def test_multi_item_names_each_unknown_code() -> None:
    [error] = errors_of({"pain_quality": ["sharp", "stabbing", "achy"]})
    assert error.link_id == "pain_quality"
    assert error.message.startswith('unknown codes "stabbing", "achy"; allowed: dull_ache')


def test_multi_item_rejects_duplicate_codes() -> None:
    [error] = errors_of({"worse_with": ["sitting", "lifting", "sitting"]})
    assert error == FieldError("worse_with", 'lists "sitting" more than once')


@pytest.mark.parametrize(
    ("link_id", "value"),
    [
        ("onset_trigger", ["none_known", "lifting"]),
        ("repetitive_activities", ["running", "none"]),
        ("related_conditions", ["none", "psoriasis"]),
    ],
)
def test_none_cannot_be_combined_with_other_codes(link_id: str, value: list[str]) -> None:
    [error] = errors_of({link_id: value})
    assert error.link_id == link_id
    assert "means none of these and cannot be combined" in error.message


def test_none_on_its_own_is_fine() -> None:
    assert validate_answers({"repetitive_activities": ["none"]}) == {
        "repetitive_activities": ["none"]
    }


def test_unknown_item_is_rejected_with_a_suggestion_for_typos() -> None:
    [error] = errors_of({"pain_nwo": 3})
    assert error.link_id == "pain_nwo"
    assert error.message == 'unknown item (not a question of the intake); did you mean "pain_now"?'
    [error] = errors_of({"favourite_colour": "blue"})
    assert error.message == "unknown item (not a question of the intake)"


def test_non_text_item_names_are_rejected() -> None:
    [error] = errors_of({1: True})
    assert error == FieldError("1", "item names must be text")


@pytest.mark.parametrize("raw", [[], "age", 42, None])
def test_answers_must_be_an_object(raw: object) -> None:
    [error] = errors_of(raw)
    assert error.link_id == "answers"


def test_every_bad_item_is_reported_at_once_in_questionnaire_order() -> None:
    with pytest.raises(IntakeError) as info:
        validate_answers(
            {"zzz": 1, "pain_now": -1, "age": 200, "limp": "no", "sex": "male", "worse_with": []}
        )
    assert info.value.link_ids == ["age", "pain_now", "limp", "zzz"]
    assert str(info.value).startswith("age: must be a whole number from 16 to 110 (got 200); ")


@pytest.mark.parametrize("age", [0, 12, 15])
def test_under_16s_get_their_own_error(age: int) -> None:
    with pytest.raises(AgeNotSupportedError) as info:
        validate_answers({"age": age, "sex": "female"})
    assert "this tool is for ages 16 and over" in str(info.value)
    assert info.value.errors == [
        FieldError("age", f"this tool is for ages 16 and over (got {age})")
    ]


def test_under_16_error_lists_the_other_problems_after_the_age() -> None:
    with pytest.raises(AgeNotSupportedError) as info:
        validate_answers({"age": 14, "limp": "yes"})
    assert info.value.link_ids == ["age", "limp"]


@pytest.mark.parametrize("age", [16, 110])
def test_ages_16_to_110_are_accepted(age: int) -> None:
    assert validate_answers({"age": age}) == {"age": age}


@pytest.mark.parametrize("age", [-1, 111, True])
def test_impossible_ages_are_range_errors_not_the_under_16_error(age: object) -> None:
    with pytest.raises(IntakeError) as info:
        validate_answers({"age": age})
    assert type(info.value) is IntakeError
    assert info.value.errors[0].message.startswith("must be a whole number from 16 to 110")


# --- numbness: the project-only gate --------------------------------------------------------


def test_no_numbness_gives_an_empty_area_list() -> None:
    assert validate_answers({"numbness_any": False}) == {
        "numbness_any": False,
        "numbness_tingling_locations": [],
    }


def test_numbness_yes_without_areas_leaves_areas_unknown() -> None:
    assert validate_answers({"numbness_any": True}) == {"numbness_any": True}


def test_areas_without_the_gate_set_the_gate() -> None:
    assert validate_answers({"numbness_tingling_locations": ["foot_left"]}) == {
        "numbness_tingling_locations": ["foot_left"],
        "numbness_any": True,
    }
    assert validate_answers({"numbness_tingling_locations": []}) == {
        "numbness_tingling_locations": [],
        "numbness_any": False,
    }


def test_contradictory_numbness_answers_are_rejected_naming_the_areas() -> None:
    [error] = errors_of({"numbness_any": False, "numbness_tingling_locations": ["foot_left"]})
    assert error.link_id == "numbness_tingling_locations"
    assert "numbness_any is false" in error.message
    [error] = errors_of({"numbness_any": True, "numbness_tingling_locations": []})
    assert error.link_id == "numbness_tingling_locations"


def test_validation_is_idempotent() -> None:
    once = validate_answers({"numbness_any": False, "age": 50})
    assert validate_answers(once) == once


# --- conditional display ------------------------------------------------------------------


def test_numbness_areas_are_shown_only_after_yes() -> None:
    assert "numbness_tingling_locations" not in visible_items({})
    assert "numbness_tingling_locations" not in visible_items({"numbness_any": False})
    assert "numbness_tingling_locations" in visible_items({"numbness_any": True})


def test_foot_drop_is_asked_unless_the_legs_are_not_weak() -> None:
    assert "foot_drop" in visible_items({})
    assert "foot_drop" in visible_items({"leg_weakness": "worsening"})
    assert "foot_drop" not in visible_items({"leg_weakness": "none"})


def test_visible_items_keep_questionnaire_order() -> None:
    shown = visible_items({"numbness_any": True})
    assert shown[:3] == ["age", "sex", "pain_locations"]
    assert shown.index("numbness_any") + 1 == shown.index("numbness_tingling_locations")


def test_going_back_and_saying_no_numbness_drops_the_areas() -> None:
    answers = {"numbness_any": False, "numbness_tingling_locations": ["foot_left"], "age": 40}
    assert drop_hidden_answers(answers) == {"numbness_any": False, "age": 40}
    assert answers["numbness_tingling_locations"] == ["foot_left"]  # input untouched


def test_foot_drop_answer_is_dropped_when_legs_are_not_weak() -> None:
    assert drop_hidden_answers({"leg_weakness": "none", "foot_drop": True}) == {
        "leg_weakness": "none"
    }
    kept = {"leg_weakness": "stable", "foot_drop": True}
    assert drop_hidden_answers(kept) == kept


def test_an_unanswered_gate_never_drops_an_answer() -> None:
    answers = {"numbness_tingling_locations": ["foot_left"], "foot_drop": True}
    assert drop_hidden_answers(answers) == answers


# --- documents --------------------------------------------------------------------------------


def test_documents_carry_answers_and_case_metadata() -> None:
    doc = {"id": "c", "source": "s", "summary": "x", "expected": {}, "note": "n"}
    assert load_intake_document({**doc, "answers": {"age": 20}}) == {"age": 20}


@pytest.mark.parametrize("doc", [{}, {"id": "x"}, {"answers": []}, {"answers": None}, [], "x"])
def test_documents_without_an_answers_object_are_rejected(doc: object) -> None:
    with pytest.raises(IntakeError) as info:
        load_intake_document(doc)
    assert info.value.link_ids == ["answers"]


def test_document_answers_are_validated() -> None:
    with pytest.raises(IntakeError, match=r"^pain_now: "):
        load_intake_document({"answers": {"pain_now": 99}})


@pytest.mark.parametrize("path", sorted(CASES_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_shared_case_validates(path: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    answers = load_intake_document(document)
    for link_id, value in document["answers"].items():
        assert answers[link_id] == value


def test_odd_item_names_stay_on_one_short_line() -> None:
    with pytest.raises(IntakeError) as info:
        validate_answers({"bad\nkey": 1, "x" * 500: 2})
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith('"bad\\nkey": unknown item')
    assert len(message) < 250
    assert info.value.link_ids == ["bad\nkey", "x" * 500]


def test_huge_lists_are_rejected_quickly_naming_the_item() -> None:
    [error] = errors_of({"worse_with": ["sitting"] * 100_000})
    assert error == FieldError("worse_with", 'lists "sitting" more than once')
    [error] = errors_of({"pain_quality": ["nope"] * 100_000})
    assert error.link_id == "pain_quality"
    assert error.message.startswith('unknown codes "nope", "nope", "nope", "nope", "nope", ...;')


def test_many_unknown_items_are_all_listed_but_the_message_stays_short() -> None:
    raw = {f"item_{n:05d}": n for n in range(20_000)}
    with pytest.raises(IntakeError) as info:
        validate_answers(raw)
    assert len(info.value.errors) == 20_000
    assert str(info.value).endswith("; and 19980 more problems")
    assert len(str(info.value)) < 2_000
