"""The demo clinic: a fictional clinic, three therapists, their hours and appointment types.

``load_demo_clinic()`` is idempotent: fixed UUIDs (uuid5 of fixed names) identify the demo
objects, so running it again updates them instead of adding copies, and booked appointments
are kept. Everything is invented: 555-01xx is the range reserved for fictional US numbers and
no patient data is created.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import time

from django.contrib.auth import get_user_model
from django.db import transaction

from painpath.clinic.models import (
    AppointmentKind,
    AppointmentType,
    Clinic,
    Therapist,
    WorkingHours,
)

_NS = uuid.UUID("6f1d3a52-6a0e-4c1b-9d0e-5b0c3a7e2f10")


def demo_id(name: str) -> uuid.UUID:
    """The fixed UUID of a demo object (uuid5 in PainPath's demo namespace)."""
    return uuid.uuid5(_NS, name)


CLINIC = {
    "name": "Riverbend Physical Therapy (demo)",
    "address": "120 Harbor Street, Suite 4\nSpringfield, NY 12345",
    "phone": "+1 555 0100",
    "email": "frontdesk@riverbend.example",
    "time_zone": "America/New_York",
}

# (key, name, credentials, bio, weekly hours as (weekday, start, end); 0 = Monday)
THERAPISTS = [
    (
        "dana",
        "Dana Whitfield",
        "PT, DPT, OCS",
        "Orthopaedic clinical specialist. Works mostly with people whose lower back pain keeps "
        "coming back, and with desk workers who want to sit and lift without flare-ups.",
        [(d, time(8), time(12)) for d in range(5)] + [(d, time(13), time(17)) for d in range(4)],
    ),
    (
        "marcus",
        "Marcus Oyelaran",
        "PT, DPT",
        "Treats hip and buttock pain, including pain on the outside of the hip, and helps "
        "runners and walkers return to their distances.",
        [(d, time(10), time(18)) for d in (0, 2, 4)] + [(5, time(9), time(13))],
    ),
    (
        "priya",
        "Priya Raman",
        "PT, DPT, CSCS",
        "Strength and conditioning specialist. Builds graded exercise programmes for back pain "
        "and sciatica and for getting back to work, sport and lifting.",
        [(d, time(7, 30), time(11, 30)) for d in (1, 3)]
        + [(d, time(12), time(16)) for d in (1, 3)]
        + [(d, time(9), time(15)) for d in (0, 4)],
    ),
]

# (key, name, kind, minutes, buffer after, description)
TYPES = [
    (
        "initial",
        "Initial evaluation",
        AppointmentKind.INITIAL,
        60,
        15,
        "History, examination and a first treatment plan with a physical therapist.",
    ),
    (
        "follow-30",
        "Follow-up (30 min)",
        AppointmentKind.FOLLOW_UP,
        30,
        10,
        "Review of progress, exercises and treatment.",
    ),
    (
        "follow-45",
        "Follow-up (45 min)",
        AppointmentKind.FOLLOW_UP,
        45,
        15,
        "A longer follow-up with hands-on treatment and exercise progression.",
    ),
]

STAFF_USERNAME = "demo-staff"


@dataclass(frozen=True)
class DemoResult:
    """What ``load_demo_clinic`` did: the clinic, and the staff password if it was generated
    now (None when it came from the caller or the user already existed)."""

    clinic: Clinic
    staff_username: str
    generated_password: str | None
    created: bool


@transaction.atomic
def load_demo_clinic(password: str | None = None) -> DemoResult:
    """Create or update the demo clinic and the demo staff user; see the module docstring.

    ``password``: the staff user's password (e.g. from ``PAINPATH_DEMO_PASSWORD``); when None a
    random one is generated for a new user and returned once in ``generated_password``; an
    existing user keeps its password.
    """
    clinic, created = Clinic.objects.update_or_create(id=demo_id("clinic"), defaults=CLINIC)
    for key, name, credentials, bio, hours in THERAPISTS:
        therapist, _ = Therapist.objects.update_or_create(
            id=demo_id(f"therapist:{key}"),
            defaults={
                "clinic": clinic,
                "name": name,
                "credentials": credentials,
                "bio": bio,
                "active": True,
            },
        )
        for weekday, start, end in hours:
            WorkingHours.objects.get_or_create(
                therapist=therapist, weekday=weekday, start_time=start, end_time=end
            )
    for key, name, kind, minutes, buffer, description in TYPES:
        AppointmentType.objects.update_or_create(
            id=demo_id(f"type:{key}"),
            defaults={
                "clinic": clinic,
                "name": name,
                "kind": kind,
                "minutes": minutes,
                "buffer_after_minutes": buffer,
                "description": description,
                "active": True,
            },
        )
    user_model = get_user_model()
    user = user_model.objects.filter(username=STAFF_USERNAME).first()
    generated: str | None = None
    if user is None:
        user = user_model(username=STAFF_USERNAME, email="staff@riverbend.example")
        if password is None:
            generated = secrets.token_urlsafe(12)
        user.set_password(password or generated)
    elif password is not None:
        user.set_password(password)
    # Demo convenience: one account for the admin and the therapist pages.
    user.is_staff = True
    user.is_superuser = True
    user.first_name = "Demo"
    user.last_name = "Staff"
    user.save()
    return DemoResult(
        clinic=clinic, staff_username=STAFF_USERNAME, generated_password=generated, created=created
    )
