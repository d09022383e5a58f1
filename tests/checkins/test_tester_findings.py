"""Safety findings from testing: a warning sign is never refused for an unrelated answer, the
emergency call is a real link everywhere, the review reaches the patient, dates are local."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, TestCase

from checkins.conftest import make_person
from painpath.checkins import services
from painpath.checkins.models import CheckIn
from painpath.patients.tokens import new_secret

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_mail(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PAINPATH_CLINIC_ALERT_EMAIL = "alerts@clinic.example"


def _post_and_commit(client: Client, url: str, data: dict, follow: bool = False):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, follow=follow)


def test_a_warning_sign_alone_is_saved_escalated_and_alerted(client: Client, patient) -> None:
    # Only the warning sign ticked: pain and exercise answers empty, an old activity name
    # without a score (pre-filled from the last check-in).
    data = {
        "submission_key": new_secret(),
        "psfs_activity_1": "putting on socks",
        "ws_saddle": "on",
    }
    response = _post_and_commit(client, patient.checkin_url, data, follow=True)
    html = response.content.decode()
    checkin = CheckIn.objects.get(record=patient.record)
    assert checkin.warning_signs == {"saddle_numbness": True}
    assert checkin.pain_now is None, "a missing answer is unknown, never made up"
    assert checkin.sessions_done is None
    assert services.current_triage(patient.record)[0] == "emergency"
    assert "escalation-banner" in html and "triage-emergency" in html
    assert len(mail.outbox) == 1, "the clinic is alerted"
    # The other answers' errors are shown after the advice, not instead of it.
    assert "These other answers were not saved" in html
    assert html.index("escalation-banner") < html.index("These other answers were not saved")
    assert "Your pain right now" in html


def test_a_warning_sign_with_an_invalid_answer_keeps_the_valid_ones(client: Client) -> None:
    person = make_person()
    data = {
        "submission_key": new_secret(),
        "pain_now": "42",
        "pain_during": "3",
        "sessions_done": "1",
        "ws_bladder": "on",
    }
    _post_and_commit(client, person.checkin_url, data)
    checkin = CheckIn.objects.get(record=person.record)
    assert checkin.pain_now is None
    assert checkin.pain_during == 3
    assert checkin.sessions_done == 1
    assert checkin.warning_signs == {"bladder_change": True}


def test_an_activity_without_a_score_does_not_block_the_checkin(client: Client, patient) -> None:
    data = {
        "submission_key": new_secret(),
        "pain_now": "3",
        "sessions_done": "1",
        "psfs_activity_1": "putting on socks",
    }
    response = client.post(patient.checkin_url, data)
    assert response.status_code == 302
    checkin = CheckIn.objects.get(record=patient.record)
    assert checkin.psfs == [{"activity": "putting on socks", "score": None}]
    assert checkin.to_core().psfs == ()
    # The words are offered again next time.
    assert "putting on socks" in client.get(patient.checkin_url).content.decode()


def test_exercises_today_is_a_yes_no_choice(client: Client, patient) -> None:
    html = client.get(patient.checkin_url).content.decode()
    assert "Did you do your exercises today?" in html
    assert "Enter 1" not in html and "1 for yes" not in html
    assert 'type="radio" name="sessions_done" value="1"' in html
    assert 'type="radio" name="sessions_done" value="0"' in html
    data = {"submission_key": new_secret(), "pain_now": "2", "sessions_done": "0"}
    assert client.post(patient.checkin_url, data).status_code == 302
    assert CheckIn.objects.get(record=patient.record).sessions_done == 0


CALL_LINK = '<a class="button emergency-call" href="tel:{n}">Call {n} now</a>'


def test_escalation_banner_and_emergency_plan_have_the_result_pages_call_button(
    client: Client, patient, settings
) -> None:
    from checkins.conftest import ANSWERS

    settings.PAINPATH_EMERGENCY_NUMBER = "112"
    data = {"submission_key": new_secret(), "pain_now": "3", "sessions_done": "1"}
    client.post(patient.checkin_url, {**data, "ws_saddle": "on"})
    for url in (patient.plan_url, f"/r/{patient.token}/"):
        html = client.get(url).content.decode()
        banner = html[html.index("escalation-banner") :]
        assert CALL_LINK.format(n="112") in banner, url
        assert '<p class="emergency-call">' not in html
    person = make_person({**ANSWERS, "bowel_incontinence": True})
    html = client.get(person.plan_url).content.decode()
    assert CALL_LINK.format(n="112") in html
    assert '<p class="emergency-call">' not in html
