"""A review that raises the advice to "see a doctor" pauses the stored exercises on the plan page
and in the handout (the stored plan version itself is not changed)."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.contrib.auth.models import User
from django.test import Client

from checkins.conftest import Person
from painpath.careplan.plan import Plan
from painpath.checkins import services
from painpath.staff.models import IntakeReview

pytestmark = pytest.mark.django_db

PAUSED = "Your exercises are paused until a doctor has checked you."


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _review(person: Person, level: str) -> None:
    IntakeReview.objects.create(
        intake=person.record,
        reviewer=User.objects.create_user(f"therapist-{level}"),
        triage_level=level,
        leading_condition="spinal_infection",
        agrees_with_engine=False,
    )


def test_without_an_escalation_the_exercises_are_listed(client: Client, patient: Person) -> None:
    plan = Plan.from_dict(services.current_plan(patient.record).plan)
    assert plan.exercises
    html = client.get(patient.plan_url).content.decode()
    assert PAUSED not in html
    assert all(f'id="exercise-{item.id}"' in html for item in plan.exercises)


@pytest.mark.parametrize("level", ["urgent", "emergency"])
def test_a_review_that_raises_the_advice_pauses_the_exercises(
    client: Client, patient: Person, level: str
) -> None:
    stored = Plan.from_dict(services.current_plan(patient.record).plan)
    _review(patient, level)

    html = client.get(patient.plan_url).content.decode()
    assert PAUSED in html
    assert 'id="exercises"' not in html
    for item in stored.exercises:
        assert f'id="exercise-{item.id}"' not in html
    assert f'href="{patient.checkin_url}"' not in html  # no exercise check-in either

    text = _pdf_text(client.get(patient.pdf_url).content)
    assert PAUSED in text
    for item in stored.exercises:
        assert item.name not in text

    # The stored version keeps its exercises for when a clinician lifts the advice.
    assert Plan.from_dict(services.current_plan(patient.record).plan).exercises == stored.exercises


def test_a_review_that_lowers_the_advice_pauses_nothing(client: Client, patient: Person) -> None:
    _review(patient, "self_care")
    html = client.get(patient.plan_url).content.decode()
    assert PAUSED not in html and 'id="exercises"' in html
