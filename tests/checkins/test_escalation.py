"""Escalation: a warning sign at a check-in shows on the plan, result and booking pages, reaches
the staff list, and emails the clinic (the level and a staff link only)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from checkins.conftest import ANSWERS, checkin_data, make_person
from painpath.checkins import services
from painpath.patients.models import IntakeRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_mail(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PAINPATH_CLINIC_ALERT_EMAIL = "alerts@clinic.example"
    settings.PAINPATH_BASE_URL = "https://painpath.example"


def _post(client: Client, url: str, data: dict, when: str) -> None:
    from django.test import TestCase

    # Test transactions never commit: run the after-commit alert as a real commit would.
    with time_machine.travel(when, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, data)


def _escalate(client: Client, person, **signs: str) -> None:
    _post(
        client,
        person.checkin_url,
        checkin_data(**(signs or {"ws_saddle": "on"})),
        "2026-03-04 10:00Z",
    )


def test_current_triage_is_the_intake_level_until_a_checkin_escalates(client, patient) -> None:
    level, reasons, since = services.current_triage(patient.record)
    assert (level, since) == (patient.record.triage_level, None)
    assert level == "routine"
    with time_machine.travel("2026-03-01 10:00Z", tick=False):
        client.post(patient.checkin_url, checkin_data())  # no warning sign: no change
    assert services.current_triage(patient.record)[2] is None
    _escalate(client, patient)
    level, reasons, since = services.current_triage(patient.record)
    assert level == "emergency"
    assert since is not None and since.isoformat().startswith("2026-03-04T10:00")
    assert any("numb" in r.lower() for r in reasons)
    assert services.is_escalated(patient.record)


def test_a_later_less_urgent_escalation_never_lowers_the_level(client, patient) -> None:
    _escalate(client, patient)
    with time_machine.travel("2026-03-06 10:00Z", tick=False):
        client.post(patient.checkin_url, checkin_data(ws_fever="on"))
    level, _reasons, since = services.current_triage(patient.record)
    assert level == "emergency"
    assert since is not None and since.day == 4


def test_result_and_booking_pages_show_the_banner_only_after_escalation(client, patient) -> None:
    result_url = f"/r/{patient.token}/"
    book_url = f"/r/{patient.token}/book/"
    for url in (result_url, book_url, patient.plan_url):
        assert 'id="escalation"' not in client.get(url).content.decode()
    _escalate(client, patient)
    for url in (result_url, book_url, patient.plan_url):
        html = client.get(url).content.decode()
        assert 'id="escalation"' in html, url
        banner = html[html.index('id="escalation"') :]
        assert "triage-emergency" in html[html.index('id="escalation"') - 80 :][:200]
        assert "Get emergency help now" in banner
        assert "Where to go" in banner and "emergency department" in banner
        assert "New advice after your check-in on Wednesday, March 4" in banner
    # At the top of the result page: before the intake's own (routine) advice box.
    html = client.get(result_url).content.decode()
    assert html.index('id="escalation"') < html.index('id="triage"')


def test_an_emergency_intake_shows_no_escalation_banner(client) -> None:
    person = make_person({**ANSWERS, "bowel_incontinence": True})
    assert person.record.triage_level == "emergency"
    html = client.get(f"/r/{person.token}/").content.decode()
    assert 'id="escalation"' not in html


def test_escalation_emails_the_clinic_once_without_health_details(client, patient) -> None:
    _escalate(client, patient, ws_saddle="on", ws_bladder="on")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alerts@clinic.example"]
    assert "escalated to EMERGENCY at a check-in" in message.subject
    link = f"https://painpath.example/staff/intakes/{patient.record.reference}/"
    assert link in message.body
    words = set(re.findall(r"[a-z]+", message.body.replace(link, "").lower()))
    for health_word in ("numbness", "urine", "bladder", "saddle", "pain", "back", "hip"):
        assert health_word not in words, health_word
    assert patient.token not in message.body
    # The same level again: no second alert.
    _post(client, patient.checkin_url, checkin_data(ws_saddle="on"), "2026-03-05 10:00Z")
    assert len(mail.outbox) == 1


def test_ordinary_checkins_send_no_alert(client, patient) -> None:
    _post(client, patient.checkin_url, checkin_data(), "2026-03-04 10:00Z")
    _post(client, patient.checkin_url, checkin_data(pain_during=8), "2026-03-05 10:00Z")
    assert mail.outbox == []


def test_alert_address_falls_back_to_the_clinic_then_the_sender(settings) -> None:
    from painpath.clinic.models import Clinic

    settings.PAINPATH_CLINIC_ALERT_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "PainPath <no-reply@painpath.example>"
    assert services.alert_address() == "no-reply@painpath.example"
    Clinic.objects.create(name="Harbour Physio", address="1 Quay", phone="1", email="")
    assert services.alert_address() == "no-reply@painpath.example"
    Clinic.objects.create(name="Bay Physio", address="2 Quay", phone="2", email="desk@bay.example")
    assert services.alert_address() == "desk@bay.example"


def test_a_mail_failure_never_loses_the_checkin(client, patient, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    _escalate(client, patient)
    assert services.current_plan(patient.record).action == "seek_care"


def test_staff_ordering_puts_an_escalated_intake_first(client, patient) -> None:
    from painpath.staff.models import IntakeReview

    urgent = make_person({**ANSWERS, "fever_or_chills": True, "history_cancer": True})
    assert urgent.record.urgency < patient.record.urgency

    def order() -> list[int]:
        qs = services.with_current_urgency(IntakeRecord.objects.all())
        return list(qs.order_by("current_urgency", "-created_at").values_list("pk", flat=True))

    assert order()[0] == urgent.record.pk
    _escalate(client, patient)
    assert order()[0] == patient.record.pk
    row = services.with_current_urgency(IntakeRecord.objects.filter(pk=patient.record.pk)).get()
    assert (row.escalated_urgency, row.current_urgency) == (0, 0)
    # A therapist's review that raises a routine intake counts too; one that lowers an
    # escalated intake does not hide the escalation.
    from django.contrib.auth.models import User

    therapist = User.objects.create_user("t1")
    other = make_person({**ANSWERS, "age": 45})
    IntakeReview.objects.create(
        intake=other.record,
        reviewer=therapist,
        triage_level="urgent",
        leading_condition="",
        agrees_with_engine=False,
    )
    IntakeReview.objects.create(
        intake=patient.record,
        reviewer=therapist,
        triage_level="routine",
        leading_condition="",
        agrees_with_engine=False,
    )
    ranks = dict(
        services.with_current_urgency(IntakeRecord.objects.all()).values_list(
            "pk", "current_urgency"
        )
    )
    assert ranks[other.record.pk] == 1
    assert ranks[patient.record.pk] == 0


def test_staff_list_and_detail_show_the_escalation(client, patient, settings) -> None:
    from django.contrib.auth.models import Group, User

    from painpath.staff.access import ROLES

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    therapist = User.objects.create_user("pt.escalation")
    therapist.groups.add(Group.objects.get(name=ROLES["therapist"]))
    urgent = make_person({**ANSWERS, "fever_or_chills": True, "history_cancer": True})
    _escalate(client, patient)
    staff = Client()
    staff.force_login(therapist)
    html = staff.get("/staff/intakes/").content.decode()
    first_row = html[html.index("<tbody>") : html.index("</tr>", html.index("<tbody>"))]
    assert str(patient.record.reference)[:8] in first_row
    assert "triage-badge--emergency" in first_row and "escalated at a check-in" in first_row
    assert str(urgent.record.reference)[:8] not in first_row
    detail = staff.get(f"/staff/intakes/{patient.record.reference}/").content.decode()
    assert 'id="checkin-escalation"' in detail
    assert "Escalated to Emergency at a check-in on Wednesday, March 4" in detail
    plain = staff.get(f"/staff/intakes/{urgent.record.reference}/").content.decode()
    assert 'id="checkin-escalation"' not in plain
