"""Triage reasons never contradict the triage level.

A reason says what was found and why it matters; the timing of care belongs to the level's
advice (``TRIAGE_ADVICE``). A reason that named its own, less urgent, time frame ("a doctor's
check within 24 hours") would contradict an emergency result when a more urgent rule fired too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES_DIR
from painpath.engine.assessment import TRIAGE_LEVELS, urgency_rank
from painpath.engine.engine import assess
from painpath.engine.knowledge import RedFlagRule, load_knowledge

#: Time frames for seeking care that are less urgent than an emergency, with the level they
#: imply. An emergency wording ("now", "emergency department") is never less urgent.
TIME_FRAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bwithin (?:\d+|one|a|an|a few|two|24) (?:hour|day|week)", re.I), "urgent"),
    (re.compile(r"\b(?:today|same day|tomorrow)\b", re.I), "urgent"),
    (re.compile(r"\b(?:coming days|this week|next few days|a few days)\b", re.I), "routine"),
    (re.compile(r"\bwithin (?:\d+|two|a few|a couple of) weeks\b", re.I), "self_care"),
)


def implied_levels(text: str) -> list[str]:
    """The triage levels implied by the time frames named in ``text`` (may be empty)."""
    return [level for pattern, level in TIME_FRAMES if pattern.search(text)]


def test_the_detector_finds_the_reported_wording() -> None:
    # The wording a tester saw under an EMERGENCY result must be caught.
    assert implied_levels("a doctor's check within 24 hours") == ["urgent"]
    assert implied_levels("you need an X-ray within 24 hours") == ["urgent"]
    assert implied_levels("which needs an emergency scan") == []


def test_no_rule_reason_names_a_time_frame() -> None:
    # Any rule can fire alongside a more urgent one, so no reason may carry its own timing
    # unless it is an emergency wording (which is never less urgent than the final level).
    kb = load_knowledge()
    offenders = []
    for compiled in (*kb.red_flags, *kb.routine):
        rule = compiled.rule
        levels = implied_levels(rule.reason)
        if levels:
            offenders.append((rule.id, levels))
    assert offenders == []


def _check(answers: dict[str, Any]) -> None:
    result = assess(answers)
    final = urgency_rank(result.triage.level)
    for reason in result.triage.reasons:
        for implied in implied_levels(reason):
            assert urgency_rank(implied) <= final, (result.triage.level, reason)  # type: ignore[arg-type]
    for flag in result.triage.red_flags:
        assert urgency_rank(flag.level) >= final


def test_older_fall_cannot_bear_weight_reasons_agree_with_emergency() -> None:
    answers = {
        "age": 72,
        "sex": "female",
        "duration_days": 0,
        "onset": "sudden",
        "onset_trigger": ["fall_or_direct_blow"],
        "pain_locations": ["groin_right", "outer_hip_right"],
        "unable_to_bear_weight": True,
        "osteoporosis": True,
    }
    result = assess(answers)
    assert result.triage.level == "emergency"
    fired = {f.rule_id for f in result.triage.red_flags}
    # Less urgent rules fired too: their reasons must still not name a slower time frame.
    assert any(f.level == "urgent" for f in result.triage.red_flags), fired
    assert all("24 hours" not in r for r in result.triage.reasons)
    _check(answers)


ALL_CASES = sorted(CASES_DIR.glob("*.json")) + sorted(
    (Path(__file__).parent / "heldout_cases").glob("*.json")
)


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda p: p.stem)
def test_case_reasons_agree_with_level(path: Any) -> None:
    _check(json.loads(path.read_text())["answers"])


def test_levels_are_ordered() -> None:
    assert [urgency_rank(lv) for lv in TRIAGE_LEVELS] == [0, 1, 2, 3]
    assert isinstance(load_knowledge().red_flags[0].rule, RedFlagRule)
