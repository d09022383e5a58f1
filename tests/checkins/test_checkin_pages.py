"""Care-plan pages on the web: plan, handout, check-ins, privacy (personas) and idempotency."""

from __future__ import annotations

import io
import re
import secrets
from datetime import timedelta

import pypdf
import pytest
import time_machine
from django.test import Client

from checkins.conftest import checkin_data, make_person
from painpath.checkins import services
from painpath.checkins.models import CheckIn, PlanVersion

pytestmark = pytest.mark.django_db


def test_plan_page_shows_exercises_advice_and_warning_signs(client: Client, patient) -> None:
    response = client.get(patient.plan_url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    plan = services.current_plan(patient.record).plan
    assert plan["exercises"], "a routine back-pain intake gets exercises"
    for item in plan["exercises"]:
        assert item["name"] in html
    assert "Warning signs" in html and "Check in" in html
    assert 'href="/r/' + patient.token + '/plan.pdf"' in html
    assert PlanVersion.objects.filter(record=patient.record).count() == 1


def test_result_page_links_to_the_plan(client: Client, patient) -> None:
    html = client.get(f"/r/{patient.token}/").content.decode()
    assert patient.plan_url in html


def test_another_patients_token_cannot_see_or_post(client: Client, patient, other_patient) -> None:
    # A made-up token and a mangled one are both 404; other people's links open only their own.
    for url in (
        f"/r/{'x' * 43}/plan",
        f"/r/{'x' * 43}/plan.pdf",
        f"/r/{'x' * 43}/checkin",
        f"/r/{patient.token[:-1]}/plan",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/r/{'y' * 43}/checkin", checkin_data()).status_code == 404
    client.post(other_patient.checkin_url, checkin_data(pain_now=9))
    assert CheckIn.objects.filter(record=patient.record).count() == 0
    assert CheckIn.objects.filter(record=other_patient.record).count() == 1
    html = client.get(patient.plan_url).content.decode()
    assert "progress-table" not in html, "no one else's check-ins show on this plan"


def test_reusing_another_patients_form_key_is_refused(client, patient, other_patient) -> None:
    data = checkin_data()
    client.post(other_patient.checkin_url, data)
    response = client.post(patient.checkin_url, data)
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert CheckIn.objects.filter(record=patient.record).count() == 0


def test_checkin_is_stored_and_the_plan_gets_a_new_version(client: Client, patient) -> None:
    response = client.post(patient.checkin_url, checkin_data())
    assert response.status_code == 302
    assert response["Location"] == patient.plan_url + "#changes"
    checkin = CheckIn.objects.get(record=patient.record)
    assert (checkin.pain_now, checkin.pain_during, checkin.pain_next_morning) == (3, 3, 3)
    assert checkin.psfs == [{"activity": "putting on socks", "score": 5}]
    assert checkin.global_change == 2
    versions = list(PlanVersion.objects.filter(record=patient.record).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].checkin == checkin and versions[1].action == "hold"
    assert versions[1].plan["history"][-1]["action"] == "hold"
    html = client.get(patient.plan_url).content.decode()
    assert "What changed at your last check-in" in html
    assert 'id="pain-chart"' in html and 'src="data:image/svg+xml;base64,' in html


def test_resubmitting_the_same_form_stores_one_checkin(client: Client, patient) -> None:
    data = checkin_data()
    first = client.post(patient.checkin_url, data)
    again = client.post(patient.checkin_url, data)
    assert first.status_code == again.status_code == 302
    assert CheckIn.objects.filter(record=patient.record).count() == 1
    assert PlanVersion.objects.filter(record=patient.record).count() == 2


def test_two_good_checkins_step_the_plan_up(client: Client, patient) -> None:
    before = services.current_plan(patient.record).plan["exercises"]
    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        client.post(patient.checkin_url, checkin_data())
    with time_machine.travel("2026-03-05 09:00Z", tick=False):
        client.post(patient.checkin_url, checkin_data(sessions_done=3))
    version = services.current_plan(patient.record)
    assert version.action == "step_up"
    after = version.plan["exercises"]
    assert [(e["id"], e["sets"]) for e in after] != [(e["id"], e["sets"]) for e in before]
    html = client.get(patient.plan_url).content.decode()
    assert "step up" in html


def test_high_pain_during_exercise_steps_the_plan_down(client: Client, patient) -> None:
    client.post(patient.checkin_url, checkin_data(pain_during=8))
    assert services.current_plan(patient.record).action == "step_down"


def test_new_warning_sign_shows_the_emergency_advice(client: Client, patient) -> None:
    response = client.post(patient.checkin_url, checkin_data(ws_saddle="on"), follow=True)
    html = response.content.decode()
    version = services.current_plan(patient.record)
    assert version.action == "seek_care"
    assert version.plan["triage"]["level"] == "emergency"
    assert version.plan["exercises"] == []
    assert "emergency" in html.lower() and "triage-emergency" in html
    checkin = CheckIn.objects.get(record=patient.record)
    assert checkin.warning_signs == {"saddle_numbness": True}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pain_now": 11}, "pain_now"),
        ({"pain_now": None}, "pain_now"),
        ({"pain_during": -1}, "pain_during"),
        ({"sessions_done": 99}, "sessions_done"),
        ({"psfs_activity_2": "", "psfs_score_2": 4}, "psfs_activity_2"),
        ({"submission_key": "short"}, "submission_key"),
    ],
)
def test_invalid_checkin_is_refused_naming_the_field_and_keeps_the_answers(
    client: Client, patient, overrides, field
) -> None:
    data = checkin_data(**overrides)
    response = client.post(patient.checkin_url, data)
    assert response.status_code == 200
    assert CheckIn.objects.count() == 0
    html = response.content.decode()
    assert "error-summary" in html
    assert re.search(rf'name="{field}"', html) or field == "submission_key"
    assert "putting on socks" in html, "what was typed is shown again, not lost"


def test_checkin_form_offers_last_activities_again(client: Client, patient) -> None:
    client.post(patient.checkin_url, checkin_data())
    html = client.get(patient.checkin_url).content.decode()
    assert 'value="putting on socks"' in html


def test_handout_pdf_holds_the_plan_and_the_clinic(client: Client, patient) -> None:
    from painpath.clinic.models import Clinic

    Clinic.objects.create(name="Harbour Physio", address="3 Dock Road", phone="+1 555 0199")
    response = client.get(patient.pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Harbour Physio" in text and "+1 555 0199" in text
    for item in services.current_plan(patient.record).plan["exercises"]:
        assert item["name"] in text


def test_emergency_intake_plan_has_no_exercises_and_no_checkin_button(client: Client) -> None:
    from checkins.conftest import ANSWERS

    person = make_person({**ANSWERS, "bowel_incontinence": True})
    html = client.get(person.plan_url).content.decode()
    assert services.current_plan(person.record).plan["exercises"] == []
    assert "Your exercises" not in html
    assert person.checkin_url not in html


def test_period_days_counts_since_the_last_checkin(patient) -> None:
    from datetime import timedelta

    start = patient.record.created_at
    assert services.period_days(patient.record, start) == 1
    assert services.period_days(patient.record, start + timedelta(days=5)) == 5
    assert services.period_days(patient.record, start + timedelta(days=90)) == 28


def test_failed_progression_rolls_the_whole_checkin_back(patient, monkeypatch) -> None:
    # If building the new plan fails, the whole check-in rolls back: nothing half-stored.
    import painpath.checkins.services as svc

    def boom(*args, **kwargs):
        raise RuntimeError("progression failed")

    monkeypatch.setattr(svc, "progress", boom)
    with pytest.raises(RuntimeError):
        svc.submit_checkin(
            patient.record,
            {"pain_now": 3, "pain_during": 3, "pain_next_morning": 3, "sessions_done": 1},
            "k" * 43,
        )
    assert CheckIn.objects.count() == 0
    assert PlanVersion.objects.filter(record=patient.record).count() <= 1


def test_too_many_checkins_from_one_address_are_refused_keeping_the_answers(
    client: Client, patient, settings
) -> None:
    settings.PAINPATH_CHECKIN_RATE = "2/h"
    # A fresh documentation-range address: the rate-limit counters live in the shared cache.
    addr = {"REMOTE_ADDR": f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"}
    for _ in range(2):
        assert client.post(patient.checkin_url, checkin_data(), **addr).status_code == 302
    response = client.post(patient.checkin_url, checkin_data(pain_now=7), **addr)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many check-ins" in html and "putting on socks" in html
    assert CheckIn.objects.filter(record=patient.record).count() == 2


def test_emergency_plan_page_is_titled_for_getting_checked(client: Client) -> None:
    from checkins.conftest import ANSWERS

    person = make_person({**ANSWERS, "bowel_incontinence": True})
    html = client.get(person.plan_url).content.decode()
    assert "<h1>Get checked first</h1>" in html
    assert "Your self-care plan" not in html
    # No check-in about exercises: the check-in link goes back to the plan, with a note.
    response = client.get(person.checkin_url, follow=True)
    assert response.redirect_chain[-1][0] == person.plan_url
    assert "no exercise check-ins until a doctor has seen you" in response.content.decode()


def test_a_plan_escalated_at_a_checkin_reads_as_plain_sentences(client: Client, patient) -> None:
    names = [e["name"] for e in services.current_plan(patient.record).plan["exercises"]]
    client.post(patient.checkin_url, checkin_data(ws_saddle="on"))
    html = client.get(patient.plan_url).content.decode()
    assert "<h1>Get checked first</h1>" in html
    for name in names:
        assert f"<li>{name}: stopped for now</li>" in html
    assert "stopped:" not in html
    assert patient.checkin_url not in html, "no check-in offer once care is needed first"


def test_adherence_question_for_one_day_says_today(client: Client, patient) -> None:
    html = client.get(patient.checkin_url).content.decode()
    assert services.period_days(patient.record) == 1
    assert "Did you do your exercises today?" in html
    assert "last 1 days" not in html
    with time_machine.travel(patient.record.created_at + timedelta(days=4)):
        html = client.get(patient.checkin_url).content.decode()
    assert "On how many of the last 4 days did you do your exercises?" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pain_now": None}, "Please give your pain right now: a number from 0 to 10."),
        ({"pain_now": 11}, "Your pain right now goes up to 10 at most."),
        ({"pain_during": 12}, "Your worst pain during the exercises goes up to 10 at most."),
        ({"pain_next_morning": "x"}, "Please give your pain on the morning after exercising as"),
        ({"sessions_done": 5}, "Please answer whether you did your exercises today: yes or no."),
        ({"sessions_done": None}, "Please answer whether you did your exercises today: yes or"),
        ({"psfs_score_1": 11}, "The score for activity 1 goes up to 10 at most."),
    ],
)
def test_form_errors_name_the_question_in_plain_words(
    client: Client, patient, overrides, message
) -> None:
    html = client.post(patient.checkin_url, checkin_data(**overrides)).content.decode()
    assert message in html
    assert "This field is required" not in html
    assert "Ensure this value" not in html


def test_the_error_summary_names_each_question_once(client: Client, patient) -> None:
    html = client.post(patient.checkin_url, checkin_data(pain_now="11")).content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "goes up to 10 at most" in summary
    assert summary.count("Your pain right now") <= 1
