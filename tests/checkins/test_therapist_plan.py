"""A therapist's plan version on the patient side: plan page, handout, later progression."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from checkins.conftest import Person, checkin_data
from painpath.careplan.library import load_library
from painpath.careplan.plan import Plan
from painpath.checkins import services
from painpath.checkins.models import PlanVersion
from painpath.staff.access import THERAPISTS_GROUP

pytestmark = pytest.mark.django_db

NOTE = "Keep walking every day.\nSee you on Friday."


@pytest.fixture
def therapist_client(db: None) -> Client:
    user = User.objects.create_user("pt.lee", password="x-long-password-9", first_name="Dana")
    user.groups.add(Group.objects.get(name=THERAPISTS_GROUP))
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def therapist_edit(client: Client, person: Person, **changes: Any) -> Plan:
    """Post the staff edit form for ``person``'s current plan with ``changes``; the new plan."""
    version = services.current_plan(person.record)
    data: dict[str, Any] = {"kind": "edit", "base_version": version.number, "add": "", "note": ""}
    for item in Plan.from_dict(version.plan).exercises:
        for part in ("sets", "reps", "hold_seconds", "minutes", "per_day", "per_week"):
            if getattr(item, part) is not None:
                data[f"{item.id}__{part}"] = getattr(item, part)
    data.update(changes)
    response = client.post(f"/staff/intakes/{person.record.reference}/plan/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Plan.from_dict(services.current_plan(person.record).plan)


def test_the_plan_page_and_handout_show_the_therapist_update(
    client: Client, patient: Person, therapist_client: Client
) -> None:
    before = Plan.from_dict(services.current_plan(patient.record).plan)
    removed = before.exercises[-1]
    with time_machine.travel("2026-03-03 15:00Z", tick=False):
        after = therapist_edit(
            therapist_client, patient, note=NOTE, **{f"remove_{removed.id}": "on"}
        )
    assert removed.id not in [e.id for e in after.exercises]

    html = client.get(patient.plan_url).content.decode()
    assert "Your physical therapist updated your plan on Tuesday, March 3" in html
    assert "Keep walking every day.<br>See you on Friday." in html
    assert "What your physical therapist changed" in html
    assert f"{removed.name}: removed" in html
    assert f'id="exercise-{removed.id}"' not in html
    for item in after.exercises:
        assert f'id="exercise-{item.id}"' in html

    text = _pdf_text(client.get(patient.pdf_url).content)
    assert "Your physical therapist updated your plan on Tuesday, March 3" in text
    assert "Keep walking every day. See you on Friday." in text
    assert removed.name not in text


def test_the_plan_page_without_a_therapist_update_says_nothing_of_it(
    client: Client, patient: Person
) -> None:
    html = client.get(patient.plan_url).content.decode()
    assert "Your physical therapist updated your plan" not in html
    text = _pdf_text(client.get(patient.pdf_url).content)
    assert "physical therapist updated" not in text


def test_check_ins_progress_from_the_therapist_version(
    client: Client, patient: Person, therapist_client: Client
) -> None:
    plan = Plan.from_dict(services.current_plan(patient.record).plan)
    lib = load_library()
    dosed = next(
        e
        for e in plan.exercises
        if e.reps is not None and e.reps > 2 and e.sets < lib.exercises[e.id].dose.max_sets
    )
    removed = next(e for e in reversed(plan.exercises) if e.id != dosed.id)
    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        client.post(patient.checkin_url, checkin_data())  # good, but before the edit
    with time_machine.travel("2026-03-03 15:00Z", tick=False):
        edited = therapist_edit(
            therapist_client,
            patient,
            note="Fewer repetitions for now.",
            **{f"remove_{removed.id}": "on", f"{dosed.id}__reps": dosed.reps - 2},
        )
    with time_machine.travel("2026-03-05 09:00Z", tick=False):
        client.post(patient.checkin_url, checkin_data(sessions_done=3))
    held = services.current_plan(patient.record)
    # The good check-in before the therapist's version does not count toward a step up.
    assert held.action == "hold"
    assert Plan.from_dict(held.plan).exercises == edited.exercises
    with time_machine.travel("2026-03-08 09:00Z", tick=False):
        client.post(patient.checkin_url, checkin_data(sessions_done=3))
    stepped = services.current_plan(patient.record)
    assert stepped.action == "step_up"
    plan_after = Plan.from_dict(stepped.plan)
    ids = [e.id for e in plan_after.exercises]
    assert removed.id not in ids
    assert len(ids) == len(edited.exercises)
    # The same exercise with a set more: the therapist's repetitions are kept.
    (same,) = [e for e in plan_after.exercises if e.id == dosed.id]
    assert (same.sets, same.reps) == (dosed.sets + 1, dosed.reps - 2)
    assert plan_after.therapist_note == "Fewer repetitions for now."
    numbers = list(
        PlanVersion.objects.filter(record=patient.record)
        .order_by("number")
        .values_list("number", "action")
    )
    assert numbers == [
        (1, "start"),
        (2, "hold"),
        (3, "therapist_edit"),
        (4, "hold"),
        (5, "step_up"),
    ]
    html = client.get(patient.plan_url).content.decode()
    assert "Exercises set by your physical therapist. Since then, your check-ins have made" in (
        html
    )
