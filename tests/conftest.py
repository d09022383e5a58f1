"""Shared test configuration.

``PAINPATH_DATA_DIR`` is pointed at a temporary folder before Django settings load, so tests
never read or write a user's own data.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("PAINPATH_DATA_DIR", tempfile.mkdtemp(prefix="painpath-test-"))

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
CASES_DIR = SHARED_DIR / "cases"
SPEC_DIR = SHARED_DIR / "spec"

#: Every warning-sign question of the intake's warning-sign steps answered "no" (test answers
#: add the picture they are about to it).
NO_WARNING_SIGNS: dict[str, Any] = {
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_incontinence": False,
    "sexual_dysfunction_new": False,
    "leg_weakness": "none",
    "fever_or_chills": False,
    "feeling_unwell": False,
    "recent_infection_or_procedure": False,
    "iv_drug_use": False,
    "immunosuppressed": False,
    "history_cancer": False,
    "unexplained_weight_loss": False,
}

#: A recent, improving, simple back strain with every warning-sign question answered "no".
CLEAR_RECENT_STRAIN: dict[str, Any] = {
    "age": 35,
    "sex": "male",
    "duration_days": 3,
    "onset": "sudden",
    "onset_trigger": ["lifting"],
    "course": "improving",
    "pain_locations": ["low_back_center"],
    "numbness_tingling_locations": [],
    "leg_weakness": "none",
    "foot_drop": False,
    "history_cancer": False,
    "unexplained_weight_loss": False,
    "fever_or_chills": False,
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_incontinence": False,
    "sexual_dysfunction_new": False,
    "unable_to_bear_weight": False,
    "abdominal_pain_or_pulsing": False,
    "night_pain": "wakes_me_when_moving",
}
