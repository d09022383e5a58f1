"""Care-plan operations on the web: the current plan, check-ins, the handout's clinic.

Views call these functions; they hold no request logic. Every write happens in one
transaction: a check-in and the plan version it produces are stored together or not at all,
and a repeated submission (same ``submission_key``) returns what was stored the first time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from painpath.careplan.pdf import ClinicContact
from painpath.careplan.plan import Plan, assessment_from_dict, build_plan
from painpath.careplan.progression import Reassess, progress
from painpath.checkins.models import CheckIn, PlanVersion
from painpath.patients.models import IntakeRecord

#: The adherence question covers at most this many days ("on how many of the last N days...").
MAX_PERIOD_DAYS = 28

CHECKIN_FIELDS = (
    "pain_now",
    "pain_during",
    "pain_next_morning",
    "psfs",
    "global_change",
    "sessions_done",
    "warning_signs",
)


class CheckInRejected(ValueError):
    """The check-in cannot be stored (message safe to show)."""


@dataclass(frozen=True)
class CheckInResult:
    """A stored check-in, the plan version it produced, and whether it was new."""

    checkin: CheckIn
    version: PlanVersion
    created: bool


def current_plan(record: IntakeRecord) -> PlanVersion:
    """The newest plan version of ``record``; version 1 is built from its stored assessment
    on first use (concurrent first visits create it once)."""
    latest = PlanVersion.objects.filter(record=record).order_by("-number").first()
    if latest is not None:
        return latest
    plan = build_plan(assessment_from_dict(record.assessment, record.answers))
    try:
        with transaction.atomic():
            return PlanVersion.objects.create(
                record=record, number=1, plan=plan.to_dict(), action="start"
            )
    except IntegrityError:  # another request created it first
        return PlanVersion.objects.filter(record=record).get(number=1)


def period_days(record: IntakeRecord, now: datetime | None = None) -> int:
    """Days the next check-in covers: since the last check-in (or the intake), 1 to 28."""
    now = now or timezone.now()
    last = CheckIn.objects.filter(record=record).order_by("-created_at").first()
    since = last.created_at if last is not None else record.created_at
    days = (now.date() - since.date()).days
    return max(1, min(MAX_PERIOD_DAYS, days))


def submit_checkin(
    record: IntakeRecord,
    values: Mapping[str, Any],
    submission_key: str,
    *,
    now: datetime | None = None,
    reassess: Reassess | None = None,
) -> CheckInResult:
    """Store a check-in and the plan version it produces, in ONE transaction.

    ``values``: the :data:`CHECKIN_FIELDS` (validated by the form; ``psfs`` as
    ``[{"activity", "score"}]``). ``sessions_planned`` is the :func:`period_days`. Idempotent
    on ``submission_key``: a repeat returns the first result with ``created=False``. Raises
    :class:`CheckInRejected` when the key belongs to another intake. ``reassess`` re-runs
    triage on new warning signs (default: the engine).
    """
    existing = _existing(record, submission_key)
    if existing is not None:
        return existing
    unknown = set(values) - set(CHECKIN_FIELDS)
    if unknown:
        raise CheckInRejected(f"unknown check-in fields: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # One check-in at a time per intake: versions are numbered in order (PostgreSQL
            # locks the row; SQLite serialises writers anyway).
            IntakeRecord.objects.select_for_update().filter(pk=record.pk).first()
            version = current_plan(record)
            checkin = CheckIn.objects.create(
                record=record,
                submission_key=submission_key,
                created_at=now,
                sessions_planned=period_days(record, now),
                **dict(values),
            )
            history = [
                c.to_core()
                for c in CheckIn.objects.filter(record=record).order_by("created_at", "id")
            ]
            new_plan, decision = progress(Plan.from_dict(version.plan), history, reassess=reassess)
            new_version = PlanVersion.objects.create(
                record=record,
                number=version.number + 1,
                plan=new_plan.to_dict(),
                action=decision.action,
                checkin=checkin,
                created_at=now,
            )
    except IntegrityError:
        # The same submission raced in from a second request: return what it stored.
        existing = _existing(record, submission_key)
        if existing is None:
            raise
        return existing
    return CheckInResult(checkin, new_version, True)


def _existing(record: IntakeRecord, submission_key: str) -> CheckInResult | None:
    checkin = CheckIn.objects.filter(submission_key=submission_key).first()
    if checkin is None:
        return None
    if checkin.record_id != record.pk:
        raise CheckInRejected("This form was already used. Please open the check-in again.")
    version = PlanVersion.objects.get(checkin=checkin)
    return CheckInResult(checkin, version, False)


def clinic_contact() -> ClinicContact | None:
    """The clinic printed on the handout: the first clinic by name, or ``None`` without one."""
    from painpath.clinic.models import Clinic

    clinic = Clinic.objects.order_by("name").first()
    if clinic is None:
        return None
    return ClinicContact(
        name=clinic.name, address=clinic.address, phone=clinic.phone, email=clinic.email
    )
