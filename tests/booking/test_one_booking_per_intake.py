"""One result books one initial evaluation at a time: while one is upcoming, the booking pages
show it with its own change/cancel link and refuse another; after a cancellation booking
works again."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from painpath.clinic import services as scheduling
from painpath.clinic.models import Appointment, AppointmentStatus
from painpath.patients.forms_booking import encode_slot

from .conftest import ClinicSetup, MakeIntake, contact, local

pytestmark = pytest.mark.django_db


def _book(client: Client, token: str, therapist_id: object, start: str, **details: str) -> int:
    code = encode_slot(therapist_id, local("2026-03-03", start))  # type: ignore[arg-type]
    response = client.post(f"/r/{token}/book/details/", {"slot": code, **contact(**details)})
    return response.status_code


def test_after_booking_the_times_page_shows_the_appointment_and_its_manage_link(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client()
    assert _book(client, token, setup.sam.id, "09:00") == 302
    booked = Appointment.objects.get()

    response = client.get(f"/r/{token}/book/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "You already have an appointment" in html
    assert "Tuesday, March 3, 9:00 AM to 10:00 AM" in html
    assert f'href="{scheduling.manage_url(booked)}">Change or cancel this appointment' in html
    assert not re.findall(r"/book/details/\?slot=", html)  # no time offered
    details = client.get(
        f"/r/{token}/book/details/?slot={encode_slot(setup.ana.id, local('2026-03-03', '10:00'))}"
    )
    assert details.status_code == 200
    assert 'name="email"' not in details.content.decode()


def test_a_second_booking_under_another_name_is_refused_and_the_first_kept(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client()
    assert _book(client, token, setup.sam.id, "09:00") == 302

    status = _book(client, token, setup.ana.id, "10:00", name="Someone Else")
    assert status == 409
    response = client.post(
        f"/r/{token}/book/details/",
        {"slot": encode_slot(setup.ana.id, local("2026-03-03", "10:00")), **contact()},
    )
    html = response.content.decode()
    assert "We did not book another appointment" in html and 'role="alert"' in html
    assert "Change or cancel this appointment" in html
    assert list(Appointment.objects.values_list("status", "start")) == [
        (AppointmentStatus.BOOKED, local("2026-03-03", "09:00"))
    ]


def test_the_booking_service_refuses_a_second_initial_evaluation_from_one_intake(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    record, _token = make_intake()
    person = scheduling.PatientDetails(name="Pat", email="pat@example.org", phone="+1 555 0199")
    first = scheduling.book_appointment(
        appointment_type=setup.initial,
        therapist=setup.sam,
        start=local("2026-03-03", "09:00"),
        patient=person,
        intake=record,
    )
    with pytest.raises(scheduling.AlreadyBookedError) as refused:
        scheduling.book_appointment(
            appointment_type=setup.initial,
            therapist=setup.ana,
            start=local("2026-03-04", "09:00"),
            patient=person,
            intake=record,
        )
    assert refused.value.appointment == first
    assert Appointment.objects.count() == 1


def test_after_a_cancellation_booking_again_works(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    client = Client()
    assert _book(client, token, setup.sam.id, "09:00") == 302
    scheduling.cancel_appointment(scheduling.make_manage_token(Appointment.objects.get()))

    html = client.get(f"/r/{token}/book/").content.decode()
    assert re.findall(r"/book/details/\?slot=", html)
    assert _book(client, token, setup.ana.id, "10:00") == 302
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
    assert Appointment.objects.count() == 2
