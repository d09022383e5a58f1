"""Safety findings from testing: a warning sign is never refused for an unrelated answer, the
emergency call is a real link everywhere, the review reaches the patient, dates are local."""

from __future__ import annotations

import re

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
    # The other answers were left blank, not lost: nothing is listed as "not saved".
    assert "were not saved" not in html
    assert "Please answer" not in html


def test_only_answers_given_but_invalid_are_listed_as_not_saved(client: Client) -> None:
    person = make_person()
    data = {
        "submission_key": new_secret(),
        "pain_now": "42",  # given, invalid: listed
        "psfs_score_1": "5",  # a score without its activity: listed on the activity
        "ws_saddle": "on",  # everything else blank: not listed
    }
    html = _post_and_commit(client, person.checkin_url, data, follow=True).content.decode()
    assert "These other answers were not saved" in html
    # After the advice, not instead of it.
    assert html.index("escalation-banner") < html.index("These other answers were not saved")
    unsaved = html[html.index('id="unsaved"') :]
    unsaved = unsaved[: unsaved.index("</ul>")]
    items = re.findall(r"<li>(.*?)</li>", unsaved, re.S)
    assert len(items) == 2, items
    assert items[0].startswith("Your pain right now: ")
    assert "Name the activity this score is for." in items[1]
    assert "?:" not in unsaved
    assert "exercises" not in unsaved  # left blank


def test_a_question_ending_in_a_question_mark_gets_no_stray_colon() -> None:
    from painpath.checkins.forms import CheckInForm

    form = CheckInForm(
        {"submission_key": new_secret(), "pain_now": "3", "sessions_done": "maybe"},
        period_days=1,
    )
    assert not form.is_valid()
    assert form.unsaved_answers() == [
        "Did you do your exercises today? Please answer whether you did your exercises today: "
        "yes or no."
    ]


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


def _review(record, level: str):
    from django.contrib.auth import get_user_model

    from painpath.staff.models import IntakeReview

    user = get_user_model().objects.create_user("pt-reviewer", password="x")
    return IntakeReview.objects.create(
        intake=record,
        reviewer=user,
        triage_level=level,
        leading_condition="nonspecific_low_back_pain",
        agrees_with_engine=False,
    )


def test_after_an_escalation_the_old_advice_is_marked_replaced_and_no_booking_for_emergency(
    client: Client, patient
) -> None:
    result_url = f"/r/{patient.token}/"
    before = client.get(result_url).content.decode()
    assert "Book an initial appointment" in before and "Earlier advice" not in before
    data = {"submission_key": new_secret(), "pain_now": "3", "sessions_done": "1"}
    client.post(patient.checkin_url, {**data, "ws_saddle": "on"})
    html = client.get(result_url).content.decode()
    banner_at = html.index("escalation-banner")
    earlier_at = html.index('<details class="earlier-advice"')
    assert banner_at < earlier_at
    assert "Earlier advice (replaced by the advice above)" in html
    # The old routine box is inside the collapsed "earlier advice", not at full weight.
    assert html.index("triage-routine") > earlier_at
    assert 'id="book"' not in html


def test_a_more_urgent_therapist_review_reaches_the_patient(client: Client, patient) -> None:
    assert services.current_triage(patient.record)[0] == "routine"
    review = _review(patient.record, "urgent")
    level, reasons, since = services.current_triage(patient.record)
    assert reasons and "reviewed your answers" in reasons[0]
    assert level == "urgent" and since == review.created_at
    assert services.current_triage_detail(patient.record).source == "review"
    for url in (f"/r/{patient.token}/", patient.plan_url):
        html = client.get(url).content.decode()
        assert "escalation-banner" in html and "triage-urgent" in html, url
        assert "New advice from your clinic's review on" in html, url
        assert "At your check-in" not in html
    # Staff pages still say "escalated at a check-in" only for check-ins.
    assert services.current_triage_detail(patient.record, with_review=False).since is None


def test_a_review_that_lowers_the_level_does_not_hide_urgent_advice(
    client: Client, patient
) -> None:
    data = {"submission_key": new_secret(), "pain_now": "3", "sessions_done": "1"}
    client.post(patient.checkin_url, {**data, "ws_saddle": "on"})
    _review(patient.record, "self_care")
    assert services.current_triage(patient.record)[0] == "emergency"
    assert "triage-emergency" in client.get(f"/r/{patient.token}/").content.decode()


def test_escalation_date_is_the_clinics_local_day(client: Client) -> None:
    import time_machine

    from painpath.clinic.models import Clinic

    Clinic.objects.create(
        name="Coast PT", address="1 Pier", phone="+1 555 0100", time_zone="America/Los_Angeles"
    )
    person = make_person()
    data = {"submission_key": new_secret(), "pain_now": "3", "sessions_done": "1"}
    # 03:00 UTC on 4 March is the evening of 3 March in Los Angeles.
    with time_machine.travel("2026-03-04 03:00Z", tick=False):
        client.post(person.checkin_url, {**data, "ws_saddle": "on"})
        html = client.get(person.plan_url).content.decode()
    assert "New advice after your check-in on Tuesday, March 3" in html


def test_checkin_table_and_history_dates_are_the_clinics_local_day(client: Client) -> None:
    import time_machine

    from painpath.clinic.models import Clinic

    Clinic.objects.create(
        name="Coast PT", address="1 Pier", phone="+1 555 0100", time_zone="America/Los_Angeles"
    )
    person = make_person()
    for when in ("2026-03-04 03:00Z", "2026-03-08 03:00Z"):
        data = {"submission_key": new_secret(), "pain_now": "3", "sessions_done": "1"}
        with time_machine.travel(when, tick=False):
            client.post(person.checkin_url, {**data, "pain_during": "3"})
    with time_machine.travel("2026-03-09 12:00Z", tick=False):
        html = client.get(person.plan_url).content.decode()
    table = html[html.index('id="progress-table"') :]
    assert '<th scope="row">Tuesday, March 3</th>' in table
    assert '<th scope="row">Saturday, March 7</th>' in table
    history = html[html.index('id="history"') :]
    assert "<strong>Saturday, March 7</strong>" in history
    assert "2026-03-0" not in history and "04 Mar" not in html


def test_what_changed_names_only_the_warning_sign_reported(client: Client, patient) -> None:
    data = {"submission_key": new_secret(), "pain_now": "3", "sessions_done": "1"}
    client.post(patient.checkin_url, {**data, "ws_saddle": "on"})
    html = client.get(patient.plan_url).content.decode()
    changes = html[html.index('id="changes"') :]
    changes = changes[: changes.index("</section>")]
    assert "Numbness around your bottom, genitals or inner thighs." in changes
    for other in ("bowel control", "passing or holding urine", "sexual sensation"):
        assert other not in changes
    banner = html[html.index("escalation-banner") :]
    banner = banner[: banner.index("</section>")]
    assert "bowel control" not in banner


def test_emergency_plan_page_puts_the_advice_before_the_no_checkin_notice(client: Client) -> None:
    from checkins.conftest import ANSWERS

    person = make_person({**ANSWERS, "bowel_incontinence": True})
    response = client.get(person.checkin_url, follow=True)
    html = response.content.decode()
    notice = html.index("There are no exercise check-ins until a doctor has seen you.")
    assert html.index("<h1>Get checked first</h1>") < notice
    assert html.index("triage-emergency") < notice
    assert html.index('class="button emergency-call"') < notice
    # Shown once: a reload is just the plan.
    assert "There are no exercise check-ins" not in client.get(person.plan_url).content.decode()
