"""The staff side's own page frame: staff navigation and the signed-in user, never the patient
header ("Check my pain") or the patient disclaimer; tables that become cards on a phone."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from .conftest import MakeIntake, client_for

pytestmark = pytest.mark.django_db

#: Patient-side frame: call-to-action, patient navigation and the patient disclaimer.
PATIENT_FRAME = (
    "Check my pain",
    "Causes of pain",
    "PainPath gives information, not a diagnosis.",
    "call your local emergency number",
)


def _nav(html: str) -> str:
    match = re.search(r'<nav aria-label="Staff">(.*?)</nav>', html, re.S)
    assert match is not None, "no staff navigation"
    return match.group(1)


def test_a_therapists_staff_pages_have_staff_navigation_and_no_patient_frame(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake()
    client = client_for(therapist_user)
    for url in ("/staff/intakes/", f"/staff/intakes/{record.reference}/", "/staff/schedule/"):
        html = client.get(url).content.decode()
        for text in PATIENT_FRAME:
            assert text not in html, (url, text)
        nav = _nav(html)
        assert re.search(r'href="/staff/intakes/"[^>]*>Intakes</a>', nav)
        assert re.search(r'href="/staff/schedule/"[^>]*>Today.s schedule</a>', nav)
        assert 'action="/staff/logout/"' in nav and ">Sign out</button>" in nav
        assert "Signed in as Alex Jones" in html  # the full name when the account has one
        assert 'href="/staff/static/' not in html
        assert "/static/staff/staff.css" in html
    intakes = client.get("/staff/intakes/").content.decode()
    assert re.search(r'href="/staff/intakes/" aria-current="page"', intakes)


def test_the_front_desk_nav_has_no_intakes_link(front_desk_user: User) -> None:
    html = client_for(front_desk_user).get("/staff/schedule/").content.decode()
    nav = _nav(html)
    assert "Intakes" not in nav
    assert "Today's schedule" in nav
    assert "Signed in as desk" in html  # the user name when there is no full name
    assert "Check my pain" not in html


def test_the_sign_in_page_has_no_patient_frame_and_no_staff_navigation() -> None:
    html = client_for(None).get("/staff/login/").content.decode()
    for text in PATIENT_FRAME:
        assert text not in html
    assert 'aria-label="Staff"' not in html  # nothing to navigate to before signing in
    assert "Signed in as" not in html


def test_the_intake_list_labels_every_cell_for_the_phone_card_layout(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    make_intake()
    html = client_for(therapist_user).get("/staff/intakes/").content.decode()
    row = html.split('role="row"')[-1].split("</tr>")[0]
    labels = re.findall(r'<td role="cell" data-label="([^"]+)"', row)
    assert labels == [
        "Triage",
        "Submitted",
        "Most likely cause (engine)",
        "Review",
        "Appointment",
        "Intake",
    ]
    assert 'class="staff-table stack-table" role="table"' in html
