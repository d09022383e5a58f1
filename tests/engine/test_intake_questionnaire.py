"""The questionnaire file: it covers the spec exactly, loads strictly and is ordered for safety."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SPEC_DIR
from painpath.engine.questionnaire import (
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
    read_questionnaire_data,
)

SPEC = yaml.safe_load((SPEC_DIR / "intake-core.yaml").read_text(encoding="utf-8"))
SPEC_ITEMS = {item["linkId"]: item for item in SPEC["items"]}
WARNING_SIGNS = {
    "saddle_numbness",
    "bladder_change",
    "bowel_incontinence",
    "sexual_dysfunction_new",
    "fever_or_chills",
    "history_cancer",
    "unexplained_weight_loss",
    "abdominal_pain_or_pulsing",
    "unable_to_bear_weight",
    "onset_trigger",  # carries major_trauma
    "leg_weakness",
    "iv_drug_use",
    "immunosuppressed",
    "long_term_steroids",
}


def test_every_spec_item_is_asked_with_the_same_type_codes_and_range() -> None:
    q = load_questionnaire()
    for link_id, spec in SPEC_ITEMS.items():
        item = q.item(link_id)
        assert item.type == spec["type"], link_id
        assert item.project_only is False, link_id
        assert list(item.codes) == list(spec.get("options", [])), link_id
        if spec["type"] == "integer":
            assert (item.min, item.max) == (spec["min"], spec["max"]), link_id
        else:
            assert (item.min, item.max) == (None, None), link_id


def test_items_beyond_the_spec_are_marked_project_only() -> None:
    extra = [i for i in load_questionnaire().items if i.link_id not in SPEC_ITEMS]
    assert [i.link_id for i in extra] == ["leg_weakness_side", "numbness_any"]
    assert all(i.project_only for i in extra)


def test_body_maps_use_the_spec_regions_in_order() -> None:
    q = load_questionnaire()
    regions = SPEC["regions"]
    for link_id in ("pain_locations", "numbness_tingling_locations"):
        item = q.item(link_id)
        assert item.widget == "body_map"
        assert list(item.codes) == regions
    assert [r.code for r in q.regions] == regions


def test_every_option_has_a_friendly_label_and_every_item_a_question() -> None:
    for item in load_questionnaire().items:
        assert item.text.strip().endswith("?") or item.text.strip().endswith("."), item.link_id
        for option in item.options:
            assert option.label and option.label != option.code, (item.link_id, option.code)
    cough = load_questionnaire().item("worse_with").label_for("coughing_sneezing_straining")
    assert "Coughing" in cough and "sneezing" in cough


def test_none_style_codes_are_exclusive() -> None:
    q = load_questionnaire()
    assert q.item("onset_trigger").exclusive_codes == ("none_known",)
    assert q.item("repetitive_activities").exclusive_codes == ("none",)
    assert q.item("related_conditions").exclusive_codes == ("none",)
    assert q.item("worse_with").exclusive_codes == ()


def test_warning_signs_come_right_after_about_you_and_where_it_hurts() -> None:
    q = load_questionnaire()
    assert [s.id for s in q.steps[:2]] == ["about_you", "where_it_hurts"]
    assert {i.link_id for s in q.steps[:2] for i in s.items} >= {"age", "sex", "pain_locations"}
    order = list(q.link_ids)
    last_warning = max(order.index(w) for w in WARNING_SIGNS)
    for link_id in ("duration_days", "pain_now", "worse_with", "daily_posture"):
        assert order.index(link_id) > last_warning, link_id


def test_conditional_items_and_optional_items() -> None:
    q = load_questionnaire()
    numb = q.item("numbness_tingling_locations").show_when
    assert numb is not None and numb.item == "numbness_any" and numb.equals is True
    drop = q.item("foot_drop").show_when
    assert drop is not None and drop.item == "leg_weakness" and drop.not_in == ("none",)
    assert q.item("height_cm").optional and q.item("weight_kg").optional
    assert not q.item("saddle_numbness").optional


def test_widgets_fit_the_types() -> None:
    fits = {
        "integer": {"number"},
        "boolean": {"yes_no"},
        "choice": {"radio"},
        "multi": {"checkboxes", "body_map"},
    }
    for item in load_questionnaire().items:
        assert item.widget in fits[item.type], item.link_id


def test_loaded_questionnaire_is_cached_and_frozen() -> None:
    q = load_questionnaire()
    assert load_questionnaire() is q
    with pytest.raises(Exception, match="frozen"):
        q.steps[0].items[0].text = "changed"  # type: ignore[misc]


def _minimal(**item: Any) -> dict[str, Any]:
    base = {"linkId": "a", "type": "boolean", "widget": "yes_no", "text": "A?"}
    return {
        "version": "t",
        "source": "test",
        "steps": [{"id": "s", "title": "S", "items": [{**base, **item}]}],
    }


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"colour": "red"}, "colour"),  # unknown key
        ({"widget": "radio"}, "does not fit"),
        ({"type": "integer", "widget": "number"}, "min <= max"),
        ({"type": "choice", "widget": "radio", "options": [{"code": "x", "label": "X"}]}, "two"),
        (
            {
                "type": "choice",
                "widget": "radio",
                "options": [{"code": "x", "label": "X"}, {"code": "x", "label": "Y"}],
            },
            "duplicate option codes: x",
        ),
        ({"show_when": {"item": "zzz", "equals": True}}, "not an earlier item"),
        ({"min": 3}, "integer items only"),
    ],
)
def test_malformed_questionnaire_is_rejected_naming_the_problem(
    change: dict[str, Any], needle: str
) -> None:
    with pytest.raises(QuestionnaireError, match=needle) as info:
        parse_questionnaire(_minimal(**change), origin="q.yaml")
    message = str(info.value)
    assert message.startswith("q.yaml: ")
    assert "steps.0.items.0" in message or "item 'a'" in message


def test_show_when_value_must_fit_the_earlier_item() -> None:
    data = _minimal()
    data["steps"][0]["items"].append(
        {
            "linkId": "b",
            "type": "boolean",
            "widget": "yes_no",
            "text": "B?",
            "show_when": {"item": "a", "equals": "yes"},
        }
    )
    with pytest.raises(QuestionnaireError, match="not a value 'a' can take"):
        parse_questionnaire(data)


def test_duplicate_link_ids_are_rejected() -> None:
    data = _minimal()
    data["steps"].append(dict(data["steps"][0], id="t"))
    with pytest.raises(QuestionnaireError, match="duplicate linkId 'a'"):
        parse_questionnaire(data)


def _grade_level(text: str) -> float:
    """Flesch-Kincaid grade level (Kincaid et al. 1975); syllables from pyphen's hyphenation
    dictionary (an approximation: it can miss a syllable, so limits are kept strict)."""
    import re

    import pyphen

    dic = pyphen.Pyphen(lang="en_US")
    sentences = max(1, len(re.findall(r"[.?!]+(?:\s|$)", text)))
    words = re.findall(r"[A-Za-z']+", text)
    syllables = sum(len(dic.positions(w)) + 1 for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def test_questions_read_at_about_an_8th_grade_level() -> None:
    items = load_questionnaire().items
    grades = {i.link_id: _grade_level(i.text) for i in items}
    assert sum(grades.values()) / len(grades) <= 6.0
    too_hard = {k: round(g, 1) for k, g in grades.items() if g > 9.0}
    assert too_hard == {}
    labels = [o.label for i in items for o in i.options]
    assert sum(_grade_level(label) for label in labels) / len(labels) <= 6.0


def test_parse_cache_gives_the_same_data_and_a_broken_cache_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    fresh = read_questionnaire_data(use_cache=False)
    first = read_questionnaire_data()  # parses and writes the cache
    [cache] = list((tmp_path / "cache").glob("questionnaire-*.json"))
    assert read_questionnaire_data() == first == fresh
    cache.write_text("{not json", encoding="utf-8")
    assert read_questionnaire_data() == fresh
    assert parse_questionnaire(read_questionnaire_data()) == load_questionnaire()
