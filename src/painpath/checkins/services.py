"""Care-plan operations on the web: the current plan, check-ins, escalation, the handout's clinic.

Views call these functions; they hold no request logic. Every write happens in one
transaction: a check-in and the plan version it produces are stored together or not at all,
and a repeated submission (same ``submission_key``) returns what was stored the first time.

Escalation: a warning sign reported at a check-in re-runs triage; the plan version it produces
has ``action="seek_care"`` and carries the new level in ``plan["triage"]``. The person's
*current* triage (:func:`current_triage`) is the most urgent of the intake's own level,
every such escalation and a therapist review that made it more urgent; when a check-in
makes it more urgent, the clinic is emailed (:func:`notify_clinic_of_escalation`, no health
details beyond the level).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from painpath.careplan.pdf import ClinicContact
from painpath.careplan.plan import Decision, Plan, assessment_from_dict, build_plan
from painpath.careplan.progression import Reassess, progress
from painpath.checkins.models import CheckIn, PlanVersion
from painpath.engine.assessment import TRIAGE_LEVELS, TriageLevel, urgency_rank
from painpath.patients.models import IntakeRecord

log = logging.getLogger(__name__)

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


class PlanChangedMeanwhile(Exception):
    """Someone saved a newer plan version since the therapist opened the page; ``current``
    is the version now in force (shown to them instead of a lost write)."""

    def __init__(self, current: PlanVersion) -> None:
        self.current = current
        super().__init__(f"the plan was changed meanwhile (now version {current.number})")


def store_therapist_version(
    record: IntakeRecord,
    author: User,
    base_number: int,
    make: Callable[[Plan], tuple[Plan, Decision]],
    *,
    now: datetime | None = None,
) -> PlanVersion:
    """Store the next plan version of ``record`` made by the therapist ``author``.

    ``base_number``: the version the therapist saw and changed; ``make(current_plan) ->
    (new_plan, decision)`` builds the new plan (``painpath.careplan.edit``) and may raise
    (``PlanEditError``: nothing is stored). One transaction, with the intake row locked as a
    check-in does, so versions stay numbered in order; the unique (record, number) constraint
    is the backstop. Raises :class:`PlanChangedMeanwhile` when the current version is no
    longer ``base_number`` (another therapist or a check-in saved first). The note stored on
    the version is the new plan's ``therapist_note``.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            IntakeRecord.objects.select_for_update().filter(pk=record.pk).first()
            current = current_plan(record)
            if current.number != base_number:
                raise PlanChangedMeanwhile(current)
            new_plan, decision = make(Plan.from_dict(current.plan))
            return PlanVersion.objects.create(
                record=record,
                number=current.number + 1,
                plan=new_plan.to_dict(),
                action=decision.action,
                author=author,
                note=new_plan.therapist_note,
                created_at=now,
            )
    except IntegrityError:
        # Another writer took the number between our read and write (a database without
        # row locks): the same answer as when it was seen in time.
        raise PlanChangedMeanwhile(current_plan(record)) from None


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
    ``[{"activity", "score"}]``; with a warning sign, an invalid or missing answer is ``None``).
    ``sessions_planned`` is the :func:`period_days`. Idempotent on ``submission_key``: a
    repeat returns the first result with ``created=False``. Raises
    :class:`CheckInRejected` when the key belongs to another intake. ``reassess`` re-runs
    triage on new warning signs (default: the engine).
    """
    existing = _existing(record, submission_key)
    if existing is not None:
        return existing
    # The clinic is alerted when a CHECK-IN makes the advice more urgent (whatever a review
    # said: a new warning sign is news to the clinic).
    before = _checkin_triage(record).level
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
            zone = patient_time_zone()
            history = [
                c.to_core(zone)
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
    after = _checkin_triage(record).level
    if urgency_rank(after) < urgency_rank(before):
        # After the commit: the clinic is told only about an escalation that was stored.
        transaction.on_commit(lambda: notify_clinic_of_escalation(record, after))
    return CheckInResult(checkin, new_version, True)


def _existing(record: IntakeRecord, submission_key: str) -> CheckInResult | None:
    checkin = CheckIn.objects.filter(submission_key=submission_key).first()
    if checkin is None:
        return None
    if checkin.record_id != record.pk:
        raise CheckInRejected("This form was already used. Please open the check-in again.")
    version = PlanVersion.objects.get(checkin=checkin)
    return CheckInResult(checkin, version, False)


def patient_time_zone() -> str:
    """The IANA zone dates are shown to patients in: the clinic's (the first clinic by name,
    as on the handout), else ``settings.TIME_ZONE``. One query."""
    from painpath.clinic.models import Clinic

    zone = Clinic.objects.order_by("name").values_list("time_zone", flat=True).first()
    return str(zone or settings.TIME_ZONE)


def clinic_contact() -> ClinicContact | None:
    """The clinic printed on the handout: the first clinic by name, or ``None`` without one."""
    from painpath.clinic.models import Clinic

    clinic = Clinic.objects.order_by("name").first()
    if clinic is None:
        return None
    return ClinicContact(
        name=clinic.name, address=clinic.address, phone=clinic.phone, email=clinic.email
    )


# --------------------------------------------------------------------------- escalation


def _intake_triage(record: IntakeRecord) -> tuple[TriageLevel, tuple[str, ...]]:
    triage = record.assessment.get("triage") or {}
    level = str(triage.get("level") or record.triage_level)
    if level not in TRIAGE_LEVELS:  # a stored level the engine no longer knows: be safe
        level = record.triage_level
    reasons = tuple(str(r) for r in triage.get("reasons", ()))
    return level, reasons  # type: ignore[return-value]


@dataclass(frozen=True)
class CurrentTriage:
    """The person's triage now (see :func:`current_triage_detail`).

    ``source``: ``"intake"`` (nothing more urgent since), ``"checkin"`` (a warning sign at a
    check-in) or ``"review"`` (the clinic's latest therapist review); ``since``: when the
    check-in or review made it this urgent (aware UTC datetime), ``None`` for the intake.
    """

    level: TriageLevel
    reasons: tuple[str, ...]
    since: datetime | None
    source: str


def _checkin_triage(record: IntakeRecord) -> CurrentTriage:
    # The intake's level and every check-in escalation (one query).
    level, reasons = _intake_triage(record)
    since: datetime | None = None
    source = "intake"
    versions = PlanVersion.objects.filter(record=record, action="seek_care").order_by("number")
    for version in versions.only("plan", "created_at"):
        triage = version.plan.get("triage") or {}
        new = triage.get("level")
        if new in TRIAGE_LEVELS and urgency_rank(new) < urgency_rank(level):
            level = new
            reasons = tuple(str(r) for r in triage.get("reasons", ()))
            since = version.created_at
            source = "checkin"
    return CurrentTriage(level, reasons, since, source)


def current_triage_detail(record: IntakeRecord, *, with_review: bool = True) -> CurrentTriage:
    """The person's triage now: the most urgent of the intake's own level, every escalation
    from a check-in (plan versions with ``action="seek_care"``, whose ``plan["triage"]`` holds
    the re-run triage) and, with ``with_review``, the latest therapist review
    (``staff.IntakeReview``) when it is MORE urgent.

    A review that LOWERS the level does not lower what the patient is shown: the engine's or a
    check-in's more urgent advice stays until the clinic talks to the person (a safety choice:
    a wrong downgrade must not silence emergency advice; staff pages show the review level).
    Two queries (one without ``with_review``).
    """
    current = _checkin_triage(record)
    if not with_review:
        return current
    from painpath.staff.models import IntakeReview

    review = (
        IntakeReview.objects.filter(intake=record)
        .order_by("-created_at", "-id")
        .only("triage_level", "created_at")
        .first()
    )
    if (
        review is not None
        and review.triage_level in TRIAGE_LEVELS
        and urgency_rank(review.triage_level) < urgency_rank(current.level)  # type: ignore[arg-type]
    ):
        return CurrentTriage(
            review.triage_level,  # type: ignore[arg-type]
            (str(REVIEW_REASON),),
            review.created_at,
            "review",
        )
    return current


#: The reason shown to the person when the clinic's review raised the level (the review's note
#: is for the clinical team and is never shown).
REVIEW_REASON = gettext_lazy(
    "A physical therapist at your clinic reviewed your answers and made the advice more urgent."
)


def current_triage(record: IntakeRecord) -> tuple[TriageLevel, tuple[str, ...], datetime | None]:
    """The person's triage now: ``(level, reasons, since)`` of :func:`current_triage_detail`.

    When a check-in or the clinic's review made it more urgent than the intake, ``reasons``
    are that escalation's reasons and ``since`` is when it was reached (aware UTC datetime);
    otherwise ``reasons`` are the intake's and ``since`` is ``None``. Two queries.
    """
    current = current_triage_detail(record)
    return current.level, tuple(str(r) for r in current.reasons), current.since


def is_escalated(record: IntakeRecord) -> bool:
    """Whether a check-in made ``record``'s triage more urgent than its intake's."""
    return _checkin_triage(record).since is not None


def _urgency_case(field: str) -> Case:
    return Case(
        *[When(**{field: level}, then=Value(rank)) for rank, level in enumerate(TRIAGE_LEVELS)],
        default=Value(len(TRIAGE_LEVELS)),
        output_field=IntegerField(),
    )


def with_current_urgency(
    queryset: models.QuerySet[IntakeRecord],
) -> models.QuerySet[IntakeRecord]:
    """``queryset`` annotated for staff lists, in the database (no query per row):

    * ``escalated_urgency``: the most urgent check-in escalation (0 = emergency .. 3), or
      ``None`` without one;
    * ``reviewed_urgency``: the level of the latest therapist review, or ``None``;
    * ``current_urgency``: the most urgent of the escalation and the therapist's level (the
      intake's own level when nobody has reviewed it). Sort by it to put escalations first.
    """
    from painpath.staff.models import IntakeReview

    escalations = (
        PlanVersion.objects.filter(record=OuterRef("pk"), action="seek_care")
        .annotate(rank=_urgency_case("plan__triage__level"))
        .order_by("rank")
        .values("rank")[:1]
    )
    reviews = (
        IntakeReview.objects.filter(intake=OuterRef("pk"))
        .annotate(rank=_urgency_case("triage_level"))
        .order_by("-created_at", "-id")
        .values("rank")[:1]
    )
    lowest = Value(len(TRIAGE_LEVELS))
    return queryset.annotate(
        escalated_urgency=Subquery(escalations, output_field=IntegerField()),
        reviewed_urgency=Subquery(reviews, output_field=IntegerField()),
    ).annotate(
        current_urgency=Least(
            Coalesce("reviewed_urgency", "urgency", output_field=IntegerField()),
            Coalesce("escalated_urgency", lowest, output_field=IntegerField()),
            output_field=IntegerField(),
        )
    )


def alert_address() -> str:
    """Where escalation alerts go: ``PAINPATH_CLINIC_ALERT_EMAIL``, else the first clinic's
    email, else the address in ``DEFAULT_FROM_EMAIL`` (``"Name <a@b>"`` -> ``a@b``)."""
    from email.utils import parseaddr

    from painpath.clinic.models import Clinic

    configured = str(getattr(settings, "PAINPATH_CLINIC_ALERT_EMAIL", "") or "").strip()
    if configured:
        return configured
    clinic_email = (
        Clinic.objects.exclude(email="").order_by("name").values_list("email", flat=True).first()
    )
    if clinic_email:
        return str(clinic_email)
    return parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]


def staff_intake_url(record: IntakeRecord) -> str:
    """Absolute URL of the staff page of ``record`` (``PAINPATH_BASE_URL`` + path)."""
    base = str(getattr(settings, "PAINPATH_BASE_URL", "")).rstrip("/")
    return base + reverse("staff:intake", args=[record.reference])


def notify_clinic_of_escalation(record: IntakeRecord, level: TriageLevel) -> bool:
    """Email the clinic that ``record`` was escalated to ``level`` at a check-in.

    The message names the level and links to the staff page (which needs a staff login); it
    carries no answers, no reasons and no patient details. Returns ``False`` (logged without
    personal data) when sending fails, so a check-in is never lost to a mail error.
    """
    to = alert_address()
    if not to:
        log.warning("escalation alert not sent: no clinic alert address configured")
        return False
    name = dict(_LEVEL_WORDS).get(level, level)
    subject = f"PainPath: an intake was escalated to {name} at a check-in"
    body = (
        f"An intake was escalated to {name} at a check-in.\n\n"
        f"Open it (staff login needed):\n{staff_intake_url(record)}\n\n"
        "The person was shown the advice for this level on their plan page. This email "
        "deliberately contains no health details.\n"
    )
    try:
        send_mail(subject, body, None, [to])
    except Exception:  # SMTP and file errors alike: the check-in is stored either way
        log.warning("sending an escalation alert failed", exc_info=False)
        return False
    return True


#: Level names in staff emails (staff-facing, English like the rest of the staff mail).
_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("emergency", "EMERGENCY"),
    ("urgent", "URGENT"),
    ("routine", "routine"),
    ("self_care", "self-care"),
)
