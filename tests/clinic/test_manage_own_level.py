"""The emailed appointment page of a visit booked from an URGENT or EMERGENCY result shows that
result's advice, as the booking pages do (fresh-user test: it showed only the visit and
"Choose another time"). An emergency intake offers other times only after "I have been seen"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from checkins.conftest import ANSWERS, make_person
from painpath.clinic.models import AppointmentType, Therapist
from painpath.clinic.services import PatientDetails, book_appointment, make_manage_token

from .conftest import MONDAY_7AM, local

TUESDAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(MONDAY_7AM, tick=False):
        yield


def _page_of_a_visit_booked_from(
    answers: dict[str, Any],
    client: Client,
    therapist: Therapist,
    initial: AppointmentType,
    person: PatientDetails,
    query: str = "",
) -> str:
    intake = make_person(answers)
    appointment = book_appointment(
        appointment_type=initial,
        therapist=therapist,
        start=local(TUESDAY, 10),
        patient=person,
        intake=intake.record,
    )
    token = make_manage_token(appointment)
    return client.get(f"/appointments/{token}/{query}").content.decode()


def test_an_urgent_result_s_advice_comes_first(
    client: Client, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    page = _page_of_a_visit_booked_from(
        {**ANSWERS, "leg_weakness": "worsening"}, client, therapist, initial, person
    )
    assert 'class="triage triage-urgent"' in page
    assert "See a doctor within 24 hours" in page
    assert "Move my appointment" in page  # physical therapy after the doctor stays possible


def test_an_emergency_result_shows_the_call_button_and_times_only_after_being_seen(
    client: Client, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    answers = {**ANSWERS, "saddle_numbness": True}
    page = _page_of_a_visit_booked_from(answers, client, therapist, initial, person)
    assert 'class="triage triage-emergency"' in page
    assert 'class="button emergency-call" href="tel:911"' in page
    assert "Move my appointment" not in page
    assert 'href="?seen=1"' in page and "I have been seen: show other times" in page


def test_after_being_seen_an_emergency_intake_may_choose_another_time(
    client: Client, therapist: Therapist, initial: AppointmentType, person: PatientDetails
) -> None:
    answers = {**ANSWERS, "saddle_numbness": True}
    page = _page_of_a_visit_booked_from(
        answers, client, therapist, initial, person, query="?seen=1"
    )
    assert 'class="triage triage-emergency"' in page  # the advice stays on top
    assert "Move my appointment" in page
