"""Fixtures for care-plan web tests: intakes stored through the patient app's own service.

Personas: ``patient`` (their own private link) and ``other_patient`` (someone else's link).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from painpath.patients import services as patient_services
from painpath.patients.models import IntakeRecord
from painpath.patients.tokens import new_secret

#: Non-specific back pain after lifting, warning signs answered "no": a routine plan.
ANSWERS: dict[str, Any] = {
    "age": 38,
    "sex": "female",
    "pain_locations": ["low_back_center", "low_back_left"],
    "worst_area": "back",
    "onset": "sudden",
    "onset_trigger": ["lifting"],
    "duration_days": 40,
    "pain_now": 4,
    "pain_worst_week": 6,
    "pain_constant": False,
    "night_pain": "none",
    "worse_with": ["lifting", "bending_forward"],
    "better_with": ["movement_or_exercise"],
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_incontinence": False,
    "fever_or_chills": False,
    "history_cancer": False,
    "unable_to_bear_weight": False,
}


@dataclass
class Person:
    record: IntakeRecord
    token: str

    @property
    def plan_url(self) -> str:
        return f"/r/{self.token}/plan"

    @property
    def checkin_url(self) -> str:
        return f"/r/{self.token}/checkin"

    @property
    def pdf_url(self) -> str:
        return f"/r/{self.token}/plan.pdf"


def make_person(answers: dict[str, Any] | None = None) -> Person:
    submitted = patient_services.submit_answers(dict(answers or ANSWERS), new_secret())
    return Person(submitted.record, submitted.token)


@pytest.fixture(autouse=True)
def _generous_checkin_rate(settings) -> None:
    # Many check-ins come from one test client address; the limit has its own test.
    settings.PAINPATH_CHECKIN_RATE = "10000/h"


@pytest.fixture
def patient(db) -> Person:
    return make_person()


@pytest.fixture
def other_patient(db) -> Person:
    return make_person({**ANSWERS, "age": 60})


def checkin_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission_key": new_secret(),
        "pain_now": 3,
        "pain_during": 3,
        "pain_next_morning": 3,
        "sessions_done": 1,
        "psfs_activity_1": "putting on socks",
        "psfs_score_1": 5,
        "global_change": "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
