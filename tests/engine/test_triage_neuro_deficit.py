"""Sphincter or saddle symptoms count as a neurological deficit with infection risk or cancer.

A spinal epidural abscess or metastasis that presses on the cauda equina shows itself with
bladder or bowel dysfunction or saddle numbness as often as with leg weakness (Darouiche,
NEJM 2006; NICE NG234, 2023), so the emergency rules naming infection or cancer must fire on
them too, and must not fire on unanswered items.
"""

from __future__ import annotations

from typing import Any

import pytest

from painpath.engine.engine import assess

BASE: dict[str, Any] = {"age": 58, "sex": "female", "pain_locations": ["low_back_center"]}


def _rules(answers: dict[str, Any]) -> set[str]:
    return {f.rule_id for f in assess(answers).triage.red_flags}


@pytest.mark.parametrize("sign", ["bladder_change", "bowel_incontinence", "saddle_numbness"])
def test_infection_risk_with_sphincter_or_saddle_sign(sign: str) -> None:
    answers = {**BASE, "immunosuppressed": True, sign: True}
    result = assess(answers)
    assert result.triage.level == "emergency"
    assert "infection_with_neurological_deficit" in _rules(answers)
    ids = [c.id for c in result.conditions]
    assert ids.index("spinal_infection") < 8


@pytest.mark.parametrize("sign", ["bladder_change", "bowel_incontinence", "saddle_numbness"])
def test_cancer_history_with_sphincter_or_saddle_sign(sign: str) -> None:
    answers = {**BASE, "history_cancer": True, sign: True}
    assert "cancer_with_neurological_deficit" in _rules(answers)


def test_risk_alone_does_not_fire_the_deficit_rules() -> None:
    # Unknown is unknown: no sphincter answer means no deficit rule.
    rules = _rules({**BASE, "immunosuppressed": True, "history_cancer": True})
    assert "infection_with_neurological_deficit" not in rules
    assert "cancer_with_neurological_deficit" not in rules
