"""Helpers for the patient web app tests: drive the intake wizard as a browser would (no JS).

``Wizard(client)`` starts an intake and posts each step's form built from an answers dict
(``form_data``), so tests state answers in the spec's vocabulary and the helper encodes them
the way the HTML form does (yes/no radios, check boxes, "None of these").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from django.test import Client

from conftest import NO_WARNING_SIGNS
from painpath.engine.questionnaire import Item, Step, load_questionnaire
from painpath.patients.forms import NO, NONE_CODE, YES, adds_none_option

#: A typical disc-related sciatica picture with every warning sign answered "no": routine.
ROUTINE_ANSWERS: dict[str, Any] = {
    "age": 41,
    "sex": "male",
    "pain_locations": ["low_back_left", "buttock_left", "back_thigh_left", "lower_leg_left"],
    "worst_area": "leg",
    **NO_WARNING_SIGNS,
    "onset_trigger": ["lifting"],
    "unable_to_bear_weight": False,
    "osteoporosis": False,
    "long_term_steroids": False,
    "abdominal_pain_or_pulsing": False,
    "duration_days": 10,
    "onset": "sudden",
    "course": "same",
    "previous_episodes": False,
    "pain_now": 6,
    "pain_worst_week": 8,
    "pain_quality": ["shooting_electric"],
    "pain_constant": False,
    "night_pain": "wakes_me_when_moving",
    "morning_stiffness_minutes": 10,
    "numbness_any": True,
    "numbness_tingling_locations": ["lower_leg_left", "foot_left"],
    "worse_with": ["sitting", "bending_forward", "coughing_sneezing_straining"],
    "better_with": ["lying_down", "changing_position"],
    "walking_limited_by_leg_symptoms": False,
    "limp": False,
    "daily_posture": "mostly_sitting",
    "slouching": True,
    "repetitive_activities": ["none"],
    "recent_activity_increase": False,
    "related_conditions": ["none"],
}


def encode(item: Item, value: Any) -> list[str]:
    """The HTML form strings for one typed answer."""
    if item.type == "boolean":
        return [YES if value else NO]
    if item.type == "multi":
        if value == [] and adds_none_option(item):
            return [NONE_CODE]
        return list(value)
    return [str(value)]


def form_data(step: Step, answers: Mapping[str, Any], action: str = "next") -> dict[str, Any]:
    """POST data for ``step`` carrying the answers to its items found in ``answers``."""
    data: dict[str, Any] = {"action": action}
    for item in step.items:
        if item.link_id in answers:
            data[item.link_id] = encode(item, answers[item.link_id])
    return data


def step_number(link_id: str) -> int:
    """The 1-based number of the step that asks ``link_id``."""
    q = load_questionnaire()
    return q.steps.index(q.step_of(link_id)) + 1


class Wizard:
    """Drives the intake through the test client, one step per call."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def start(self) -> str:
        response = self.client.post("/start/", {"action": "new"})
        assert response.status_code == 302
        return str(response["Location"])

    def unlock(self, link_id: str) -> int:
        """Let the draft open the step asking ``link_id`` directly (as if the earlier steps
        had been passed unanswered); returns that step's number."""
        from painpath.patients.models import IntakeDraft

        number = step_number(link_id)
        draft = IntakeDraft.objects.get()
        draft.furthest_step = max(draft.furthest_step, number - 1)
        draft.save()
        return number

    def post_step(self, number: int, answers: Mapping[str, Any], action: str = "next") -> Any:
        step = load_questionnaire().steps[number - 1]
        return self.client.post(f"/start/step/{number}/", form_data(step, answers, action))

    def answer_all(self, answers: Mapping[str, Any]) -> Any:
        """Post every step in order (following redirects' step numbers); return the last
        response (a redirect to review, to the check page or to a result)."""
        location = f"/start/step/{1}/"
        response: Any = None
        for _ in range(len(load_questionnaire().steps) + 2):
            match = re.fullmatch(r"/start/step/(\d+)/", location)
            if not match:
                return response
            response = self.post_step(int(match.group(1)), answers)
            assert response.status_code == 302, response.content.decode()[:2000]
            location = str(response["Location"])
        return response

    def submit(self, email: str = "") -> Any:
        page = self.client.get("/start/review/")
        assert page.status_code == 200
        key = page.context["submission_key"]
        return self.client.post("/start/review/", {"submission_key": key, "email": email})


@pytest.fixture
def wizard(client: Client, db: None) -> Wizard:
    return Wizard(client)
