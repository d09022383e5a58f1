"""The audit log: who looked at what, when and from where; append-only; read-only in admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client, RequestFactory

from painpath.audit.models import AuditEvent, AuditLogIsAppendOnlyError
from painpath.audit.services import client_ip, log_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist() -> User:
    return User.objects.create_user("thera", password="pw-long-enough-1", is_staff=True)


def test_log_access_records_who_what_which_object_when_and_ip(therapist: User) -> None:
    request = RequestFactory().get("/staff/", REMOTE_ADDR="203.0.113.7")
    before = dt.datetime.now(dt.UTC)

    event = log_access(therapist, "intake.view", therapist, request)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.user == therapist
    assert stored.username == "thera"
    assert stored.action == "intake.view"
    assert stored.object_type == "auth.user"
    assert stored.object_id == str(therapist.pk)
    assert stored.ip_address == "203.0.113.7"
    assert before <= stored.created_at <= dt.datetime.now(dt.UTC)


def test_log_access_takes_an_explicit_type_and_id_pair_and_detail(therapist: User) -> None:
    event = log_access(therapist, "intake.list", ("patients.intakerecord", 42), detail={"n": 3})
    assert (event.object_type, event.object_id) == ("patients.intakerecord", "42")
    assert event.detail == {"n": 3}
    assert event.ip_address is None


def test_a_list_access_without_object_has_empty_object_fields(therapist: User) -> None:
    event = log_access(therapist, "appointments.day", None)
    assert (event.object_type, event.object_id) == ("", "")


def test_anonymous_access_is_recorded_without_a_user() -> None:
    event = log_access(AnonymousUser(), "staff.refused", None)
    assert event.user is None
    assert event.username == ""


@pytest.mark.parametrize("action", ["", "x" * 65])
def test_an_empty_or_too_long_action_is_refused_naming_the_field(
    therapist: User, action: str
) -> None:
    with pytest.raises(ValueError, match="action"):
        log_access(therapist, action, None)
    assert AuditEvent.objects.count() == 0


def test_an_object_of_the_wrong_kind_is_refused(therapist: User) -> None:
    with pytest.raises(TypeError, match="obj must be"):
        log_access(therapist, "intake.view", "intake-7")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("remote", "expected"),
    [("198.51.100.2", "198.51.100.2"), ("2001:db8::1", "2001:db8::1"), ("", None), ("x", None)],
)
def test_client_ip_reads_remote_addr_only(remote: str, expected: str | None) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert client_ip(request) == expected


def test_events_cannot_be_changed_or_deleted(therapist: User) -> None:
    event = log_access(therapist, "intake.view", None)
    event.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnlyError):
        event.save()
    with pytest.raises(AuditLogIsAppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "intake.view"


def test_deleting_a_staff_account_keeps_its_events_and_name(therapist: User) -> None:
    event = log_access(therapist, "intake.view", None)
    therapist.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.user is None
    assert stored.username == "thera"


def test_admin_lists_events_but_offers_no_add_change_or_delete(therapist: User) -> None:
    admin_user = User.objects.create_superuser("boss", password="pw-long-enough-2")
    event = log_access(therapist, "intake.view", None)
    client = Client()
    client.force_login(admin_user)

    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert b"intake.view" in listing.content
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    detail = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_pages_of_patient_data_write_audit_events(therapist: User) -> None:
    from painpath.patients.models import IntakeRecord
    from painpath.staff.models import IntakeReview

    record = IntakeRecord.objects.create(
        token_hash="a" * 64,
        submission_key="k" * 43,
        answers={"age": 50},
        assessment={"triage": {"level": "routine"}, "conditions": []},
        triage_level="routine",
        engine_version="t",
        knowledge_version="t",
    )
    review = IntakeReview.objects.create(
        intake=record,
        reviewer=therapist,
        triage_level="urgent",
        leading_condition="sciatica",
        agrees_with_engine=False,
    )
    boss = User.objects.create_superuser("boss", password="pw-long-enough-2")
    client = Client()
    client.force_login(boss)

    assert client.get("/admin/staff/intakereview/").status_code == 200
    assert client.get(f"/admin/staff/intakereview/{review.pk}/change/").status_code == 200

    events = list(AuditEvent.objects.filter(user=boss).order_by("id"))
    assert [e.action for e in events] == ["admin.list.intakereview", "admin.view.intakereview"]
    assert (events[1].object_type, events[1].object_id) == ("staff.intakereview", str(review.pk))
    # Read-only: no save button, and no way to add one by hand.
    assert client.get("/admin/staff/intakereview/add/").status_code == 403


def test_clinic_admin_uses_the_shared_audited_admin_and_audits_patient_pages() -> None:
    from django.contrib import admin

    from painpath.audit.admin import AuditedModelAdmin
    from painpath.clinic.models import Appointment, Clinic, Patient

    # One implementation: the clinic's patient-data pages are the audit app's class.
    assert isinstance(admin.site._registry[Patient], AuditedModelAdmin)
    assert isinstance(admin.site._registry[Appointment], AuditedModelAdmin)
    clinic = Clinic.objects.create(
        name="Riverside PT", address="1 Main St", phone="+1 555 0100", time_zone="UTC"
    )
    patient = Patient.objects.create(
        clinic=clinic, name="Pat Doe", email="pat@example.com", phone="+1 555 0101"
    )
    boss = User.objects.create_superuser("boss", password="pw-long-enough-2")
    client = Client()
    client.force_login(boss)

    assert client.get("/admin/clinic/patient/").status_code == 200
    assert client.get(f"/admin/clinic/patient/{patient.pk}/change/").status_code == 200

    events = list(AuditEvent.objects.filter(user=boss).order_by("id"))
    assert [e.action for e in events] == ["admin.list.patient", "admin.view.patient"]
    assert (events[1].object_type, events[1].object_id) == ("clinic.patient", str(patient.pk))
