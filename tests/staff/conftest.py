"""Personas and records for the staff-side tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from painpath.clinic.models import (
    Appointment,
    AppointmentKind,
    AppointmentType,
    Clinic,
    Patient,
    Therapist,
)
from painpath.patients.models import IntakeRecord
from painpath.staff.access import FRONT_DESK_GROUP, THERAPISTS_GROUP

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; these tests are about access rules, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, group: str | None = None, **extra: Any) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def therapist_user(db: None) -> User:
    return _user("pt.jones", THERAPISTS_GROUP, first_name="Alex", last_name="Jones")


@pytest.fixture
def front_desk_user(db: None) -> User:
    return _user("desk", FRONT_DESK_GROUP)


@pytest.fixture
def outsider_user(db: None) -> User:
    """Signed in, but in no staff group (e.g. an account made for something else)."""
    return _user("outsider")


@pytest.fixture
def admin_only_user(db: None) -> User:
    """``is_staff`` (Django admin access) without a clinical role."""
    return _user("itadmin", is_staff=True)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _assessment(level: str, conditions: list[tuple[str, str, float]]) -> dict[str, Any]:
    return {
        "triage": {"level": level, "reasons": [f"reason for {level}"]},
        "conditions": [
            {
                "id": cid,
                "name": name,
                "probability": p,
                "evidence": [
                    {
                        "linkId": "worse_with",
                        "code": "coughing_sneezing_straining",
                        "effect": "for",
                        "text": "worse when you cough or sneeze",
                    }
                ],
            }
            for cid, name, p in conditions
        ],
    }


MakeIntake = Callable[..., IntakeRecord]


@pytest.fixture
def make_intake(db: None) -> MakeIntake:
    def make(
        level: str = "routine",
        created_at: dt.datetime | None = None,
        answers: dict[str, Any] | None = None,
        conditions: list[tuple[str, str, float]] | None = None,
    ) -> IntakeRecord:
        token = secrets.token_urlsafe(32)
        return IntakeRecord.objects.create(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            submission_key=secrets.token_hex(16),
            answers=answers if answers is not None else {"age": 47, "pain_now": 6},
            assessment=_assessment(
                level,
                conditions
                or [
                    ("herniated_disc", "Lumbar disc herniation", 0.46),
                    ("sciatica", "Sciatica", 0.31),
                ],
            ),
            triage_level=level,
            engine_version="test-1",
            knowledge_version="kb-test-1",
            created_at=created_at or dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC),
        )

    return make


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(
        name="Riverside PT", address="1 Main St", phone="555-0100", time_zone="America/New_York"
    )


@pytest.fixture
def make_appointment(clinic: Clinic) -> Callable[..., Appointment]:
    therapist = Therapist.objects.create(clinic=clinic, name="Sam Rivera", credentials="DPT")
    initial = AppointmentType.objects.create(
        clinic=clinic, name="Initial evaluation", kind=AppointmentKind.INITIAL, minutes=60
    )

    def make(
        start: dt.datetime, intake: IntakeRecord | None = None, name: str = "Pat Example"
    ) -> Appointment:
        patient = Patient.objects.create(
            clinic=clinic, name=name, email="pat@example.org", phone="555-0199"
        )
        return Appointment.objects.create(
            patient=patient,
            therapist=therapist,
            appointment_type=initial,
            start=start,
            end=start + dt.timedelta(minutes=60),
            intake=intake,
        )

    return make
