"""The private result page: order of content, bands, privacy, 404s, email."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from painpath.patients import services, tokens
from painpath.patients.models import IntakeRecord
from painpath.patients.results import band

from .conftest import ROUTINE_ANSWERS, Wizard


@pytest.fixture
def routine_result(wizard: Wizard) -> tuple[str, IntakeRecord]:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    location = wizard.submit()["Location"]
    return str(location), IntakeRecord.objects.get()


def test_the_routine_journey_ends_in_routine_advice(
    routine_result: tuple[str, IntakeRecord],
) -> None:
    _, record = routine_result
    assert record.triage_level == "routine"


def test_the_result_page_shows_its_parts_in_the_agreed_order(
    client: Client, routine_result: tuple[str, IntakeRecord]
) -> None:
    location, _record = routine_result
    html = client.get(location).content.decode()
    marks = [
        'id="triage"',
        'id="causes"',
        'id="what-helps"',
        'id="seek-help"',
        'id="not-a-diagnosis"',
        'id="book"',
    ]
    positions = [html.index(m) for m in marks]
    assert positions == sorted(positions)
    assert "triage-routine" in html
    assert "This is not a diagnosis" in html


def test_the_likely_causes_come_with_why_and_a_band_not_a_percentage(
    client: Client, routine_result: tuple[str, IntakeRecord]
) -> None:
    location, record = routine_result
    html = client.get(location).content.decode()
    causes = html.split('id="causes"', 1)[1].split("</section>", 1)[0]
    top = record.assessment["conditions"][0]
    assert top["name"].split()[0] in causes or top["id"] in causes
    assert "Why we think so:" in causes
    first_for = next(e["text"] for e in top["evidence"] if e["effect"] == "for")
    assert first_for.replace("'", "&#x27;") in causes
    assert re.search(r'class="band band-(likely|possible|less)"', causes)
    assert "%" not in causes
    assert f'href="/conditions/{top["id"]}/"' in causes


def test_the_booking_button_leads_to_the_booking_flow_of_this_intake(
    client: Client, routine_result: tuple[str, IntakeRecord]
) -> None:
    location, _ = routine_result
    html = client.get(location).content.decode()
    token = location.strip("/").split("/")[-1]
    assert f'href="/r/{token}/book/"' in html
    assert "Book an initial appointment" in html


def test_bands_follow_the_documented_cut_offs() -> None:
    assert band(0.40)[0] == "likely"
    assert band(0.399)[0] == "possible"
    assert band(0.15)[0] == "possible"
    assert band(0.149)[0] == "less"


def test_a_wrong_or_malformed_token_is_a_404(client: Client, db: None) -> None:
    assert client.get("/r/" + "A" * 43 + "/").status_code == 404
    assert client.get("/r/short/").status_code == 404
    assert client.get("/r/" + "A" * 44 + "/").status_code == 404


def test_the_token_is_stored_only_as_a_digest(routine_result: tuple[str, IntakeRecord]) -> None:
    location, record = routine_result
    token = location.strip("/").split("/")[-1]
    assert record.token_hash == tokens.digest(token) != token
    assert token not in str(record.answers) + str(record.assessment) + record.submission_key


def test_result_pages_are_not_cached(
    client: Client, routine_result: tuple[str, IntakeRecord]
) -> None:
    location, _ = routine_result
    response = client.get(location)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_private_link_is_emailed_when_an_address_is_given(
    wizard: Wizard, django_capture_on_commit_callbacks: object
) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        location = wizard.submit(email="patient@example.com")["Location"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["patient@example.com"]
    assert location in message.body
    # Only the link: nothing about the person's health.
    record = IntakeRecord.objects.get()
    for cond in record.assessment["conditions"]:
        assert cond["name"] not in message.body
    assert record.triage_level not in message.body.lower().replace("self-care", "")
    assert record.contact_email == "patient@example.com"


def test_no_email_is_sent_without_an_address(
    wizard: Wizard, django_capture_on_commit_callbacks: object
) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        wizard.submit()
    assert mail.outbox == []


def test_submitting_the_same_answers_twice_through_the_service_is_idempotent(db: None) -> None:
    first = services.submit_answers(ROUTINE_ANSWERS, "k" * 43)
    second = services.submit_answers(ROUTINE_ANSWERS, "k" * 43)
    assert first.created and not second.created
    assert first.record.pk == second.record.pk and first.token == second.token
    assert services.record_for_token(first.token).pk == first.record.pk


def test_the_staff_sort_field_follows_the_triage_level(db: None) -> None:
    outcome = services.submit_answers({"age": 50, "bladder_change": True}, "e" * 43)
    assert outcome.record.triage_level == "emergency"
    assert outcome.record.urgency == 0


def test_the_email_notice_shows_once_and_a_later_visit_never_repeats_it(
    wizard: Wizard, django_capture_on_commit_callbacks: object
) -> None:
    wizard.start()
    wizard.answer_all(ROUTINE_ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        location = wizard.submit(email="patient@example.com")["Location"]
    first = wizard.client.get(location).content.decode()
    second = wizard.client.get(location).content.decode()
    third = wizard.client.get(location).content.decode()
    assert "We are sending the private link to your email." in first
    assert "We are sending the private link" not in second
    assert second == third


def test_each_token_gets_its_own_page(db: None, client: Client) -> None:
    one = services.submit_answers(ROUTINE_ANSWERS, "a" * 43)
    two = services.submit_answers({"age": 70, "bladder_change": True}, "b" * 43)
    page_one = client.get(f"/r/{one.token}/").content.decode()
    page_two = client.get(f"/r/{two.token}/").content.decode()
    assert one.token in page_one and two.token not in page_one
    assert "triage-emergency" in page_two and "triage-emergency" not in page_one
    assert client.head(f"/r/{one.token}/").status_code == 200


def test_every_visit_reads_the_intake_in_one_query(
    db: None, client: Client, django_assert_num_queries: Any
) -> None:
    outcome = services.submit_answers(ROUTINE_ANSWERS, "c" * 43)
    first = client.get(f"/r/{outcome.token}/").content
    with django_assert_num_queries(1):
        again = client.get(f"/r/{outcome.token}/").content
    assert again == first


def test_a_deleted_intake_stops_being_served_at_once(db: None, client: Client) -> None:
    outcome = services.submit_answers(ROUTINE_ANSWERS, "d" * 43)
    assert client.get(f"/r/{outcome.token}/").status_code == 200
    outcome.record.delete()
    assert client.get(f"/r/{outcome.token}/").status_code == 404


def _review(record: IntakeRecord, level: str, condition: str) -> None:
    """A therapist's review of ``record`` that sets ``level`` (as the staff form stores it)."""
    from django.contrib.auth.models import User

    from painpath.staff.models import IntakeReview

    IntakeReview.objects.create(
        intake=record,
        reviewer=User.objects.create_user(f"therapist-{record.pk}-{level}"),
        triage_level=level,
        leading_condition=condition,
        agrees_with_engine=False,
    )


def test_a_review_that_escalates_shows_on_the_very_next_visit(db: None, client: Client) -> None:
    """No server-side copy of the page outlives a change of advice (any process may serve it)."""
    outcome = services.submit_answers(ROUTINE_ANSWERS, "h" * 43)
    before = client.get(f"/r/{outcome.token}/").content.decode()
    assert "triage-routine" in before and "triage-emergency" not in before
    _review(outcome.record, "emergency", "cauda_equina_syndrome")
    after = client.get(f"/r/{outcome.token}/").content.decode()
    assert "triage-emergency" in after
    assert "Earlier advice (replaced by the advice above)" in after
    # Nothing under the emergency advice suggests waiting: no self-care, no booking.
    assert 'id="what-helps"' in before and 'id="what-helps"' not in after
    assert 'id="book"' in before and 'id="book"' not in after


def test_an_urgent_review_replaces_self_care_with_see_a_doctor_first(
    db: None, client: Client
) -> None:
    outcome = services.submit_answers(ROUTINE_ANSWERS, "u" * 43)
    _review(outcome.record, "urgent", "spinal_infection")
    html = client.get(f"/r/{outcome.token}/").content.decode()
    assert "triage-urgent" in html
    assert 'id="what-helps"' not in html
    assert 'id="seek-help"' not in html  # "not better after two weeks" is no advice now
    assert 'id="book"' in html
    assert "See a doctor first, within 24 hours." in html


def test_an_urgent_result_lists_no_slower_get_help_sooner_advice(db: None, client: Client) -> None:
    answers = {**ROUTINE_ANSWERS, "leg_weakness": "worsening"}
    outcome = services.submit_answers(answers, "v" * 43)
    assert outcome.record.triage_level == "urgent"
    html = client.get(f"/r/{outcome.token}/").content.decode()
    assert "triage-urgent" in html
    assert 'id="seek-help"' not in html and "not clearly better" not in html
    # What to do when it gets worse is in the advice box itself.
    assert "go to an emergency department at once" in html
