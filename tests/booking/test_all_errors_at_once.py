"""The booking details form names every field's problem at once (a bad email and a bad phone
together), each next to its field and in the summary; nothing is booked."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from painpath.clinic.models import Appointment, Patient
from painpath.patients.forms_booking import ContactForm, encode_slot

from .conftest import ClinicSetup, MakeIntake, contact, local

pytestmark = pytest.mark.django_db

PHONE_ERROR = "Please give a phone number (digits, optionally starting with +)."
EMAIL_ERROR = "Please give a valid email address, like name@example.com."


def test_a_bad_email_and_a_bad_phone_are_both_named(
    setup: ClinicSetup, make_intake: MakeIntake
) -> None:
    _record, token = make_intake()
    data = {
        "slot": encode_slot(setup.sam.id, local("2026-03-03", "09:00")),
        **contact(email="not-an-email", phone="call me"),
    }
    response = Client().post(f"/r/{token}/book/details/", data)

    assert response.status_code == 400
    html = response.content.decode()
    for field, message in (("email", EMAIL_ERROR), ("phone", PHONE_ERROR)):
        assert re.search(rf'id="id_{field}_error">{re.escape(message)}', html), field
        assert f'<a href="#id_{field}">{message}</a>' in html
    assert not Appointment.objects.exists() and not Patient.objects.exists()


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("+1 555 0199", True),
        ("(555) 010-9999", True),
        ("123456", False),  # 6 digits reach no one
        ("1" * 16, False),  # more than E.164 allows
        ("555-CALL-NOW", False),
    ],
)
def test_the_form_applies_the_booking_services_phone_rule(phone: str, valid: bool) -> None:
    form = ContactForm({"slot": "", "name": "Pat", "email": "pat@example.org", "phone": phone})
    form.is_valid()
    assert ("phone" not in form.errors) is valid
