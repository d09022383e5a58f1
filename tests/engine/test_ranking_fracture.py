"""The vertebral fracture model for younger adults without fracture risk factors.

A 35-year-old with three days of low back pain after lifting, no warning signs, must not see a
broken vertebra ranked as if sudden pain on lifting pointed to one: in primary care only older
age, significant trauma and corticosteroid use are useful fracture flags (Williams et al.
Cochrane 2013; Henschke et al. 2009), and minor loads break only weakened bone (Finucane et al.
JOSPT 2020). The same history in a person at risk must still raise the probability.
"""

from __future__ import annotations

from typing import Any

from conftest import CLEAR_RECENT_STRAIN
from painpath.engine.engine import assess

#: The same recent lifting strain, with the fracture risk factors also answered "no".
YOUNG_LIFTING: dict[str, Any] = {
    **CLEAR_RECENT_STRAIN,
    "osteoporosis": False,
    "long_term_steroids": False,
}


def _fracture(answers: dict[str, Any]) -> tuple[float, int, set[str]]:
    result = assess(answers)
    ids = [c.id for c in result.conditions]
    fx = result.conditions[ids.index("spinal_fracture")]
    return fx.probability, ids.index("spinal_fracture"), {e.text for e in fx.evidence}


def test_young_adult_lifting_is_self_care_and_fracture_is_low_and_honest() -> None:
    result = assess(YOUNG_LIFTING)
    assert result.triage.level == "self_care"
    assert result.conditions[0].id == "muscle_strain"
    p, rank, evidence = _fracture(YOUNG_LIFTING)
    # prior 0.1% under 40 (derived from Henschke 2009 / Enthoven 2016) x 1.5 for an acute
    # episode = about 0.15%; lifting and sudden onset carry no fracture LR at this age.
    assert 0.001 <= p <= 0.003
    assert rank >= 3
    assert not any("lifting" in text or "suddenly" in text for text in evidence)


def test_same_history_with_fragility_risk_raises_the_fracture_probability() -> None:
    young, _, _ = _fracture(YOUNG_LIFTING)
    for risk in ({"age": 68}, {"osteoporosis": True}, {"long_term_steroids": True}):
        p, _, evidence = _fracture({**YOUNG_LIFTING, **risk})
        assert p > 5 * young, risk
        assert any("lifting" in text for text in evidence), risk


def test_unknown_age_does_not_count_as_a_fragility_risk() -> None:
    # Unknown is unknown: without an age the lifting finding neither fires nor is assumed.
    answers = {k: v for k, v in YOUNG_LIFTING.items() if k != "age"}
    _, _, evidence = _fracture(answers)
    assert not any("lifting" in text for text in evidence)
