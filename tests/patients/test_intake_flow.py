"""The intake wizard without JavaScript: steps, back and forward, drafts, red flags, submit."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.test import Client
from django.utils import timezone

from painpath.engine.questionnaire import load_questionnaire
from painpath.patients import services
from painpath.patients.models import IntakeDraft, IntakeRecord
from painpath.patients.views import DRAFT_COOKIE

from .conftest import ROUTINE_ANSWERS, Wizard, step_number

STEP_OR_RESULT = re.compile(r"^/(start/(step/\d+/|check/|review/)|r/[A-Za-z0-9_-]{43}/)$")


def test_the_start_page_offers_to_begin_and_creates_no_draft_on_get(
    client: Client, db: None
) -> None:
    response = client.get("/start/")
    assert response.status_code == 200
    assert "Start the questions" in response.content.decode()
    assert IntakeDraft.objects.count() == 0


def test_each_step_shows_one_topic_with_a_progress_indicator(wizard: Wizard) -> None:
    first = wizard.start()
    assert first == "/start/step/1/"
    html = wizard.client.get(first).content.decode()
    count = len(load_questionnaire().steps)
    assert f"Step 1 of {count}" in html
    assert f'<progress max="{count}" value="1"' in html
    assert "<h1>About you</h1>" in html
    assert 'name="age"' in html and 'name="pain_locations"' not in html


def test_a_full_intake_stores_one_record_and_shows_its_result(wizard: Wizard) -> None:
    wizard.start()
    last = wizard.answer_all(ROUTINE_ANSWERS)
    assert last["Location"] == "/start/review/"
    response = wizard.submit()
    assert response.status_code == 302
    location = response["Location"]
    assert STEP_OR_RESULT.match(location)
    record = IntakeRecord.objects.get()
    assert record.answers["pain_locations"] == ROUTINE_ANSWERS["pain_locations"]
    assert record.assessment["triage"]["level"] == record.triage_level
    assert record.engine_version and record.knowledge_version
    # The draft is gone once submitted, and so is the device's draft cookie.
    assert IntakeDraft.objects.count() == 0
    assert wizard.client.cookies[DRAFT_COOKIE].value == ""
    page = wizard.client.get(location)
    assert page.status_code == 200
    assert "Your result" in page.content.decode()


def test_every_redirect_carries_a_step_number_or_the_token_never_an_answer(wizard: Wizard) -> None:
    wizard.start()
    for number, step in enumerate(load_questionnaire().steps, start=1):
        response = wizard.post_step(number, ROUTINE_ANSWERS)
        assert STEP_OR_RESULT.match(response["Location"]), response["Location"]
        for item in step.items:
            assert item.link_id not in response["Location"]


def test_back_keeps_the_answers_of_both_steps(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 52, "sex": "female"})
    response = wizard.post_step(2, {"pain_locations": ["outer_hip_right"]}, action="back")
    assert response["Location"] == "/start/step/1/"
    html = wizard.client.get("/start/step/1/").content.decode()
    assert 'value="52"' in html
    assert re.search(r'id="sex-female"[^>]*checked', html)
    html = wizard.client.get("/start/step/2/").content.decode()
    assert re.search(r'value="outer_hip_right" checked', html)


def test_back_with_a_half_typed_number_still_goes_back_and_keeps_the_rest(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 30})
    number = wizard.unlock("duration_days")
    response = wizard.client.post(
        f"/start/step/{number}/", {"action": "back", "duration_days": "1o", "onset": "sudden"}
    )
    assert response.status_code == 302
    draft = IntakeDraft.objects.get()
    assert draft.answers["onset"] == "sudden"
    assert "duration_days" not in draft.answers


def test_a_later_step_cannot_be_opened_before_the_earlier_ones(wizard: Wizard) -> None:
    wizard.start()
    response = wizard.client.get("/start/step/6/")
    assert response.status_code == 302
    assert response["Location"] == "/start/step/1/"
    assert wizard.client.get("/start/step/99/").status_code == 404
    assert wizard.client.get("/start/review/")["Location"] == "/start/step/1/"


def test_unanswered_questions_stay_unknown_not_no(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 30})
    number = step_number("saddle_numbness")
    wizard.client.post("/start/step/2/", {"action": "next"})
    wizard.client.post(
        f"/start/step/{number}/",
        {"action": "next", "saddle_numbness": "unsure", "bladder_change": "no"},
    )
    draft = IntakeDraft.objects.get()
    assert "saddle_numbness" not in draft.answers
    assert draft.answers["bladder_change"] is False
    assert "pain_locations" not in draft.answers  # nothing ticked: unknown, not "nowhere"


def test_none_of_these_is_stored_as_an_empty_list(wizard: Wizard) -> None:
    wizard.start()
    number = wizard.unlock("worse_with")
    wizard.client.post(f"/start/step/{number}/", {"action": "next", "worse_with": "__none__"})
    draft = IntakeDraft.objects.get()
    assert draft.answers["worse_with"] == []
    html = wizard.client.get(f"/start/step/{number}/").content.decode()
    assert re.search(r'id="worse_with-none"[^>]*checked', html)


def test_numbness_areas_are_dropped_when_the_person_then_answers_no_numbness(
    wizard: Wizard,
) -> None:
    wizard.start()
    number = wizard.unlock("numbness_any")
    wizard.post_step(
        number, {"numbness_any": True, "numbness_tingling_locations": ["foot_left", "foot_right"]}
    )
    draft = IntakeDraft.objects.get()
    # Stored in the questionnaire's region order, however they were ticked.
    assert draft.answers["numbness_tingling_locations"] == ["foot_left", "foot_right"]
    # Back to the step: the areas are still ticked (no script: they stay in the form)...
    html = wizard.client.get(f"/start/step/{number}/").content.decode()
    assert re.search(r'value="foot_left" checked', html)
    # ...and the person now says "no numbness" while the boxes are still ticked.
    wizard.client.post(
        f"/start/step/{number}/",
        {
            "action": "next",
            "numbness_any": "no",
            "numbness_tingling_locations": ["foot_left", "foot_right"],
        },
    )
    draft = IntakeDraft.objects.get()
    assert draft.answers["numbness_any"] is False
    assert "numbness_tingling_locations" not in draft.answers
    outcome = services.submit_draft(draft)
    assert outcome.record.answers["numbness_tingling_locations"] == []


def test_a_follow_up_on_the_same_step_carries_its_condition_for_the_script(wizard: Wizard) -> None:
    wizard.start()
    number = wizard.unlock("numbness_tingling_locations")
    html = wizard.client.get(f"/start/step/{number}/").content.decode()
    assert 'data-show-when="{&quot;item&quot;:&quot;numbness_any&quot;' in html
    assert "Answer this only if you answered “Yes”" in html


def test_a_half_finished_intake_can_be_resumed_on_the_same_device(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 63, "sex": "male"})
    cookie = wizard.client.cookies[DRAFT_COOKIE].value
    # The tab is closed; later the same browser (same cookie) comes back.
    other = Client()
    other.cookies[DRAFT_COOKIE] = cookie
    page = other.get("/start/").content.decode()
    assert "Carry on where I stopped" in page
    response = other.post("/start/", {"action": "resume"})
    assert response["Location"] == "/start/step/2/"
    assert 'value="63"' in other.get("/start/step/1/").content.decode()


def test_another_device_without_the_cookie_sees_no_draft(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 63})
    other = Client()
    assert "Carry on" not in other.get("/start/").content.decode()
    assert other.get("/start/step/1/")["Location"] == "/start/"


def test_a_forged_draft_cookie_is_ignored(wizard: Wizard) -> None:
    wizard.start()
    other = Client()
    other.cookies[DRAFT_COOKIE] = "x" * 43
    assert "Carry on" not in other.get("/start/").content.decode()


def test_a_draft_expires_after_24_hours_and_is_purged(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 63})
    later = timezone.now() + dt.timedelta(hours=24, minutes=1)
    with time_machine.travel(later, tick=False):
        assert "Carry on" not in wizard.client.get("/start/").content.decode()
        assert wizard.client.get("/start/step/1/")["Location"] == "/start/"
        assert services.purge_expired_drafts() == 1
    assert IntakeDraft.objects.count() == 0


def test_a_draft_saved_within_the_day_is_kept_a_day_from_its_last_save(wizard: Wizard) -> None:
    wizard.start()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=20), tick=False):
        wizard.post_step(1, {"age": 63})
    with time_machine.travel(timezone.now() + dt.timedelta(hours=30), tick=False):
        assert services.purge_expired_drafts() == 0


def test_start_again_deletes_the_old_answers(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 63})
    old = IntakeDraft.objects.get().pk
    wizard.client.post("/start/", {"action": "new"})
    draft = IntakeDraft.objects.get()
    assert draft.pk != old and draft.answers == {}


def test_a_double_submit_creates_one_record_and_both_land_on_the_same_result(
    wizard: Wizard,
) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    key = wizard.client.get("/start/review/").context["submission_key"]
    first = wizard.client.post("/start/review/", {"submission_key": key})
    second = wizard.client.post("/start/review/", {"submission_key": key})  # refresh / 2nd click
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert IntakeRecord.objects.count() == 1


def test_a_submit_with_an_unknown_key_after_expiry_asks_to_start_again(
    client: Client, db: None
) -> None:
    response = client.post("/start/review/", {"submission_key": "y" * 43}, follow=True)
    assert IntakeRecord.objects.count() == 0
    assert "Please start again" in response.content.decode()


def test_a_cauda_equina_answer_stops_the_intake_with_emergency_advice(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 44, "sex": "female"})
    wizard.post_step(2, {"pain_locations": ["low_back_center", "back_thigh_left"]})
    number = step_number("bladder_change")
    response = wizard.post_step(number, {"bladder_change": True, "saddle_numbness": True})
    assert response.status_code == 302
    assert re.match(r"^/r/[A-Za-z0-9_-]{43}/$", response["Location"])
    record = IntakeRecord.objects.get()
    assert record.triage_level == "emergency"
    html = wizard.client.get(response["Location"]).content.decode()
    assert "triage-emergency" in html
    assert "Get emergency help now" in html
    assert "Continue the questions anyway" not in html
    assert 'id="what-helps"' not in html and 'id="book"' not in html
    assert IntakeDraft.objects.count() == 0


def test_an_urgent_answer_shows_urgent_advice_with_a_choice_to_go_on(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 35, "sex": "male"})
    number = wizard.unlock("iv_drug_use")
    response = wizard.post_step(
        number, {"fever_or_chills": True, "feeling_unwell": True, "iv_drug_use": False}
    )
    assert response["Location"] == "/start/check/"
    html = wizard.client.get("/start/check/").content.decode()
    assert "triage-urgent" in html
    assert "Continue the questions anyway" in html
    assert "Finish here and save my result" in html
    # Going on: the next step opens, and the same warning sign does not interrupt again.
    go_on = wizard.client.post("/start/check/", {"action": "continue"})
    assert go_on["Location"] == f"/start/step/{number + 1}/"
    nxt = wizard.post_step(number + 1, {"history_cancer": False})
    assert nxt["Location"] == f"/start/step/{number + 2}/"
    # Finishing from the advice stores the intake as urgent.
    wizard.client.get("/start/check/")
    assert IntakeRecord.objects.count() == 0


def test_finishing_at_the_urgent_advice_stores_an_urgent_record(wizard: Wizard) -> None:
    wizard.start()
    number = wizard.unlock("iv_drug_use")
    wizard.post_step(number, {"fever_or_chills": True, "feeling_unwell": True})
    response = wizard.client.post("/start/check/", {"action": "finish"})
    assert re.match(r"^/r/[A-Za-z0-9_-]{43}/$", response["Location"])
    assert IntakeRecord.objects.get().triage_level == "urgent"


def test_the_check_page_without_a_warning_sign_sends_the_person_on(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 35})
    assert wizard.client.get("/start/check/")["Location"] == "/start/step/2/"


def test_after_the_last_step_a_changed_answer_can_go_straight_back_to_review(
    wizard: Wizard,
) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    html = wizard.client.get("/start/step/1/").content.decode()
    assert 'value="review"' in html
    response = wizard.client.post(
        "/start/step/1/", {"action": "review", "age": "44", "sex": "male"}
    )
    assert response["Location"] == "/start/review/"
    assert IntakeDraft.objects.get().answers["age"] == 44
    assert "44 years" in wizard.client.get("/start/review/").content.decode()


def test_before_the_last_step_there_is_no_shortcut_to_review(wizard: Wizard) -> None:
    wizard.start()
    assert 'value="review"' not in wizard.client.get("/start/step/1/").content.decode()
    response = wizard.client.post("/start/step/1/", {"action": "review", "age": "44"})
    assert response["Location"] == "/start/step/2/"


def test_a_radio_answer_can_be_taken_back_to_unknown(wizard: Wizard) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 30, "sex": "female"})
    assert IntakeDraft.objects.get().answers["sex"] == "female"
    wizard.client.post("/start/step/1/", {"action": "next", "age": "30", "sex": "unsure"})
    assert "sex" not in IntakeDraft.objects.get().answers
    html = wizard.client.get("/start/step/1/").content.decode()
    assert 'id="sex-unsure"' in html


def test_a_warning_sign_ticked_just_before_going_back_is_acted_on_at_once(
    wizard: Wizard,
) -> None:
    wizard.start()
    wizard.post_step(1, {"age": 44})
    wizard.post_step(2, {"pain_locations": ["low_back_center"]})
    number = step_number("bladder_change")
    response = wizard.post_step(number, {"bladder_change": True}, action="back")
    assert re.match(r"^/r/[A-Za-z0-9_-]{43}/$", response["Location"])
    assert IntakeRecord.objects.get().triage_level == "emergency"


def test_the_purge_command_deletes_only_expired_drafts(wizard: Wizard) -> None:
    from io import StringIO

    from django.core.management import call_command

    wizard.start()
    old = IntakeDraft.objects.get()
    old.expires_at = timezone.now() - dt.timedelta(minutes=1)
    old.save()
    Client().post("/start/", {"action": "new"})  # purges on the way: start a fresh one after
    IntakeDraft.objects.create(
        key_hash="f" * 64, submission_key="g" * 43, expires_at=timezone.now() - dt.timedelta(1)
    )
    out = StringIO()
    call_command("purge_intake_drafts", stdout=out)
    assert "deleted 1 expired intake draft" in out.getvalue()
    assert IntakeDraft.objects.count() == 1
