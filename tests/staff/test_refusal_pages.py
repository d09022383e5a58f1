"""Refusals on the staff side use the staff frame (staff navigation, no patient call-to-action
or disclaimer); refusals on the patient side keep the patient frame."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from .conftest import PASSWORD, MakeIntake, client_for

pytestmark = pytest.mark.django_db

PATIENT_FRAME = ("Check my pain", "PainPath gives information, not a diagnosis.")


def _staff_frame(html: str) -> bool:
    return 'class="staff-site"' in html and "PainPath staff" in html


def test_a_front_desk_refusal_uses_the_staff_frame(
    front_desk_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake()
    client = client_for(front_desk_user)
    for url in ("/staff/intakes/", f"/staff/intakes/{record.reference}/"):
        response = client.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert _staff_frame(html), url
        assert "You cannot open this page" in html
        assert 'href="/staff/">Go to the staff start page' in html
        for patient_text in PATIENT_FRAME:
            assert patient_text not in html
        assert "reason for routine" not in html


def test_an_account_without_a_role_gets_the_staff_frame_without_a_dead_link(
    outsider_user: User,
) -> None:
    html = client_for(outsider_user).get("/staff/schedule/").content.decode()
    assert _staff_frame(html)
    assert "Go to the staff start page" not in html  # it would only refuse again


def test_a_staff_form_without_its_csrf_token_uses_the_staff_frame(therapist_user: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/staff/login/", {"username": "pt.jones", "password": PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert _staff_frame(html) and "Please try again" in html
    for patient_text in PATIENT_FRAME:
        assert patient_text not in html


def test_a_patient_form_without_its_csrf_token_keeps_the_patient_frame() -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/start/review/", {"email": ""})
    assert response.status_code == 403
    html = response.content.decode()
    assert not _staff_frame(html)
    assert "Back to the questions" in html and "Check my pain" in html
