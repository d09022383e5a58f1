"""The demo clinic loader (idempotent, no patient data) and the admin pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from painpath.audit.models import AuditEvent
from painpath.cli import main
from painpath.clinic.demo import STAFF_USERNAME, load_demo_clinic
from painpath.clinic.models import (
    Appointment,
    AppointmentKind,
    AppointmentType,
    Clinic,
    Patient,
    Therapist,
    WorkingHours,
)
from painpath.clinic.services import PatientDetails, book_appointment, first_available_slots


def _counts() -> tuple[int, ...]:
    return (
        Clinic.objects.count(),
        Therapist.objects.count(),
        WorkingHours.objects.count(),
        AppointmentType.objects.count(),
        User.objects.count(),
    )


def test_the_demo_clinic_loads_once_and_again_without_copies(db: None) -> None:
    first = load_demo_clinic()
    assert first.created and first.generated_password
    counts = _counts()
    second = load_demo_clinic()
    assert not second.created and second.generated_password is None
    assert _counts() == counts
    clinic = first.clinic
    assert clinic.time_zone == "America/New_York"
    assert Therapist.objects.filter(clinic=clinic, active=True).count() == 3
    assert all(t.credentials and t.bio for t in Therapist.objects.all())
    kinds = sorted(
        (t.kind, t.minutes, t.buffer_after_minutes) for t in AppointmentType.objects.all()
    )
    assert kinds == [
        (AppointmentKind.FOLLOW_UP, 30, 10),
        (AppointmentKind.FOLLOW_UP, 45, 15),
        (AppointmentKind.INITIAL, 60, 15),
    ]
    assert Patient.objects.count() == 0
    staff = User.objects.get(username=STAFF_USERNAME)
    assert staff.is_staff and staff.check_password(first.generated_password)


def test_the_demo_clinic_can_be_booked(db: None) -> None:
    clinic = load_demo_clinic().clinic
    initial = AppointmentType.objects.get(clinic=clinic, kind=AppointmentKind.INITIAL)
    slots = first_available_slots(initial, limit=3)
    assert len(slots) == 3
    appointment = book_appointment(
        appointment_type=initial,
        therapist=slots[0].therapist,
        start=slots[0].start,
        patient=PatientDetails("Demo Person", "demo@example.com", "+1 555 0123"),
    )
    load_demo_clinic()  # reloading keeps bookings
    assert Appointment.objects.filter(id=appointment.id).exists()


def test_painpath_demo_uses_the_password_from_the_environment(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAINPATH_DEMO_PASSWORD", "a-chosen-demo-password")
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Riverbend Physical Therapy (demo)" in out
    assert "a-chosen-demo-password" not in out and "Generated password" not in out
    assert User.objects.get(username=STAFF_USERNAME).check_password("a-chosen-demo-password")


@pytest.fixture
def staff_client(db: None) -> Client:
    load_demo_clinic(password="a-long-demo-password-1")
    client = Client()
    assert client.login(username=STAFF_USERNAME, password="a-long-demo-password-1")
    return client


def test_admin_lists_and_opening_an_appointment_is_audited(staff_client: Client) -> None:
    initial = AppointmentType.objects.get(kind=AppointmentKind.INITIAL)
    slot = first_available_slots(initial, limit=1)[0]
    appointment = book_appointment(
        appointment_type=initial,
        therapist=slot.therapist,
        start=slot.start,
        patient=PatientDetails("Demo Person", "demo@example.com", "+1 555 0123"),
    )
    for model in [
        "clinic",
        "therapist",
        "workinghours",
        "availabilityexception",
        "appointmenttype",
        "patient",
        "appointment",
    ]:
        assert staff_client.get(f"/admin/clinic/{model}/").status_code == 200, model
    response = staff_client.get(f"/admin/clinic/appointment/{appointment.id}/change/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="admin.list.patient").count() == 1
    event = AuditEvent.objects.get(action="admin.view.appointment")
    assert event.object_id == str(appointment.id)
    assert event.username == STAFF_USERNAME


def test_an_overlapping_appointment_is_refused_by_the_model_check(db: None) -> None:
    clinic = load_demo_clinic().clinic
    initial = AppointmentType.objects.get(clinic=clinic, kind=AppointmentKind.INITIAL)
    slot = first_available_slots(initial, limit=1)[0]
    first = book_appointment(
        appointment_type=initial,
        therapist=slot.therapist,
        start=slot.start,
        patient=PatientDetails("Demo Person", "demo@example.com", "+1 555 0123"),
    )
    clash = Appointment(
        patient=first.patient,
        therapist=first.therapist,
        appointment_type=initial,
        start=first.start + timedelta(minutes=30),
        end=first.end + timedelta(minutes=30),
    )
    with pytest.raises(ValidationError) as err:
        clash.clean()
    assert "start" in err.value.message_dict
    clash.start, clash.end = first.busy_until, first.busy_until + timedelta(hours=1)
    clash.clean()  # right after the buffer is fine
