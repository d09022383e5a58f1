"""A review that makes the advice more urgent tells the person by email (the link only, nothing
about health); other reviews send nothing (fresh-user test finding: the patient was never told)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from painpath.patients import services as patient_services
from painpath.staff.services import record_review

ROUTINE: dict[str, Any] = {
    "age": 44,
    "pain_locations": ["low_back_center"],
    "onset_trigger": ["lifting"],
    "duration_days": 10,
}


@pytest.fixture
def routine(db: None) -> Any:
    return patient_services.submit_answers(ROUTINE, "r" * 43, email="person@example.org")


def _review(user: User, outcome: Any, level: str, capture: Any) -> None:
    with capture(execute=True):
        record_review(
            user, None, outcome.record, triage_level=level, leading_condition="muscle_strain"
        )


def test_a_review_raising_the_advice_emails_the_private_link_only(
    therapist_user: User, routine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    _review(therapist_user, routine, "urgent", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["person@example.org"]
    assert message.subject == "New advice from your clinic"
    assert f"/r/{routine.token}/" in message.body
    for health_word in ("urgent", "doctor", "strain", "back", "pain"):
        assert health_word not in message.body.lower()


@pytest.mark.parametrize("level", ["routine", "self_care"])
def test_a_review_that_does_not_raise_the_advice_sends_nothing(
    therapist_user: User, routine: Any, level: str, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    _review(therapist_user, routine, level, django_capture_on_commit_callbacks)
    assert mail.outbox == []
