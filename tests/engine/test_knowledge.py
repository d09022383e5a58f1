"""Integrity of the knowledge base data files (separate from the engine's behaviour tests)."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SPEC_DIR
from painpath.engine.assessment import SPEC_CONDITION_IDS
from painpath.engine.knowledge import (
    Expr,
    KnowledgeError,
    build_knowledge,
    load_knowledge,
    read_raw,
)
from painpath.engine.questionnaire import load_questionnaire

SPEC = yaml.safe_load((SPEC_DIR / "intake-core.yaml").read_text(encoding="utf-8"))
SPEC_ITEMS: dict[str, dict[str, Any]] = {item["linkId"]: item for item in SPEC["items"]}
#: PainPath's own follow-up items (questionnaire.yaml, ``project_only``), in the spec's shape.
PROJECT_ITEMS: dict[str, dict[str, Any]] = {
    item.link_id: {"linkId": item.link_id, "type": item.type, "options": list(item.codes)}
    for item in load_questionnaire().items
    if item.project_only
}
ITEMS = {**SPEC_ITEMS, **PROJECT_ITEMS}
COMMON = ("muscle_strain", "poor_posture", "arthritis", "herniated_disc", "sciatica",
          "hip_bursitis", "overuse")  # fmt: skip


def _all_exprs() -> list[tuple[str, Expr]]:
    kb = load_knowledge()
    out: list[tuple[str, Expr]] = [(f"feature {f.id}", f.when) for f in kb.features.values()]
    for m in kb.models:
        out += [(f"{m.condition.id}/{f.finding.id}", f.finding.when) for f in m.findings]
    out += [(f"rule {r.rule.id}", r.rule.when) for r in kb.red_flags + kb.routine]
    return out


def _walk(expr: Expr) -> list[Expr]:
    out = [expr]
    for part in (expr.all_ or ()) + (expr.any_ or ()):
        out += _walk(part)
    return out


def test_every_spec_condition_is_described_once_in_spec_order() -> None:
    kb = load_knowledge()
    assert tuple(kb.conditions) == SPEC_CONDITION_IDS
    assert [m.condition.id for m in kb.models] == list(SPEC_CONDITION_IDS)


def test_conditions_have_complete_plain_language_content() -> None:
    for c in load_knowledge().conditions.values():
        assert c.name and len(c.description.split()) >= 25, c.id
        assert c.causes and c.symptoms and c.what_helps and c.seek_help_if and c.sources
        assert c.needs_clinician is (c.category != "common"), c.id


@pytest.mark.parametrize("condition_id", COMMON)
def test_common_causes_explain_the_clinics_eight_kinds_of_help(condition_id: str) -> None:
    text = " ".join(load_knowledge().conditions[condition_id].what_helps).lower()
    for words in (
        ("rest",),
        ("stretch",),
        ("strengthening", "core"),
        ("cold", "heat"),
        ("weight management",),
        ("medicine",),
        ("mobilisation", "electrical stimulation"),
        ("within easy reach",),
    ):
        for word in words:
            assert word in text, f"{condition_id}: what_helps does not mention {word!r}"


@pytest.mark.parametrize(
    "condition_id",
    [c for c in SPEC_CONDITION_IDS if c not in COMMON and c != "lumbar_spinal_stenosis"],
)
def test_serious_and_specific_causes_say_where_to_go(condition_id: str) -> None:
    c = load_knowledge().conditions[condition_id]
    text = " ".join(c.what_helps + c.seek_help_if).lower()
    assert any(w in text for w in ("emergency", "doctor", "rheumatologist")), condition_id


def _reads_project_item(expr: Expr, features: dict[str, Expr]) -> bool:
    for node in _walk(expr):
        if any(link_id in PROJECT_ITEMS for link_id in node.items()):
            return True
        if node.feature is not None and _reads_project_item(features[node.feature], features):
            return True
    return False


def test_project_only_items_only_ever_raise_the_triage_level() -> None:
    # The spec's contract: an intake without PainPath's own items is complete. So those items
    # may only ADD red flags (leg_weakness_side: weakness in both legs); a likelihood or a
    # routine rule reading them would make the ranking or self-care depend on a question that
    # other clients never ask.
    kb = load_knowledge()
    features = {f.id: f.when for f in kb.features.values()}
    assert PROJECT_ITEMS, "no project-only items: nothing to check"
    readers = [r.rule.id for r in kb.red_flags if _reads_project_item(r.rule.when, features)]
    assert readers == ["bilateral_leg_weakness_progressing", "bilateral_leg_weakness_stable",
                       "infection_with_neurological_deficit",
                       "cancer_with_neurological_deficit"]  # fmt: skip
    for m in kb.models:
        for f in m.findings:
            assert not _reads_project_item(f.finding.when, features), f.finding.id
    for r in kb.routine:
        assert not _reads_project_item(r.rule.when, features), r.rule.id


def test_every_item_and_code_used_by_a_rule_exists_in_the_spec() -> None:
    for where, expr in _all_exprs():
        for node in _walk(expr):
            for link_id in node.items():
                assert link_id in ITEMS, f"{where}: unknown item {link_id!r}"
            if node.item is None:
                continue
            item = ITEMS[node.item]
            kind = item["type"]
            codes = set(item.get("options") or [])
            for link_id, code in node.codes():
                assert code in codes, f"{where}: {link_id} has no code {code!r}"
            if node.has_any or node.has_all or node.has_none:
                assert kind == "multi", f"{where}: has_* on {kind} item {node.item}"
            if node.in_:
                assert kind == "choice", f"{where}: 'in' on {kind} item {node.item}"
            if node.is_ is not None:
                if isinstance(node.is_, bool):
                    assert kind == "boolean", f"{where}: boolean test on {kind} {node.item}"
                else:
                    assert kind == "choice", f"{where}: code test on {kind} {node.item}"
            for bound in (node.gte, node.gt, node.lte, node.lt):
                if bound is not None:
                    assert kind == "integer", f"{where}: number test on {kind} {node.item}"
                    assert item["min"] <= bound <= item["max"] + 1, f"{where}: bound {bound}"


def test_every_number_and_rule_carries_a_source() -> None:
    kb = load_knowledge()
    assert kb.likelihood_source.strip()
    for m in kb.models:
        assert m.prior.source.strip(), m.condition.id
        for f in m.findings:
            assert f.finding.source.strip(), f"{m.condition.id}/{f.finding.id}"
            assert f.finding.text.strip()
    for r in kb.red_flags + kb.routine:
        assert r.rule.source.strip() and r.rule.reason.strip(), r.rule.id
    for q in kb.self_care.required_answers:
        assert q.source.strip() and q.item in SPEC_ITEMS
    assert kb.self_care.referral_source.strip()


def test_published_probabilities_state_their_basis() -> None:
    for r in load_knowledge().red_flags:
        if r.rule.post_test_probability is not None:
            assert r.rule.basis, f"{r.rule.id}: a post-test probability needs a basis"


def test_priors_cover_adult_ages_without_gaps_where_banded() -> None:
    for m in load_knowledge().models:
        bands = sorted(m.prior.by_age, key=lambda b: b.min_age)
        if not bands:
            continue
        assert bands[0].min_age == 16 and bands[-1].max_age == 110, m.condition.id
        for a, b in itertools.pairwise(bands):
            assert b.min_age == a.max_age + 1, f"{m.condition.id}: gap after {a.max_age}"


def test_red_flags_demand_at_least_urgent_and_name_serious_or_specific_conditions() -> None:
    kb = load_knowledge()
    assert len(kb.red_flags) >= 15
    for r in kb.red_flags:
        assert r.rule.level in ("emergency", "urgent")
        assert kb.conditions[r.rule.conditions[0]].needs_clinician, r.rule.id


def test_knowledge_is_loaded_once_and_versioned() -> None:
    assert load_knowledge() is load_knowledge()
    assert load_knowledge().version


# --------------------------------------------------------------------------- strict loading


def _raw() -> dict[str, Any]:
    return copy.deepcopy(read_raw())


def test_unknown_key_is_rejected_naming_file_entry_and_field() -> None:
    raw = _raw()
    raw["likelihoods.yaml"]["models"][3]["findings"][0]["weight"] = 2
    with pytest.raises(KnowledgeError) as err:
        build_knowledge(raw)
    msg = str(err.value)
    assert "likelihoods.yaml" in msg and "herniated_disc" in msg and "weight" in msg


def test_missing_source_is_rejected() -> None:
    raw = _raw()
    del raw["red_flags.yaml"]["red_flags"][0]["source"]
    with pytest.raises(KnowledgeError, match=r"red_flags\.yaml.*ces_saddle_numbness.*source"):
        build_knowledge(raw)


def test_blank_source_is_rejected() -> None:
    raw = _raw()
    raw["likelihoods.yaml"]["models"][0]["prior"]["source"] = "  "
    with pytest.raises(KnowledgeError, match="muscle_strain"):
        build_knowledge(raw)


def test_unknown_feature_is_rejected() -> None:
    raw = _raw()
    raw["red_flags.yaml"]["red_flags"][0]["when"] = {"feature": "no_such_feature"}
    with pytest.raises(KnowledgeError, match="no_such_feature"):
        build_knowledge(raw)


def test_unknown_condition_in_a_rule_is_rejected() -> None:
    raw = _raw()
    raw["red_flags.yaml"]["red_flags"][0]["conditions"] = ["lumbago"]
    with pytest.raises(KnowledgeError, match="lumbago"):
        build_knowledge(raw)


def test_duplicate_condition_is_rejected() -> None:
    raw = _raw()
    conds = raw["conditions.yaml"]["conditions"]
    conds.append(copy.deepcopy(conds[0]))
    with pytest.raises(KnowledgeError, match="duplicate"):
        build_knowledge(raw)


def test_condition_without_a_model_is_rejected() -> None:
    raw = _raw()
    raw["likelihoods.yaml"]["models"].pop()
    with pytest.raises(KnowledgeError, match="septic_arthritis"):
        build_knowledge(raw)


def test_expression_with_two_operators_is_rejected() -> None:
    raw = _raw()
    raw["features.yaml"]["features"][0]["when"] = {"item": "age", "gte": 1, "lt": 5}
    with pytest.raises(KnowledgeError, match=r"features\.yaml"):
        build_knowledge(raw)


def test_covers_must_name_a_group_of_the_condition() -> None:
    raw = _raw()
    rule = next(r for r in raw["red_flags.yaml"]["red_flags"] if r["id"] == "cancer_history")
    rule["covers"] = ["no_such_group"]
    with pytest.raises(KnowledgeError, match="no_such_group"):
        build_knowledge(raw)


def test_overlapping_age_bands_are_rejected() -> None:
    raw = _raw()
    raw["likelihoods.yaml"]["models"][0]["prior"]["by_age"] = [
        {"min_age": 16, "max_age": 50, "p": 0.2},
        {"min_age": 40, "max_age": 110, "p": 0.1},
    ]
    with pytest.raises(KnowledgeError, match="overlap"):
        build_knowledge(raw)


def test_the_parse_cache_returns_exactly_the_parsed_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    fresh = read_raw(use_cache=False)
    assert read_raw() == fresh  # first call writes the cache
    files = list((tmp_path / "cache").glob("knowledge-*.json"))
    assert len(files) == 1
    assert read_raw() == fresh  # second call reads it
    files[0].write_text("{not json", encoding="utf-8")
    assert read_raw() == fresh  # a broken cache is ignored (and rewritten)


def test_a_published_probability_without_basis_is_rejected() -> None:
    raw = _raw()
    rule = next(r for r in raw["red_flags.yaml"]["red_flags"] if r["id"] == "cancer_history")
    del rule["basis"]
    with pytest.raises(KnowledgeError, match="basis"):
        build_knowledge(raw)


def test_the_engine_reports_unknowns_over_exactly_the_spec_items() -> None:
    from painpath.engine.engine import CORE_ITEMS

    assert tuple(SPEC_ITEMS) == CORE_ITEMS


def test_every_feature_is_used_by_a_rule_or_finding() -> None:
    kb = load_knowledge()
    used: set[str] = set()
    for f in kb.features.values():
        used |= f.when.features()
    for m in kb.models:
        for cf in m.findings:
            used |= cf.finding.when.features()
    for r in kb.red_flags + kb.routine:
        used |= r.rule.when.features()
    assert set(kb.features) <= used, sorted(set(kb.features) - used)


# --------------------------------------------------------------------------- if_unknown leaves

_ASSUMED_WINDOW = {
    "item": "duration_days",
    "lt": 42,
    "if_unknown": True,
    "if_unknown_text": "You did not say when this pain started.",
    "basis": "why assuming the worst is right here",
}


def _entry(entries: list[dict[str, Any]], entry_id: str) -> dict[str, Any]:
    return next(e for e in entries if e.get("id") == entry_id)


def test_if_unknown_in_a_routine_rule_is_refused_naming_the_rule() -> None:
    raw = _raw()
    _entry(raw["red_flags.yaml"]["routine"], "persistent_pain")["when"] = dict(_ASSUMED_WINDOW)
    with pytest.raises(
        KnowledgeError, match=r"red_flags\.yaml: entry 'persistent_pain'.*if_unknown.*red-flag"
    ):
        build_knowledge(raw)


def test_if_unknown_in_a_feature_is_refused_naming_the_feature() -> None:
    raw = _raw()
    _entry(raw["features.yaml"]["features"], "acute_episode")["when"] = dict(_ASSUMED_WINDOW)
    with pytest.raises(KnowledgeError, match=r"features\.yaml: entry 'acute_episode'.*red-flag"):
        build_knowledge(raw)


def test_if_unknown_in_a_finding_is_refused_naming_the_finding() -> None:
    raw = _raw()
    model = next(m for m in raw["likelihoods.yaml"]["models"] if m["condition"] == "muscle_strain")
    model["findings"][0]["when"] = dict(_ASSUMED_WINDOW)
    finding = model["findings"][0]["id"]
    with pytest.raises(
        KnowledgeError, match=rf"likelihoods\.yaml: entry 'muscle_strain/{finding}'.*red-flag"
    ):
        build_knowledge(raw)


@pytest.mark.parametrize(
    ("drop", "message"), [("basis", "needs a 'basis'"), ("if_unknown_text", "if_unknown_text")]
)
def test_if_unknown_without_its_explanations_is_refused(drop: str, message: str) -> None:
    raw = _raw()
    rule = _entry(raw["red_flags.yaml"]["red_flags"], "infection_risk_recent_back_pain")
    rule["when"]["all"][1] = {k: v for k, v in _ASSUMED_WINDOW.items() if k != drop}
    with pytest.raises(KnowledgeError, match=rf"infection_risk_recent_back_pain.*{message}"):
        build_knowledge(raw)


@pytest.mark.parametrize(
    "leaf",
    [
        {"item": "duration_days", "lt": 42, "if_unknown": False, "basis": "b",
         "if_unknown_text": "t"},
        {"item": "duration_days", "lt": 42, "basis": "a basis without an assumption"},
        {"all": [{"item": "limp", "is": True}], "if_unknown": True, "basis": "b",
         "if_unknown_text": "t"},
    ],
)  # fmt: skip
def test_malformed_if_unknown_is_refused_naming_the_rule(leaf: dict[str, Any]) -> None:
    raw = _raw()
    rule = _entry(raw["red_flags.yaml"]["red_flags"], "infection_risk_recent_back_pain")
    rule["when"]["all"][1] = leaf
    with pytest.raises(KnowledgeError, match=r"red_flags\.yaml: entry 'infection_risk_recent_back"):
        build_knowledge(raw)


def test_if_unknown_as_a_lone_alternative_of_an_any_is_refused() -> None:
    # aaa_acute_abdominal: "new" is one of several signs of an acute presentation; assuming
    # it would make the rule fire on a skipped question instead of a reported sign.
    raw = _raw()
    rule = _entry(raw["red_flags.yaml"]["red_flags"], "aaa_acute_abdominal")
    alternatives = rule["when"]["all"][2]["any"]
    index = next(i for i, e in enumerate(alternatives) if e.get("item") == "duration_days")
    alternatives[index] = {**_ASSUMED_WINDOW, "lt": 8}
    with pytest.raises(
        KnowledgeError,
        match=r"entry 'aaa_acute_abdominal': field 'when': 'if_unknown' on 'duration_days' is one "
        r"alternative of an 'any'",
    ):
        build_knowledge(raw)


def test_a_rule_that_fires_on_assumptions_alone_is_refused() -> None:
    raw = _raw()
    rule = _entry(raw["red_flags.yaml"]["red_flags"], "infection_risk_recent_back_pain")
    rule["when"] = dict(_ASSUMED_WINDOW)
    with pytest.raises(
        KnowledgeError, match=r"entry 'infection_risk_recent_back_pain'.*fires on an empty intake"
    ):
        build_knowledge(raw)


def test_every_if_unknown_leaf_sits_in_an_emergency_or_urgent_rule_with_its_reasons() -> None:
    kb = load_knowledge()
    found = {}
    for name, expr in _all_exprs():
        leaves = [node for node in _walk(expr) if node.if_unknown]
        if leaves:
            found[name] = [(leaf.item, (leaf.basis or "").strip() != "") for leaf in leaves]
    assert found == {
        f"rule {rule}": [("duration_days", True)]
        for rule in (
            "bilateral_leg_numbness_recent",
            "bilateral_sciatica_recent",
            "infection_risk_hip_pain_limp",
            "infection_risk_recent_back_pain",
        )
    }
    assert all(r.rule.level in ("emergency", "urgent") for r in kb.red_flags if r.assumed)
