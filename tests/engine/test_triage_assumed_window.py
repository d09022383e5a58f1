"""A skipped "how long" must not switch off a red flag (``if_unknown: true``, knowledge -8).

The urgent rules gated on recent pain assume the window is met when ``duration_days`` was not
answered, say so to the person, and still stay silent when the duration is answered and outside
the window. ``aaa_acute_abdominal`` keeps its duration strict (there it is one of several
alternative signs of an acute presentation).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painpath.engine.engine import assess
from painpath.engine.knowledge import load_knowledge
from painpath.engine.triage import assumed_items
from strategies import valid_answers

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ASSUMED_RECENT = "You did not say when this pain started, so to be safe we treated it as recent."

#: rule id -> (every definite part of the red flag, a duration inside the window, durations
#: outside it). Nothing else in these answers fires a red flag.
CASES: dict[str, tuple[dict[str, Any], int, tuple[int, ...]]] = {
    "infection_risk_recent_back_pain": (
        {"age": 40, "pain_locations": ["low_back_center"], "immunosuppressed": True},
        10,
        (42, 365),
    ),
    "infection_risk_hip_pain_limp": (
        {
            "age": 40,
            "pain_locations": ["groin_left"],
            "recent_infection_or_procedure": True,
            "limp": True,
        },
        41,
        (42, 200),
    ),
    "bilateral_leg_numbness_recent": (
        {
            "age": 40,
            "pain_locations": ["low_back_center"],
            "numbness_any": True,
            "numbness_tingling_locations": ["lower_leg_left", "lower_leg_right"],
        },
        89,
        (90, 400),
    ),
    "bilateral_sciatica_recent": (
        {"age": 40, "pain_locations": ["low_back_center", "lower_leg_left", "lower_leg_right"]},
        30,
        (90, 400),
    ),
}
RULES = tuple(CASES)

#: The answers each rule needs besides the window (age and numbness_any are not among them).
REQUIRED: dict[str, tuple[str, ...]] = {
    "infection_risk_recent_back_pain": ("pain_locations", "immunosuppressed"),
    "infection_risk_hip_pain_limp": ("pain_locations", "recent_infection_or_procedure", "limp"),
    "bilateral_leg_numbness_recent": ("numbness_tingling_locations",),
    "bilateral_sciatica_recent": ("pain_locations",),
}


def _fired(answers: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {f.rule_id: f for f in assess(answers, **kwargs).triage.red_flags}


def test_exactly_the_time_window_rules_assume_a_recent_duration() -> None:
    kb = load_knowledge()
    assuming = {r.rule.id: r.assumed for r in kb.red_flags if r.assumed}
    assert assuming == {rule: (("duration_days", ASSUMED_RECENT),) for rule in RULES}


@pytest.mark.parametrize("rule_id", RULES)
def test_the_rule_fires_with_the_duration_skipped_and_says_what_was_assumed(
    rule_id: str,
) -> None:
    answers = CASES[rule_id][0]
    result = assess(answers)
    assert result.triage.level == "urgent"
    assert [f.rule_id for f in result.triage.red_flags] == [rule_id]
    flag = result.triage.red_flags[0]
    rule = (
        load_knowledge()
        .red_flags[[r.rule.id for r in load_knowledge().red_flags].index(rule_id)]
        .rule
    )
    assert flag.assumed == ("duration_days",)
    assert flag.reason == f"{rule.reason} {ASSUMED_RECENT}"
    assert "duration_days" not in flag.answers  # not answered, so not shown as an answer
    assert result.triage.reasons == (rule.reason, ASSUMED_RECENT)
    out = result.to_dict()["triage"]["red_flags"][0]
    assert out["assumed"] == ["duration_days"]
    assert out["reason"].endswith(ASSUMED_RECENT)
    assert "duration_days" in result.unknown


@pytest.mark.parametrize("rule_id", RULES)
def test_the_rule_fires_without_any_assumption_inside_the_window(rule_id: str) -> None:
    definite, inside, _ = CASES[rule_id]
    result = assess({**definite, "duration_days": inside})
    flags = {f.rule_id: f for f in result.triage.red_flags}
    assert set(flags) == {rule_id}
    assert flags[rule_id].assumed == ()
    assert ASSUMED_RECENT not in flags[rule_id].reason
    assert ASSUMED_RECENT not in result.triage.reasons
    assert "assumed" not in result.to_dict()["triage"]["red_flags"][0]


@pytest.mark.parametrize(
    ("rule_id", "outside"), [(rule, days) for rule in RULES for days in CASES[rule][2]]
)
def test_the_rule_does_not_fire_when_the_duration_is_outside_the_window(
    rule_id: str, outside: int
) -> None:
    definite = CASES[rule_id][0]
    answers = {**definite, "duration_days": outside, "course": "same"}
    result = assess(answers)
    assert result.triage.red_flags == ()
    assert result.triage.level == "routine"
    assert not any(ASSUMED_RECENT in reason for reason in result.triage.reasons)


@pytest.mark.parametrize("rule_id", RULES)
def test_a_missing_definite_part_is_still_unknown(rule_id: str) -> None:
    # Only the window is assumed: drop any other answer of the red flag and it cannot fire.
    definite = CASES[rule_id][0]
    for item in REQUIRED[rule_id]:
        partial = {k: v for k, v in definite.items() if k != item}
        assert rule_id not in _fired(partial), item


def test_worsening_bilateral_numbness_within_a_year_fires_without_assumption() -> None:
    definite = CASES["bilateral_leg_numbness_recent"][0]
    assert (
        _fired({**definite, "duration_days": 200, "course": "worsening"})[
            "bilateral_leg_numbness_recent"
        ].assumed
        == ()
    )
    assert "bilateral_leg_numbness_recent" not in _fired(
        {**definite, "duration_days": 400, "course": "worsening"}
    )


def test_two_rules_assuming_the_same_duration_say_it_once() -> None:
    answers = {
        **CASES["infection_risk_recent_back_pain"][0],
        **CASES["bilateral_leg_numbness_recent"][0],
    }
    result = assess(answers)
    fired = {f.rule_id for f in result.triage.red_flags}
    assert {"infection_risk_recent_back_pain", "bilateral_leg_numbness_recent"} <= fired
    assert result.triage.reasons.count(ASSUMED_RECENT) == 1
    assert result.triage.reasons[-1] == ASSUMED_RECENT
    for flag in result.triage.red_flags:
        assert flag.reason.endswith(ASSUMED_RECENT) is (flag.assumed == ("duration_days",))


def test_a_more_urgent_rule_comes_first_and_the_assumption_is_still_told() -> None:
    answers = {**CASES["infection_risk_recent_back_pain"][0], "saddle_numbness": True}
    result = assess(answers)
    assert result.triage.level == "emergency"
    assert result.triage.red_flags[0].rule_id == "ces_saddle_numbness"
    assert result.triage.reasons[-1] == ASSUMED_RECENT


def test_acute_abdominal_aaa_does_not_assume_a_recent_duration() -> None:
    # The duration is one alternative among sudden / severe / unwell: assuming it would make
    # belly pain at 50 an emergency on a skipped question alone. It stays urgent.
    answers = {"age": 55, "pain_locations": ["low_back_center"], "abdominal_pain_or_pulsing": True}
    result = assess(answers)
    fired = {f.rule_id for f in result.triage.red_flags}
    assert "aaa_acute_abdominal" not in fired
    assert "aaa_abdominal_back" in fired
    assert result.triage.level == "urgent"
    assert "aaa_acute_abdominal" in _fired({**answers, "duration_days": 3})


@pytest.mark.parametrize("rule_id", RULES)
def test_a_question_still_to_come_is_not_assumed(rule_id: str) -> None:
    # Screening between steps: the duration step comes after the warning signs, so a partial
    # intake has not skipped it yet and nothing is assumed for it.
    definite, inside, _ = CASES[rule_id]
    assert _fired(definite, not_yet_asked=["duration_days"]) == {}
    assert assess(definite, not_yet_asked=["duration_days"]).triage.level == "routine"
    # An answered duration is used whatever the caller says is still to come.
    answered = {**definite, "duration_days": inside}
    assert set(_fired(answered, not_yet_asked=["duration_days"])) == {rule_id}
    # Other pending items do not stop the assumption for a skipped duration.
    assert set(_fired(definite, not_yet_asked=["onset", "course"])) == {rule_id}


# --------------------------------------------------------------------------- properties


@FAST
@given(valid_answers(), st.sampled_from(RULES))
def test_skipping_the_duration_never_switches_off_a_window_rule(
    answers: dict[str, Any], rule_id: str
) -> None:
    # Whatever else was answered: if the rule fires with some duration, it fires without one,
    # and then it says what it assumed exactly when it could not fire on the answers alone.
    with_duration = {**answers, **CASES[rule_id][0]}
    without = {k: v for k, v in with_duration.items() if k != "duration_days"}
    fired_with = _fired(with_duration)
    fired_without = _fired(without)
    if rule_id in fired_with:
        assert rule_id in fired_without
    kb = load_knowledge()
    prepared = kb.prepare(without)
    for compiled in kb.red_flags:
        flag = fired_without.get(compiled.rule.id)
        if flag is None or compiled.strict_test is None:
            continue
        strictly = compiled.strict_test(prepared) is True
        assert (flag.assumed == ()) is strictly
        assert flag.assumed == tuple(assumed_items(kb, compiled, without))


@FAST
@given(valid_answers())
def test_with_every_assumed_item_answered_nothing_is_assumed(answers: dict[str, Any]) -> None:
    kb = load_knowledge()
    prepared = kb.prepare(answers)
    for compiled in kb.red_flags:
        if compiled.strict_test is None:
            continue
        assumed_answered = all(item in answers for item, _ in compiled.assumed)
        if assumed_answered:
            # The assumption only ever fills a gap: on answered items both tests agree.
            assert compiled.test(prepared) == compiled.strict_test(prepared)
        # Assuming the worst can only add firings, never remove one.
        if compiled.strict_test(prepared) is True:
            assert compiled.test(prepared) is True
