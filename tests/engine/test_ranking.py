"""The ranking maths on small hand-computed examples (a tiny knowledge base built in the test)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from painpath.engine.knowledge import Knowledge, build_knowledge
from painpath.engine.ranking import rank
from painpath.engine.triage import screen


def _condition(cid: str, category: str) -> dict[str, Any]:
    return {
        "id": cid,
        "name": cid.title(),
        "category": category,
        "needs_clinician": category != "common",
        "description": "d",
        "causes": ["c"],
        "symptoms": ["s"],
        "what_helps": ["w"],
        "seek_help_if": ["h"],
        "sources": ["src"],
    }


def _finding(fid: str, when: dict[str, Any], lr: float, group: str | None = None) -> dict:
    out: dict[str, Any] = {"id": fid, "text": fid, "when": when, "lr": lr, "source": "s"}
    if group:
        out["group"] = group
    return out


def tiny(red_flags: list[dict[str, Any]] | None = None) -> Knowledge:
    """Two conditions: 'benign' (prior 0.2) and 'serious' (prior 0.01, 0.05 from age 60)."""
    raw = {
        "conditions.yaml": {
            "conditions": [_condition("benign", "common"), _condition("serious", "serious")]
        },
        "features.yaml": {
            "features": [
                {
                    "id": "leg",
                    "text": "leg",
                    "when": {"item": "pain_locations", "has_any": ["lower_leg_left"]},
                },
            ]
        },
        "likelihoods.yaml": {
            "lr_floor": 0.05,
            "lr_ceiling": 20,
            "source": "s",
            "models": [
                {
                    "condition": "benign",
                    "prior": {"p": 0.2, "source": "s"},
                    "findings": [
                        _finding("sudden", {"item": "onset", "is": "sudden"}, 3, "onset"),
                        _finding(
                            "lift", {"item": "onset_trigger", "has_any": ["lifting"]}, 2, "onset"
                        ),
                        _finding("leg", {"feature": "leg"}, 2, "leg"),
                        _finding(
                            "no_leg",
                            {"item": "pain_locations", "has_none": ["lower_leg_left"]},
                            0.5,
                            "leg",
                        ),
                        _finding("huge", {"item": "limp", "is": True}, 50),
                        _finding(
                            "cough",
                            {"item": "worse_with", "has_any": ["coughing_sneezing_straining"]},
                            0.25,
                            "onset",
                        ),
                    ],
                },
                {
                    "condition": "serious",
                    "prior": {
                        "p": 0.01,
                        "by_age": [
                            {"min_age": 16, "max_age": 59, "p": 0.01},
                            {"min_age": 60, "max_age": 110, "p": 0.05},
                        ],
                        "source": "s",
                    },
                    "findings": [
                        _finding("fever", {"item": "fever_or_chills", "is": True}, 4, "fever"),
                        _finding("unwell", {"item": "feeling_unwell", "is": True}, 3, "unwell"),
                    ],
                },
            ],
        },
        "red_flags.yaml": {
            "concern_floor": {"probability": 0.1, "source": "s", "basis": "b"},
            "red_flags": red_flags or [],
            "routine": [],
            "self_care": {
                "required_answers": [],
                "referral_probability": 0.5,
                "referral_source": "s",
            },
            "ranking_escalation": {
                "level": "urgent",
                "probability": 0.5,
                "reason": "Your answers fit {condition}.",
                "source": "s",
                "basis": "b",
            },
        },
    }
    return build_knowledge(raw, version="test")


def probs(kb: Knowledge, answers: dict[str, Any]) -> dict[str, float]:
    return {rc.id: rc.probability for rc in rank(kb, answers, screen(kb, answers))}


def p_from_odds(odds: float) -> float:
    return odds / (1 + odds)


def test_no_answers_give_the_priors() -> None:
    assert probs(tiny(), {}) == pytest.approx({"benign": 0.2, "serious": 0.01})


def test_age_band_selects_the_prior() -> None:
    assert probs(tiny(), {"age": 60})["serious"] == pytest.approx(0.05)
    assert probs(tiny(), {"age": 59})["serious"] == pytest.approx(0.01)


def test_one_finding_multiplies_the_prior_odds() -> None:
    # prior odds 0.25 x LR 3 = 0.75 -> 0.4286
    assert probs(tiny(), {"onset": "sudden"})["benign"] == pytest.approx(0.75 / 1.75)


def test_correlated_findings_count_only_the_strongest_in_their_group() -> None:
    # sudden (3) and lifting (2) share the "onset" group: only 3 counts.
    p = probs(tiny(), {"onset": "sudden", "onset_trigger": ["lifting"]})["benign"]
    assert p == pytest.approx(p_from_odds(0.25 * 3))


def test_for_and_against_in_one_group_both_count() -> None:
    # strongest for (3) and strongest against (0.25) of the onset group.
    answers = {"onset": "sudden", "worse_with": ["coughing_sneezing_straining"]}
    assert probs(tiny(), answers)["benign"] == pytest.approx(p_from_odds(0.25 * 3 * 0.25))


def test_independent_groups_multiply() -> None:
    answers = {"onset": "sudden", "pain_locations": ["lower_leg_left"]}
    assert probs(tiny(), answers)["benign"] == pytest.approx(p_from_odds(0.25 * 3 * 2))


def test_negative_evidence_needs_a_definite_answer() -> None:
    # pain_locations answered without the leg: LR 0.5; unanswered: nothing.
    assert probs(tiny(), {"pain_locations": ["low_back_center"]})["benign"] == pytest.approx(
        p_from_odds(0.25 * 0.5)
    )
    assert probs(tiny(), {"onset": "gradual"})["benign"] == pytest.approx(0.2)


def test_likelihood_ratios_are_capped_at_the_ceiling() -> None:
    assert probs(tiny(), {"limp": True})["benign"] == pytest.approx(p_from_odds(0.25 * 20))


def test_conditions_are_not_forced_to_sum_to_one() -> None:
    answers = {"onset": "sudden", "fever_or_chills": True, "feeling_unwell": True, "age": 70}
    p = probs(tiny(), answers)
    assert p["serious"] == pytest.approx(p_from_odds(0.05 / 0.95 * 4 * 3))
    assert p["benign"] == pytest.approx(p_from_odds(0.25 * 3))  # no red flag fired: no discount


def test_evidence_names_the_answers_and_their_ratios() -> None:
    ranked = rank(tiny(), {"onset": "sudden", "onset_trigger": ["lifting"], "limp": True})
    benign = next(rc for rc in ranked if rc.id == "benign")
    assert [(e.link_id, e.code, e.effect, e.likelihood_ratio) for e in benign.evidence] == [
        ("limp", None, "for", 20),
        ("onset", "sudden", "for", 3),
    ]
    assert benign.evidence[0].value is True


def test_sorted_by_probability_with_ties_in_file_order() -> None:
    kb = tiny()
    assert [rc.id for rc in rank(kb, {})] == ["benign", "serious"]
    answers = {"fever_or_chills": True, "feeling_unwell": True, "age": 70}
    # serious: odds 0.05/0.95 x 12 = 0.63 (p 0.39) > benign 0.2
    assert [rc.id for rc in rank(kb, answers)] == ["serious", "benign"]


RULE = {
    "id": "fever_rule",
    "level": "urgent",
    "when": {"item": "fever_or_chills", "is": True},
    "conditions": ["serious"],
    "reason": "r",
    "source": "s",
    "post_test_probability": 0.3,
    "covers": ["fever"],
    "basis": "b",
}


def test_published_post_test_probability_is_the_new_starting_point() -> None:
    kb = tiny([RULE])
    # Fever alone: Bayes gives 0.01 -> odds 0.0101 x 4 = 0.0404 (p 0.039); the published 0.3
    # replaces it.
    p = probs(kb, {"fever_or_chills": True})
    assert p["serious"] == pytest.approx(0.3)
    # The benign label is discounted by the chance that the serious condition is present.
    assert p["benign"] == pytest.approx(0.2 * (1 - 0.3))
    # Feeling unwell (a group the published figure does not cover) updates from 0.3:
    p = probs(kb, {"fever_or_chills": True, "feeling_unwell": True})
    assert p["serious"] == pytest.approx(p_from_odds(0.3 / 0.7 * 3))
    assert p["benign"] == pytest.approx(0.2 * (1 - p_from_odds(0.3 / 0.7 * 3)))


def test_anchor_never_lowers_a_higher_bayesian_probability() -> None:
    rule = dict(RULE, post_test_probability=0.01, covers=[])
    kb = tiny([rule])
    answers = {"fever_or_chills": True, "feeling_unwell": True, "age": 70}
    bayes = p_from_odds(0.05 / 0.95 * 4 * 3)
    anchored = p_from_odds(0.01 / 0.99 * 4 * 3)
    assert probs(kb, answers)["serious"] == pytest.approx(max(bayes, anchored))


def test_evidence_records_the_red_flag_anchor() -> None:
    kb = tiny([RULE])
    serious = next(
        rc
        for rc in rank(kb, {"fever_or_chills": True}, screen(kb, {"fever_or_chills": True}))
        if rc.id == "serious"
    )
    first = serious.evidence[0]
    assert "30 in 100" in first.text and "fever_rule" in first.source
    assert first.effect == "for"
    # the factor from the Bayesian odds (0.01/0.99 x 4) up to the published 0.3
    assert first.likelihood_ratio == pytest.approx((0.3 / 0.7) / (0.01 / 0.99 * 4))


def test_probabilities_stay_inside_the_model_bounds() -> None:
    kb = tiny()
    answers = {"fever_or_chills": True, "feeling_unwell": True, "age": 90}
    for p in probs(kb, answers).values():
        assert 0.0 < p < 1.0
    assert math.isclose(
        probs(kb, {"limp": True, "onset": "sudden"})["benign"], p_from_odds(0.25 * 20 * 3)
    )


def test_a_serious_condition_named_by_a_fired_rule_is_shown_at_least_at_the_concern_floor() -> None:
    rule = {
        "id": "unwell_rule",
        "level": "urgent",
        "when": {"item": "feeling_unwell", "is": True},
        "conditions": ["serious"],
        "reason": "r",
        "source": "s",
    }
    kb = tiny([rule])
    # Bayes: 0.01 -> odds 0.0101 x 3 = 0.0303 (p 0.029) < floor 0.1
    answers = {"feeling_unwell": True}
    ranked = rank(kb, answers, screen(kb, answers))
    p = {rc.id: rc.probability for rc in ranked}
    assert p["serious"] == pytest.approx(0.1)
    assert p["benign"] == pytest.approx(0.2 * 0.9)
    serious = next(rc for rc in ranked if rc.id == "serious")
    assert (
        "rule this out" in serious.evidence[0].text and "unwell_rule" in serious.evidence[0].source
    )
    # Above the floor, the Bayesian probability stands.
    answers = {"feeling_unwell": True, "fever_or_chills": True, "age": 70}
    assert probs(kb, answers)["serious"] == pytest.approx(p_from_odds(0.05 / 0.95 * 12))


def test_the_floor_needs_a_fired_rule() -> None:
    assert probs(tiny(), {"feeling_unwell": True})["serious"] == pytest.approx(
        p_from_odds(0.01 / 0.99 * 3)
    )
