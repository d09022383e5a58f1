"""The held-out published cases (``tests/engine/heldout_cases``) run like the shared ones.

These cases were re-expressed from published case reports and teaching cases that are NOT
among the shared cases, to check that the knowledge generalises. They are not used to fit
numbers: a miss points to missing clinical knowledge, which is fixed from a cited source.
Under-triage of any case fails the suite; top-1/top-3 totals must stay above floors measured
on this set (``pytest -s`` prints the per-case ranks).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SPEC_DIR
from painpath.engine.assessment import TRIAGE_LEVELS, urgency_rank
from painpath.engine.engine import assess
from painpath.engine.intake import validate_answers
from painpath.engine.knowledge import load_knowledge

HELDOUT_DIR = Path(__file__).parent / "heldout_cases"
CASE_FILES = sorted(HELDOUT_DIR.glob("*.json"))

#: Knowledge 2026.11.30-10 and -11 (049 and 050 now say the weakness is in both legs): top-1 34/50,
#: top-3 45/50 (90%), triage 50/50 with 049 and 050 back to emergency only.
#: Measured on the 50 held-out cases (knowledge 2026.11.30-7): top-1 34/50 (68%), top-3 44/50
#: (88%); on the first 42: 29/42 and 37/42 (2026.11.30-6: 28/42 and 37/42); on cases 043-050,
#: written before the -7 changes: 5/8 and 7/8 (2026.11.30-6: 4/8 and 6/8, one under-triage, 045).
#: Earlier: on the first 37, 2026.11.30-6 scored 25/37 and 34/37, 2026.11.30-5 24/37 and 34/37,
#: 2026.11.30-4 23/37 and 32/37. Floors sit a few cases below the measurement.
TOP1_FLOOR = 0.60
TOP3_FLOOR = 0.85


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_heldout_cases_are_present_and_well_formed() -> None:
    assert len(CASE_FILES) >= 42
    condition_ids = set(load_knowledge().conditions)
    for path in CASE_FILES:
        case = _load(path)
        assert set(case) == {"id", "source", "summary", "answers", "expected", "note"}
        assert case["id"] == path.stem
        # The intake's vocabulary: the spec's items plus PainPath's own (leg_weakness_side).
        validate_answers(case["answers"])
        assert set(case["expected"]["conditions"]) <= condition_ids
        assert set(case["expected"]["triage"]) <= set(TRIAGE_LEVELS)
    assert SPEC_DIR.is_dir()


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_heldout_case_is_never_under_triaged(path: Path) -> None:
    case = _load(path)
    result = assess(case["answers"])
    expected = case["expected"]["triage"]
    least_urgent_allowed = max(urgency_rank(level) for level in expected)
    assert urgency_rank(result.triage.level) <= least_urgent_allowed, (
        f"{case['id']} under-triaged: {result.triage.level}, expected one of {expected}"
    )


def test_heldout_ranking_stays_above_the_measured_floor() -> None:
    top1 = top3 = 0
    rows = []
    for path in CASE_FILES:
        case = _load(path)
        ids = [c.id for c in assess(case["answers"]).conditions]
        want = set(case["expected"]["conditions"])
        hit1 = ids[0] in want
        hit3 = bool(want & set(ids[:3]))
        top1 += hit1
        top3 += hit3
        rows.append(f"{case['id']}: {'1' if hit1 else '3' if hit3 else '-'} {ids[:3]}")
    n = len(CASE_FILES)
    print("\n".join(rows))
    print(f"held-out top-1 {top1}/{n} ({top1 / n:.0%}), top-3 {top3}/{n} ({top3 / n:.0%})")
    assert top1 / n >= TOP1_FLOOR
    assert top3 / n >= TOP3_FLOOR
