"""Therapists change a patient's care plan from the staff intake page: access, each form
error, the core's rules, new versions with author and note, audit, concurrent saves."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from careplan.helpers import OUTER_HIP_BACK_ANSWERS
from painpath.audit.models import AuditEvent
from painpath.careplan.edit import NOTE_MAX_LENGTH, PlanEdit
from painpath.careplan.library import load_library
from painpath.careplan.plan import Plan
from painpath.checkins.models import PlanVersion
from painpath.checkins.services import (
    PlanChangedMeanwhile,
    current_plan,
    store_therapist_version,
)
from painpath.engine.knowledge import load_knowledge
from painpath.patients.models import IntakeRecord
from painpath.staff.models import IntakeReview

from .conftest import MakeIntake, client_for

pytestmark = pytest.mark.django_db

LIB = load_library()
ANSWERS = OUTER_HIP_BACK_ANSWERS
CONDITIONS = [
    ("overuse", "Overuse", 0.7),
    ("hip_bursitis", "Greater trochanteric pain syndrome", 0.2),
]


@pytest.fixture
def record(make_intake: MakeIntake) -> IntakeRecord:
    return make_intake("routine", answers=dict(ANSWERS), conditions=list(CONDITIONS))


def _url(record: IntakeRecord) -> str:
    return f"/staff/intakes/{record.reference}/plan/"


def _plan(record: IntakeRecord) -> Plan:
    return Plan.from_dict(current_plan(record).plan)


def edit_data(record: IntakeRecord, **changes: Any) -> dict[str, Any]:
    """What the page's edit form posts unchanged (current doses), with ``changes`` on top."""
    version = current_plan(record)
    plan = Plan.from_dict(version.plan)
    data: dict[str, Any] = {"kind": "edit", "base_version": version.number, "add": "", "note": ""}
    for item in plan.exercises:
        for part in ("sets", "reps", "hold_seconds", "minutes", "per_day", "per_week"):
            value = getattr(item, part)
            if value is not None:
                data[f"{item.id}__{part}"] = value
    data.update(changes)
    return data


def _errors_shown(response: Any) -> str:
    return response.content.decode()


def test_the_intake_page_shows_the_current_plan_and_who_made_it(
    therapist_user: User, record: IntakeRecord
) -> None:
    response = client_for(therapist_user).get(f"/staff/intakes/{record.reference}/")
    html = response.content.decode()
    plan = _plan(record)
    assert response.status_code == 200
    assert 'id="care-plan"' in html
    assert "Version 1, made by PainPath, from the intake" in html
    for item in plan.exercises:
        assert escape(item.name) in html and escape(item.dose) in html
        assert escape(item.why) in html
    assert escape(plan.advice[0].title) in html
    assert 'id="plan-edit-form"' in html
    # Without a review there is nothing to rebuild for yet.
    assert "Record a review with the leading condition first" in html
    event = AuditEvent.objects.get(action="plan.view")
    assert (event.user, event.object_id, event.detail) == (
        therapist_user,
        str(record.pk),
        {"version": 1},
    )


def test_a_therapist_edit_is_stored_as_a_new_version_with_author_and_note(
    therapist_user: User, record: IntakeRecord
) -> None:
    client = client_for(therapist_user)
    client.get(f"/staff/intakes/{record.reference}/")
    before = _plan(record)
    first, second = before.exercises[0], before.exercises[1]
    data = edit_data(
        record,
        **{
            f"remove_{second.id}": "on",
            f"{first.id}__sets": 2,
            "add": "cat_camel",
            "note": "Do the bird dog slowly.\r\nCall us if it hurts more.",
        },
    )
    response = client.post(_url(record), data, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302
    assert response["Location"] == f"/staff/intakes/{record.reference}/#care-plan"
    versions = list(PlanVersion.objects.filter(record=record).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].plan == before.to_dict()  # history is never overwritten
    new = versions[1]
    assert (new.action, new.author, new.checkin) == ("therapist_edit", therapist_user, None)
    assert new.note == "Do the bird dog slowly.\nCall us if it hurts more."
    plan = Plan.from_dict(new.plan)
    ids = [e.id for e in plan.exercises]
    assert second.id not in ids and ids[-1] == "cat_camel"
    assert plan.exercises[0].sets == 2
    assert plan.therapist_note == new.note
    assert plan.history[-1].action == "therapist_edit"
    event = AuditEvent.objects.get(action="plan.edit")
    assert (event.user, event.object_id, event.ip_address) == (
        therapist_user,
        str(record.pk),
        "192.0.2.7",
    )
    assert event.detail == {"kind": "edit", "version": 2}

    page = client.get(f"/staff/intakes/{record.reference}/").content.decode()
    assert "Version 2, made by Alex Jones (physical therapist)" in page
    assert "Version 2: Alex Jones (physical therapist)" in page
    assert "(with a note to the patient)" in page
    assert "Version 1: PainPath, from the intake" in page
    assert "Do the bird dog slowly.<br>Call us if it hurts more." in page


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"bird_dog__sets": 99}, "Bird dog: sets must be a whole number from 1 to 3"),
        ({"bird_dog__reps": 0}, "Bird dog: repetitions per set must be a whole number from 1"),
        ({"bird_dog__hold_seconds": 500}, "Bird dog: hold (seconds) must be a whole number"),
        ({"bird_dog__per_day": 9}, "Bird dog: times a day must be a whole number from 1 to 6"),
        ({"bird_dog__sets": "two"}, "Enter a whole number."),
        ({"note": "x" * (NOTE_MAX_LENGTH + 1)}, f"the limit is {NOTE_MAX_LENGTH}"),
        ({"note": "bell\x07"}, "plain text only"),
        ({"add": "no_such_exercise"}, "Select a valid choice."),
        ({}, "Nothing to save: change an exercise or write a note."),
    ],
)
def test_each_form_error_is_shown_and_nothing_is_stored(
    therapist_user: User, record: IntakeRecord, changes: dict[str, Any], field_message: str
) -> None:
    client = client_for(therapist_user)
    response = client.post(_url(record), edit_data(record, **changes))
    assert response.status_code == 400
    html = _errors_shown(response)
    assert escape(field_message) in html
    assert PlanVersion.objects.filter(record=record).count() == 1
    assert not AuditEvent.objects.filter(action="plan.edit").exists()


def test_a_dose_error_sits_on_its_field(therapist_user: User, record: IntakeRecord) -> None:
    response = client_for(therapist_user).post(_url(record), edit_data(record, bird_dog__sets=9))
    form = response.context["plan_form"]
    assert list(form.errors) == ["bird_dog__sets"]
    html = response.content.decode()
    assert 'id="plan-bird_dog__sets_error"' in html
    # The page with the error opens at the form, not at the top of a long intake page (a phone
    # would show the intake's header and no error).
    assert f'action="{_url(record)}#plan-edit-form"' in html


def test_the_plan_keeps_at_least_one_and_at_most_the_maximum(
    therapist_user: User, record: IntakeRecord
) -> None:
    client = client_for(therapist_user)
    plan = _plan(record)
    remove_all = {f"remove_{e.id}": "on" for e in plan.exercises}
    response = client.post(_url(record), edit_data(record, **remove_all))
    assert response.status_code == 400
    assert "Keep at least 1 exercise in the plan" in response.content.decode()

    # Fill the plan up to the maximum one save at a time, then one more is refused.
    suitable = [
        i
        for i in LIB.exercises
        if not LIB.unsuitable_reasons(LIB.exercises[i], plan.context())
        and all(LIB.chain(i) != LIB.chain(e.id) for e in plan.exercises)
    ]
    one_per_chain = list({LIB.chain(i): i for i in suitable}.values())
    for ex_id in one_per_chain[: LIB.plan.max_exercises - len(plan.exercises)]:
        assert client.post(_url(record), edit_data(record, add=ex_id)).status_code == 302
    assert len(_plan(record).exercises) == LIB.plan.max_exercises
    response = client.post(_url(record), edit_data(record, add=one_per_chain[-1]))
    assert response.status_code == 400
    assert f"A plan has at most {LIB.plan.max_exercises} exercises" in response.content.decode()


def test_an_unsuitable_exercise_is_refused_with_the_reason(
    therapist_user: User, record: IntakeRecord
) -> None:
    page = client_for(therapist_user).get(f"/staff/intakes/{record.reference}/")
    html = page.content.decode()
    name = LIB.exercises["piriformis_stretch"].name
    assert f'<option value="piriformis_stretch">{escape(name)} (not suitable for this person)' in (
        html
    )
    assert '<option value="bird_dog">Bird dog (in the plan)</option>' in html
    response = client_for(therapist_user).post(
        _url(record), edit_data(record, add="piriformis_stretch")
    )
    assert response.status_code == 400
    reason = LIB.rules["lateral_hip_pain"].reason
    assert escape(f"{name} is not suitable for this person: {reason}.") in (
        response.content.decode()
    )
    assert list(response.context["plan_form"].errors) == ["add"]
    assert PlanVersion.objects.filter(record=record).count() == 1


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_emergency_or_urgent_refuses_adding_exercises(
    therapist_user: User, make_intake: MakeIntake, level: str
) -> None:
    record = make_intake(level, answers=dict(ANSWERS), conditions=list(CONDITIONS))
    client = client_for(therapist_user)
    assert _plan(record).exercises == ()
    response = client.post(_url(record), edit_data(record, add="cat_camel"))
    assert response.status_code == 400
    assert (
        f"Cat-camel cannot be added: the current triage is {level}, so the plan has no "
        "exercises until a doctor has seen the person."
    ) in response.content.decode()
    assert PlanVersion.objects.filter(record=record).count() == 1


def test_a_review_that_raises_the_level_stops_the_exercises(
    therapist_user: User, record: IntakeRecord
) -> None:
    client = client_for(therapist_user)
    assert _plan(record).exercises
    review = {"triage_level": "urgent", "leading_condition": "overuse", "note": ""}
    assert client.post(f"/staff/intakes/{record.reference}/", review).status_code == 302
    refused = client.post(_url(record), edit_data(record, add="cat_camel"))
    assert "the current triage is urgent" in refused.content.decode()
    saved = client.post(_url(record), edit_data(record, note="Please see your doctor today."))
    assert saved.status_code == 302
    plan = _plan(record)
    assert plan.exercises == () and plan.triage_level == "urgent"
    assert plan.history[-1].changes and all(
        c.endswith("stopped for now") for c in plan.history[-1].changes
    )


def test_rebuild_for_the_reviewed_condition(therapist_user: User, record: IntakeRecord) -> None:
    client = client_for(therapist_user)
    no_review = client.post(_url(record), {"kind": "rebuild", "base_version": 1, "note": ""})
    assert no_review.status_code == 400
    assert "There is no review yet: record a review" in no_review.content.decode()

    IntakeReview.objects.create(
        intake=record,
        reviewer=therapist_user,
        triage_level="routine",
        leading_condition="hip_bursitis",
        agrees_with_engine=False,
    )
    name = load_knowledge().conditions["hip_bursitis"].name
    page = client.get(f"/staff/intakes/{record.reference}/").content.decode()
    assert escape(f"Rebuild for {name}") in page
    response = client.post(
        _url(record), {"kind": "rebuild", "base_version": 1, "note": "A plan for your hip."}
    )
    assert response.status_code == 302
    version = current_plan(record)
    plan = Plan.from_dict(version.plan)
    assert (version.number, version.action, version.author) == (2, "therapist_edit", therapist_user)
    assert plan.leading == (("hip_bursitis", name, 0.2),)
    assert "hip_abductor" in {e.category for e in plan.exercises}
    assert plan.therapist_note == "A plan for your hip." == version.note
    assert plan.history[-1].reason == f"Your physical therapist rebuilt your plan for {name}."
    assert AuditEvent.objects.get(action="plan.edit").detail == {"kind": "rebuild", "version": 2}


def test_a_rebuild_note_too_long_is_a_form_error(
    therapist_user: User, record: IntakeRecord
) -> None:
    data = {"kind": "rebuild", "base_version": 1, "note": "x" * (NOTE_MAX_LENGTH + 5)}
    response = client_for(therapist_user).post(_url(record), data)
    assert response.status_code == 400
    assert list(response.context["rebuild_form"].errors) == ["note"]


def test_the_second_of_two_concurrent_saves_gets_the_current_plan(
    therapist_user: User, record: IntakeRecord
) -> None:
    colleague = User.objects.create_user("pt.kim", password="x-long-password-9")
    colleague.groups.add(*therapist_user.groups.all())
    first, second = client_for(therapist_user), client_for(colleague)
    # Both opened the page at version 1.
    stale = edit_data(record, note="My note, typed while you saved.", bird_dog__sets=2)
    assert first.post(_url(record), edit_data(record, note="First.")).status_code == 302

    response = second.post(_url(record), stale)

    assert response.status_code == 409
    html = response.content.decode()
    assert "The plan was changed meanwhile; here is the current one." in html
    assert "Version 2, made by Alex Jones (physical therapist)" in html
    assert "My note, typed while you saved." in html  # kept in the form, nothing lost
    assert response.context["plan_form"]["base_version"].value() == 2
    assert PlanVersion.objects.filter(record=record).count() == 2
    conflict = AuditEvent.objects.get(action="plan.conflict")
    assert (conflict.user, conflict.detail) == (colleague, {"base": 1, "current": 2})


def test_the_unique_version_number_is_the_backstop(
    therapist_user: User, record: IntakeRecord
) -> None:
    version = current_plan(record)

    def make_while_another_saves(plan: Plan) -> Any:
        # Another writer stores version 2 between our read and our write.
        PlanVersion.objects.create(record=record, number=2, plan=version.plan, action="hold")
        from painpath.careplan.edit import apply_edit

        return apply_edit(
            plan, PlanEdit(note="Hi."), triage_level="routine", at="2026-03-02T12:00:00+00:00"
        )

    with pytest.raises(PlanChangedMeanwhile) as caught:
        store_therapist_version(record, therapist_user, 1, make_while_another_saves)
    assert caught.value.current.number == 1  # the other write rolled back with ours
    assert PlanVersion.objects.filter(record=record).count() == 1


def test_front_desk_and_anonymous_are_refused(front_desk_user: User, record: IntakeRecord) -> None:
    data = edit_data(record, note="Hello.")
    refused = client_for(front_desk_user).post(_url(record), data)
    assert refused.status_code == 403
    event = AuditEvent.objects.get(action="staff.refused")
    assert event.user == front_desk_user
    assert event.detail == {"permission": "staff.change_patient_care_plans"}
    anonymous = Client().post(_url(record), data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/staff/login/")
    assert PlanVersion.objects.filter(record=record).count() == 1


def test_a_reader_without_the_plan_permission_sees_the_plan_but_cannot_change_it(
    record: IntakeRecord,
) -> None:
    reader = User.objects.create_user("reader", password="x-long-password-9")
    reader.user_permissions.add(Permission.objects.get(codename="view_patient_intakes"))
    client = client_for(reader)
    page = client.get(f"/staff/intakes/{record.reference}/").content.decode()
    assert "Version 1, made by PainPath" in page and 'id="plan-edit-form"' not in page
    assert client.post(_url(record), edit_data(record, note="Hi.")).status_code == 403
    assert PlanVersion.objects.filter(record=record).count() == 1


def test_a_patient_link_does_not_open_staff_pages(record: IntakeRecord) -> None:
    # Patients have no accounts: their browser (with a private-link session) is anonymous here.
    client = Client()
    for url in (f"/staff/intakes/{record.reference}/", _url(record)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/")


def test_therapists_hold_the_plan_permission() -> None:
    from painpath.staff.access import ROLE_PERMISSIONS, THERAPISTS_GROUP

    assert "change_patient_care_plans" in ROLE_PERMISSIONS[THERAPISTS_GROUP]
    assert "change_patient_care_plans" not in ROLE_PERMISSIONS["Front desk"]
