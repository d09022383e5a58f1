"""Who may open which staff page: by persona (therapist, front desk, outsider, anonymous,
an admin-only account and a patient holding a private link). Every refusal is checked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from painpath.audit.models import AuditEvent
from painpath.patients.models import IntakeRecord

from .conftest import PASSWORD, MakeIntake, client_for

pytestmark = pytest.mark.django_db


def _pages(record: IntakeRecord) -> dict[str, str]:
    return {
        "home": "/staff/",
        "intakes": "/staff/intakes/",
        "intake": f"/staff/intakes/{record.reference}/",
        "schedule": "/staff/schedule/",
    }


@pytest.mark.parametrize("page", ["home", "intakes", "intake", "schedule"])
def test_anonymous_visitors_are_sent_to_the_staff_sign_in(
    make_intake: MakeIntake, page: str
) -> None:
    url = _pages(make_intake())[page]
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider_user", "admin_only_user"])
@pytest.mark.parametrize("page", ["home", "intakes", "intake", "schedule"])
def test_accounts_without_a_clinical_role_are_refused_and_the_attempt_is_audited(
    make_intake: MakeIntake, request: pytest.FixtureRequest, persona: str, page: str
) -> None:
    user: User = request.getfixturevalue(persona)
    url = _pages(make_intake())[page]
    response = client_for(user).get(url)
    assert response.status_code == 403
    event = AuditEvent.objects.get()
    assert (event.user, event.action) == (user, "staff.refused")


def test_front_desk_sees_the_schedule_but_no_intake(
    front_desk_user: User, make_intake: MakeIntake
) -> None:
    record = make_intake()
    client = client_for(front_desk_user)
    assert client.get("/staff/").url == "/staff/schedule/"  # type: ignore[attr-defined]
    assert client.get("/staff/schedule/").status_code == 200
    assert client.get("/staff/intakes/").status_code == 403
    detail = client.get(f"/staff/intakes/{record.reference}/")
    assert detail.status_code == 403
    assert b"reason for routine" not in detail.content
    review = client.post(
        f"/staff/intakes/{record.reference}/",
        {"triage_level": "urgent", "leading_condition": "sciatica"},
    )
    assert review.status_code == 403
    assert not record.reviews.exists()


def test_a_therapist_opens_every_staff_page(therapist_user: User, make_intake: MakeIntake) -> None:
    record = make_intake()
    client = client_for(therapist_user)
    assert client.get("/staff/").url == "/staff/intakes/"  # type: ignore[attr-defined]
    for url in _pages(record).values():
        if url != "/staff/":
            assert client.get(url).status_code == 200, url


def test_a_patients_private_token_opens_no_staff_page(make_intake: MakeIntake) -> None:
    record = make_intake()
    token_like = "A" * 43
    client = Client()
    assert client.get(f"/staff/intakes/{token_like}/").status_code == 404
    # The staff reference is not the token, and without signing in it still leads nowhere.
    assert client.get(f"/staff/intakes/{record.reference}/").status_code == 302


def test_an_unknown_intake_reference_is_404_for_a_therapist(therapist_user: User) -> None:
    url = "/staff/intakes/00000000-0000-4000-8000-000000000000/"
    assert client_for(therapist_user).get(url).status_code == 404


def test_staff_sign_in_with_a_password_leads_a_therapist_to_the_intakes(
    therapist_user: User,
) -> None:
    client = Client()
    page = client.get("/staff/login/")
    assert page.status_code == 200
    response = client.post("/staff/login/", {"username": "pt.jones", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == (
        "/staff/intakes/"
    )


def test_a_wrong_password_shows_the_sign_in_page_again_with_an_error(
    therapist_user: User,
) -> None:
    response = Client().post("/staff/login/", {"username": "pt.jones", "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content


def test_signing_out_needs_a_post_and_ends_the_session(therapist_user: User) -> None:
    client = client_for(therapist_user)
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/").status_code == 302
    assert client.get("/staff/intakes/").status_code == 302


#: Staff pages that show no patient data, so write no audit event.
_NO_PATIENT_DATA = {"login", "logout", "home"}


def test_every_staff_page_with_patient_data_writes_an_audit_event(
    therapist_user: User, make_intake: MakeIntake
) -> None:
    from django.urls import reverse

    from painpath.staff import urls

    record = make_intake()
    client = client_for(therapist_user)
    patterns = [p for p in urls.urlpatterns if p.name and p.name not in _NO_PATIENT_DATA]
    assert patterns  # read from the URL conf, so a page added later is covered too
    for pattern in patterns:
        needs_reference = "<uuid:reference>" in str(pattern.pattern)
        kwargs = {"reference": record.reference} if needs_reference else {}
        before = AuditEvent.objects.count()
        response = client.get(reverse(f"staff:{pattern.name}", kwargs=kwargs))
        assert response.status_code == 200, pattern.name
        assert AuditEvent.objects.count() > before, f"staff:{pattern.name} wrote no audit event"


def test_sign_in_attempts_are_limited_per_user_name(therapist_user: User, settings: object) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.PAINPATH_LOGIN_RATE_USER = "3/h"  # type: ignore[attr-defined]
    for i in range(3):
        client = Client(REMOTE_ADDR=f"192.0.2.{i + 1}")  # a different address each time
        wrong = client.post("/staff/login/", {"username": "pt.jones", "password": "guess"})
        assert wrong.status_code == 200
    blocked = Client(REMOTE_ADDR="192.0.2.99").post(
        "/staff/login/", {"username": "PT.Jones", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert b"Too many sign-in attempts" in blocked.content
    assert b'value="PT.Jones"' in blocked.content
    assert "_auth_user_id" not in blocked.client.session  # type: ignore[attr-defined]


def test_sign_in_attempts_are_limited_per_address(therapist_user: User, settings: object) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.PAINPATH_LOGIN_RATE_IP = "2/m"  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR="198.51.100.20")
    for name in ("a", "b"):
        assert client.post("/staff/login/", {"username": name, "password": "x"}).status_code == 200
    assert client.post("/staff/login/", {"username": "c", "password": "x"}).status_code == 429
