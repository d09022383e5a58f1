"""A review that raises the advice to "see a doctor" shows the seek-care plan on the plan page and
in the handout, as a check-in's warning sign does (the stored plan version is not changed); and
the dates of the handout and of check-ins are the clinic's days."""

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

PAUSED = "No exercises for now: your clinic&#x27;s review advises a doctor&#x27;s check first."
SEEK_CARE = "Get medical help first"
#: Self-care advice of the routine plan that must not stand under "see a doctor".
SELF_CARE_ADVICE = "Keep moving"


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

    assert any(a.title.startswith(SELF_CARE_ADVICE) for a in stored.advice)
    html = client.get(patient.plan_url).content.decode()
    assert PAUSED in html and SEEK_CARE in html
    assert SELF_CARE_ADVICE not in html
    assert 'id="exercises"' not in html
    for item in stored.exercises:
        assert f'id="exercise-{item.id}"' not in html
    assert f'href="{patient.checkin_url}"' not in html  # no exercise check-in either

    text = _pdf_text(client.get(patient.pdf_url).content)
    assert SEEK_CARE in text and SELF_CARE_ADVICE not in text
    for item in stored.exercises:
        assert item.name not in text

    # The stored version keeps its exercises for when a clinician lifts the advice.
    assert Plan.from_dict(services.current_plan(patient.record).plan).exercises == stored.exercises


def test_a_review_that_lowers_the_advice_pauses_nothing(client: Client, patient: Person) -> None:
    _review(patient, "self_care")
    html = client.get(patient.plan_url).content.decode()
    assert PAUSED not in html and 'id="exercises"' in html


def test_a_therapist_note_on_the_paused_plan_is_not_shown_under_see_a_doctor(
    client: Client, patient: Person
) -> None:
    from django.contrib.auth.models import Group

    from checkins.test_therapist_plan import therapist_edit
    from painpath.staff.access import THERAPISTS_GROUP

    therapist = User.objects.create_user("pt.kim", password="x-long-password-9")
    therapist.groups.add(Group.objects.get(name=THERAPISTS_GROUP))
    staff = Client()
    staff.force_login(therapist)
    therapist_edit(staff, patient, note="Walk 20 minutes after lunch.")
    assert "Walk 20 minutes after lunch." in client.get(patient.plan_url).content.decode()

    _review(patient, "urgent")
    html = client.get(patient.plan_url).content.decode()
    assert "Walk 20 minutes after lunch." not in html
    assert "What your physical therapist changed" not in html
    assert "Walk 20 minutes after lunch." not in _pdf_text(client.get(patient.pdf_url).content)


def test_the_handout_prints_the_clinic_s_date_not_the_server_s(
    client: Client, patient: Person
) -> None:
    import time_machine

    from painpath.clinic.models import Clinic

    Clinic.objects.create(name="Riverbend", time_zone="America/New_York")
    # 03:00 UTC on March 4 is still the evening of March 3 in New York.
    with time_machine.travel("2026-03-04 03:00Z", tick=False):
        text = _pdf_text(client.get(patient.pdf_url).content)
    assert "Printed 2026-03-03" in text


def test_check_in_days_are_the_clinic_s_days(patient: Person) -> None:
    """A check-in at 23:07 in New York (04:07 UTC the next day) is on the New York day, so the
    3 days to the next counted check-in are counted from it (fresh-user test finding)."""
    import datetime as dt

    from painpath.checkins.models import CheckIn

    row = CheckIn(
        record=patient.record,
        submission_key="k" * 20,
        created_at=dt.datetime(2026, 11, 30, 4, 7, tzinfo=dt.UTC),
    )
    assert row.to_core("America/New_York").day == dt.date(2026, 11, 29)
    assert row.to_core().day == dt.date(2026, 11, 30)  # UTC when no zone is given
