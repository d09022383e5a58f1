"""Scheduling operations: free slots, book, cancel, reschedule, reminders.

These plain functions are the only place where bookings change; the JSON API
(``painpath.clinic.api``) and the patient booking pages both call them. Errors are domain
exceptions whose messages are safe to show to the person booking:

* ``BookingValidationError(field, message)``: bad input; ``field`` names it (``"start"``,
  ``"therapist"``, ``"appointment_type"``, ``"patient.email"``, ``"end"``, ...). HTTP 422.
* ``SlotUnavailableError``: the time was free a moment ago but is taken now (or overlaps another
  visit). HTTP 409.
* ``AlreadyBookedError``: the intake the booking comes from already has an upcoming initial
  evaluation (``appointment``); change or cancel that one instead. HTTP 409.
* ``InvalidTokenError`` / ``ExpiredTokenError``: a cancel/reschedule link that is forged,
  damaged or too old. HTTP 404 / 410.

All instants in and out are timezone-aware; they are stored in UTC. Every write runs in one
``transaction.atomic()`` block, so a failed request leaves nothing half-written. On SQLite the
project's settings make that block ``BEGIN IMMEDIATE`` (writers queue up), and the overlap check
inside it is therefore race-free; on PostgreSQL the exclusion constraint (migration 0002) turns a
lost race into an ``IntegrityError``, reported as ``SlotUnavailableError``.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from painpath.clinic.availability import BusyIndex, DayRules, Period, candidate_starts, minutes_of
from painpath.clinic.models import (
    ACTIVE,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AppointmentType,
    AvailabilityException,
    Clinic,
    ExceptionKind,
    Patient,
    Therapist,
    WorkingHours,
)
from painpath.patients.models import IntakeRecord

logger = logging.getLogger(__name__)

#: Salt of the signed cancel/reschedule tokens (a token for anything else never verifies here).
TOKEN_SALT = "painpath.clinic.manage-appointment"


def token_max_age() -> timedelta:
    """How long a cancel/reschedule link stays valid: ``PAINPATH_MANAGE_TOKEN_DAYS`` (default
    70 days: the 8-week booking horizon plus two weeks)."""
    return timedelta(days=getattr(settings, "PAINPATH_MANAGE_TOKEN_DAYS", 70))


class SchedulingError(Exception):
    """Base of the scheduling errors; ``str(exc)`` is safe to show to the person booking."""


class BookingValidationError(SchedulingError):
    """Invalid input; ``field`` names it (dotted for nested fields, e.g. ``patient.email``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class SlotUnavailableError(SchedulingError):
    """The requested time is taken (a concurrent booking won, or it overlaps another visit)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _("This time is no longer available. Please choose another.")
        super().__init__(self.message)


class AlreadyBookedError(SchedulingError):
    """The intake already has an upcoming booked initial evaluation, ``appointment``: one intake
    books one first visit at a time (the person moves or cancels it from its own link)."""

    def __init__(self, appointment: Appointment) -> None:
        self.appointment = appointment
        self.message = _(
            "You already have an appointment booked from this result. To change it, use "
            '"Change or cancel" on that appointment.'
        )
        super().__init__(self.message)


class InvalidTokenError(SchedulingError):
    """A cancel/reschedule token that is forged, damaged or names no appointment."""


class ExpiredTokenError(InvalidTokenError):
    """A correctly signed cancel/reschedule token older than ``token_max_age()``."""


@dataclass(frozen=True, slots=True)
class Slot:
    """A free slot: ``therapist`` (with ``clinic`` loaded); ``start``/``end`` aware, in UTC."""

    therapist: Therapist
    start: datetime
    end: datetime

    @property
    def local_start(self) -> datetime:
        """``start`` in the clinic's time zone (for display)."""
        return self.start.astimezone(self.therapist.clinic.tz)

    @property
    def local_end(self) -> datetime:
        """``end`` in the clinic's time zone (for display)."""
        return self.end.astimezone(self.therapist.clinic.tz)


@dataclass(frozen=True, slots=True)
class PatientDetails:
    """Contact details given when booking. ``name``, ``email`` and ``phone`` are required;
    ``date_of_birth`` is optional (None = not given)."""

    name: str
    email: str
    phone: str
    date_of_birth: date | None = None


# --- helpers ---------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    value = now or timezone.now()
    if timezone.is_naive(value):
        raise ValueError("now must be timezone-aware")
    return value


def _require_aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise BookingValidationError(field, _("Give a date and time."))
    if timezone.is_naive(value):
        raise BookingValidationError(
            field, _("Give the time with its UTC offset, e.g. 2026-03-09T09:00:00-04:00.")
        )
    return value


def _day_rules(therapists: Sequence[Therapist], first: date, last: date) -> dict[UUID, DayRules]:
    weekly: dict[UUID, dict[int, list[Period]]] = defaultdict(lambda: defaultdict(list))
    for hours in WorkingHours.objects.filter(therapist__in=therapists):
        weekly[hours.therapist_id][hours.weekday].append(
            (minutes_of(hours.start_time), minutes_of(hours.end_time))
        )
    off_days: dict[UUID, set[date]] = defaultdict(set)
    off: dict[UUID, dict[date, list[Period]]] = defaultdict(lambda: defaultdict(list))
    extra: dict[UUID, dict[date, list[Period]]] = defaultdict(lambda: defaultdict(list))
    for exc in AvailabilityException.objects.filter(
        therapist__in=therapists, date__gte=first, date__lte=last
    ):
        if exc.start_time is None or exc.end_time is None:
            off_days[exc.therapist_id].add(exc.date)
            continue
        period = (minutes_of(exc.start_time), minutes_of(exc.end_time))
        target = extra if exc.kind == ExceptionKind.EXTRA else off
        target[exc.therapist_id][exc.date].append(period)
    return {
        t.id: DayRules(
            weekly={k: sorted(v) for k, v in weekly[t.id].items()},
            off_days=frozenset(off_days[t.id]),
            off_periods=dict(off[t.id]),
            extra_periods=dict(extra[t.id]),
        )
        for t in therapists
    }


def _busy_indexes(
    therapists: Sequence[Therapist],
    window_start: datetime,
    window_end: datetime,
    exclude: UUID | None = None,
) -> dict[UUID, BusyIndex]:
    # A visit lasts at most 8 h plus a 4 h buffer (model validators), so one day of margin
    # catches every visit whose busy range reaches into the window.
    query = Appointment.objects.filter(ACTIVE, therapist__in=therapists).filter(
        start__lt=window_end, start__gte=window_start - timedelta(days=1)
    )
    if exclude is not None:
        query = query.exclude(id=exclude)
    rows = query.values_list("therapist_id", "start", "busy_until")
    ranges: dict[UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for therapist_id, start, until in rows:
        ranges[therapist_id].append((start, until))
    return {t.id: BusyIndex(ranges[t.id]) for t in therapists}


def _bounds(clinic: Clinic, now: datetime) -> tuple[datetime, datetime]:
    """(earliest start, latest start) allowed by the minimum notice and the booking horizon."""
    earliest = now + timedelta(minutes=clinic.min_notice_minutes)
    latest = now + timedelta(days=clinic.horizon_days)
    return earliest, latest


def _therapists_for(
    appointment_type: AppointmentType, therapist: Therapist | None
) -> list[Therapist]:
    if therapist is not None:
        if therapist.clinic_id != appointment_type.clinic_id or not therapist.active:
            raise BookingValidationError("therapist", _("This therapist cannot be booked."))
        return [therapist]
    return list(
        Therapist.objects.filter(clinic_id=appointment_type.clinic_id, active=True).select_related(
            "clinic"
        )
    )


def _check_type(appointment_type: AppointmentType) -> None:
    if not isinstance(appointment_type, AppointmentType) or not appointment_type.active:
        raise BookingValidationError(
            "appointment_type", _("This type of appointment cannot be booked.")
        )


def _slots(
    appointment_type: AppointmentType,
    therapists: Sequence[Therapist],
    first: date,
    last: date,
    now: datetime,
    *,
    with_busy: bool = True,
    exclude: UUID | None = None,
) -> list[Slot]:
    clinic = appointment_type.clinic
    zone = clinic.tz
    earliest, latest = _bounds(clinic, now)
    # Nothing before today or after the horizon can be booked: clip the range (this also keeps
    # absurd ranges such as year 1 to year 9999 cheap).
    first = max(first, now.astimezone(zone).date())
    last = min(last, latest.astimezone(zone).date())
    if first > last or not therapists:
        return []
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    rules = _day_rules(therapists, first, last)
    busy: dict[UUID, BusyIndex] = {}
    if with_busy:
        window_start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
        window_end = datetime.combine(last + timedelta(days=2), datetime.min.time(), tzinfo=zone)
        busy = _busy_indexes(therapists, window_start, window_end, exclude=exclude)
    duration = appointment_type.duration
    slots: list[Slot] = []
    for therapist in therapists:
        for start in candidate_starts(
            days,
            rules[therapist.id],
            zone,
            duration=duration,
            buffer=appointment_type.buffer,
            step=timedelta(minutes=clinic.slot_step_minutes),
            earliest=earliest,
            latest=latest,
            busy=busy.get(therapist.id),
        ):
            slots.append(Slot(therapist=therapist, start=start, end=start + duration))
    slots.sort(key=lambda s: (s.start, s.therapist.name, str(s.therapist.id)))
    return slots


# --- availability ----------------------------------------------------------------------------


def find_free_slots(
    appointment_type: AppointmentType,
    start_date: date,
    end_date: date,
    therapist: Therapist | None = None,
    *,
    now: datetime | None = None,
) -> list[Slot]:
    """Free slots of ``appointment_type`` on local dates ``start_date``..``end_date`` (inclusive,
    in the clinic's time zone), for ``therapist`` or every active therapist of the clinic.

    Honours weekly hours, dated exceptions, existing visits and their buffers, the minimum notice
    (``Clinic.min_notice_minutes``, default 2 h) and the horizon (``Clinic.horizon_days``,
    default 8 weeks), both measured from ``now`` (default: the current time). Returns slots
    sorted by start, then therapist name. Raises ``BookingValidationError`` for
    ``end`` before ``start`` (field ``"end"``), an inactive type or a therapist of another
    clinic.
    """
    _check_type(appointment_type)
    if end_date < start_date:
        raise BookingValidationError("end", _("The end date must not be before the start date."))
    therapists = _therapists_for(appointment_type, therapist)
    return _slots(appointment_type, therapists, start_date, end_date, _now(now))


def first_available_slots(
    appointment_type: AppointmentType,
    therapist: Therapist | None = None,
    *,
    after: datetime | None = None,
    limit: int = 5,
    now: datetime | None = None,
) -> list[Slot]:
    """The first ``limit`` free slots starting at or after ``after`` (default: now), searched a
    week at a time up to the horizon; fewer (or none) when the calendar is full. Same rules
    and errors as ``find_free_slots``."""
    _check_type(appointment_type)
    current = _now(now)
    therapists = _therapists_for(appointment_type, therapist)
    zone = appointment_type.clinic.tz
    threshold = max(after or current, current)
    day = threshold.astimezone(zone).date()
    last = (current + timedelta(days=appointment_type.clinic.horizon_days)).astimezone(zone).date()
    found: list[Slot] = []
    while day <= last and len(found) < limit:
        week_end = min(day + timedelta(days=6), last)
        found.extend(
            s
            for s in _slots(appointment_type, therapists, day, week_end, current)
            if s.start >= threshold
        )
        day = week_end + timedelta(days=1)
    return found[:limit]


# --- validation ------------------------------------------------------------------------------

_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()./-]+$")


def clean_phone(phone: str | None) -> str:
    """``phone`` trimmed; raise ``BookingValidationError("patient.phone", ...)`` unless it is
    7 to 15 digits (E.164 allows at most 15; fewer than 7 reach no one) with only spaces,
    ``( ) . / -`` and a leading ``+`` besides, 40 characters at most. The booking form calls
    it too, so its error shows together with the other fields' errors."""
    text = (phone or "").strip()
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE_ALLOWED.match(text) or not 7 <= digits <= 15 or len(text) > 40:
        raise BookingValidationError(
            "patient.phone", _("Please give a phone number (digits, optionally starting with +).")
        )
    return text


def clean_patient(details: PatientDetails) -> PatientDetails:
    """Return ``details`` trimmed and checked; raise ``BookingValidationError`` naming the field
    (``patient.name``, ``patient.email``, ``patient.phone``, ``patient.date_of_birth``)."""
    name = (details.name or "").strip()
    if not name:
        raise BookingValidationError("patient.name", _("Please give your name."))
    if len(name) > 200:
        raise BookingValidationError(
            "patient.name", _("The name is too long (200 characters at most).")
        )
    email = (details.email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise BookingValidationError(
            "patient.email", _("Please give a valid email address, like name@example.com.")
        ) from None
    phone = clean_phone(details.phone)
    dob = details.date_of_birth
    if dob is not None and (dob > timezone.now().date() or dob.year < 1900):
        raise BookingValidationError("patient.date_of_birth", _("Please check the date of birth."))
    return PatientDetails(name=name, email=email, phone=phone, date_of_birth=dob)


def _check_start(
    appointment_type: AppointmentType,
    therapist: Therapist,
    start: datetime,
    now: datetime,
) -> None:
    """Raise ``BookingValidationError("start", ...)`` unless ``start`` is in the future, within
    notice and horizon, and on the therapist's slot grid inside working hours (existing visits
    are checked later, inside the booking transaction)."""
    clinic = appointment_type.clinic
    earliest, latest = _bounds(clinic, now)
    if start <= now:
        raise BookingValidationError("start", _("This time is in the past."))
    if start < earliest:
        hours = clinic.min_notice_minutes / 60
        raise BookingValidationError(
            "start",
            ngettext(
                "Appointments must be booked at least %(hours)s hour ahead.",
                "Appointments must be booked at least %(hours)s hours ahead.",
                int(hours) if hours.is_integer() else 2,
            )
            % {"hours": f"{hours:g}"},
        )
    if start > latest:
        raise BookingValidationError(
            "start",
            _("Appointments can be booked at most %(days)s days ahead.")
            % {"days": clinic.horizon_days},
        )
    local_day = start.astimezone(clinic.tz).date()
    grid = _slots(appointment_type, [therapist], local_day, local_day, now, with_busy=False)
    if not any(slot.start == start for slot in grid):
        raise BookingValidationError(
            "start", _("This time is not an available start time in the therapist's working hours.")
        )


def _overlapping(
    therapist: Therapist, start: datetime, until: datetime, exclude: UUID | None
) -> bool:
    query = Appointment.objects.filter(
        ACTIVE, therapist=therapist, start__lt=until, busy_until__gt=start
    )
    if exclude is not None:
        query = query.exclude(id=exclude)
    return query.exists()


def _patient_for(clinic: Clinic, details: PatientDetails) -> Patient:
    # Reuse a record only when name and email both match, and never overwrite stored details
    # from an anonymous request (someone else could type a person's email address).
    existing = (
        Patient.objects.filter(clinic=clinic, email__iexact=details.email, name=details.name)
        .order_by("created_at")
        .first()
    )
    if existing is not None:
        return existing
    return Patient.objects.create(
        clinic=clinic,
        name=details.name,
        email=details.email,
        phone=details.phone,
        date_of_birth=details.date_of_birth,
    )


# --- booking ---------------------------------------------------------------------------------


def book_appointment(
    *,
    appointment_type: AppointmentType,
    therapist: Therapist,
    start: datetime,
    patient: PatientDetails,
    intake: IntakeRecord | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book ``appointment_type`` with ``therapist`` at ``start`` (aware datetime) for ``patient``.

    ``intake``: optional ``patients.IntakeRecord`` that led to the booking. Returns the saved
    ``Appointment`` (status booked). After the transaction commits, a confirmation email with an
    .ics attachment and cancel/reschedule links is sent (a failed send is logged, the booking
    stands).

    Raises ``BookingValidationError`` (field named: appointment_type, therapist, start,
    patient.*), ``SlotUnavailableError`` if the time is taken, possibly by a concurrent request,
    or ``AlreadyBookedError`` when an initial evaluation is booked from an ``intake`` that
    already has an upcoming one (checked under a lock on the intake row, so two concurrent
    requests cannot both book). Nothing is written when an error is raised.
    """
    current = _now(now)
    _check_type(appointment_type)
    if not isinstance(therapist, Therapist):
        raise BookingValidationError("therapist", _("Unknown therapist."))
    _therapists_for(appointment_type, therapist)
    start = _require_aware(start, "start")
    details = clean_patient(patient)
    _check_start(appointment_type, therapist, start, current)
    end = start + appointment_type.duration
    busy_until = end + appointment_type.buffer
    try:
        with transaction.atomic():
            if intake is not None and appointment_type.kind == AppointmentKind.INITIAL:
                # Lock the intake row: a second concurrent booking from it waits, then sees
                # the first (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
                list(IntakeRecord.objects.select_for_update().filter(pk=intake.pk).values("pk"))
                existing = upcoming_initial_evaluation(intake, now=current)
                if existing is not None:
                    raise AlreadyBookedError(existing)
            if _overlapping(therapist, start, busy_until, None):
                raise SlotUnavailableError()
            appointment = Appointment.objects.create(
                patient=_patient_for(appointment_type.clinic, details),
                therapist=therapist,
                appointment_type=appointment_type,
                start=start,
                end=end,
                busy_until=busy_until,
                intake=intake,
                created_at=current,
            )
    except IntegrityError as exc:
        # The database refused an overlap (PostgreSQL exclusion constraint or the unique
        # constraint): a concurrent request took the slot first.
        if _is_overlap_violation(exc):
            raise SlotUnavailableError() from None
        raise
    _after_commit(appointment.id, "confirmation")
    return appointment


#: Constraints that refuse a second active appointment in a therapist's busy time.
OVERLAP_CONSTRAINTS = ("appointment_no_overlap", "appointment_one_active_per_therapist_start")


def _is_overlap_violation(exc: IntegrityError) -> bool:
    """True when ``exc`` comes from one of ``OVERLAP_CONSTRAINTS`` (any other integrity error,
    such as a vanished foreign key, is a different problem and must not read as "taken")."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name is not None:  # PostgreSQL names the constraint
        return name in OVERLAP_CONSTRAINTS
    # SQLite names the columns of a failed unique index instead.
    return "clinic_appointment.therapist_id, clinic_appointment.start" in str(exc)


def _after_commit(appointment_id: UUID, kind: str) -> None:
    from painpath.clinic import emails

    def send() -> None:
        emails.send_for(appointment_id, kind)

    transaction.on_commit(send, robust=True)


# --- tokens ----------------------------------------------------------------------------------


def make_manage_token(appointment: Appointment) -> str:
    """A signed, timestamped, URL-safe token that lets its holder view, cancel or reschedule
    ``appointment`` without an account (valid for ``token_max_age()``). It carries only the
    appointment's random id."""
    return signing.dumps({"a": str(appointment.id)}, salt=TOKEN_SALT)


def appointment_for_token(token: str) -> Appointment:
    """The appointment named by a token from ``make_manage_token``.

    Raises ``ExpiredTokenError`` when older than ``token_max_age()`` and ``InvalidTokenError``
    when forged, damaged or naming no appointment.
    """
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=token_max_age())
    except signing.SignatureExpired:
        raise ExpiredTokenError(_("This link has expired.")) from None
    except signing.BadSignature:
        raise InvalidTokenError(_("This link is not valid.")) from None
    try:
        appointment_id = UUID(str(payload["a"]))
    except (KeyError, TypeError, ValueError):
        raise InvalidTokenError(_("This link is not valid.")) from None
    appointment = (
        Appointment.objects.select_related(
            "therapist__clinic", "appointment_type__clinic", "patient"
        )
        .filter(id=appointment_id)
        .first()
    )
    if appointment is None:
        raise InvalidTokenError(_("This link is not valid."))
    return appointment


def manage_url(appointment: Appointment) -> str:
    """Absolute URL of the page where the patient can cancel or reschedule (``PAINPATH_BASE_URL``
    + ``/appointments/<token>/``)."""
    from django.urls import reverse

    path = reverse("clinic-manage", kwargs={"token": make_manage_token(appointment)})
    return settings.PAINPATH_BASE_URL.rstrip("/") + path


def _changeable(appointment: Appointment, now: datetime) -> None:
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingValidationError(
            "token",
            _("This appointment is %(status)s and can no longer be changed.")
            % {"status": appointment.get_status_display().lower()},
        )
    if appointment.start <= now:
        raise BookingValidationError("token", _("This appointment has already started."))


def cancel_appointment(token: str, *, now: datetime | None = None) -> Appointment:
    """Cancel the appointment named by ``token``; returns it (status cancelled).

    Cancelling an already cancelled appointment returns it unchanged. Raises
    ``InvalidTokenError``/``ExpiredTokenError``, or ``BookingValidationError("token", ...)`` for a
    visit that has started or was completed. Sends a cancellation email after commit.
    """
    current = _now(now)
    appointment = appointment_for_token(token)
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(id=appointment.id)
        if locked.status == AppointmentStatus.CANCELLED:
            return appointment_for_token(token)
        _changeable(locked, current)
        locked.status = AppointmentStatus.CANCELLED
        locked.cancelled_at = current
        locked.sequence += 1
        locked.save(update_fields=["status", "cancelled_at", "sequence"])
    _after_commit(locked.id, "cancellation")
    return appointment_for_token(token)


def reschedule_appointment(
    token: str,
    new_start: datetime,
    *,
    therapist: Therapist | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move the appointment named by ``token`` to ``new_start`` (aware datetime), with the same
    therapist unless ``therapist`` is given. Same rules as ``book_appointment``; the visit keeps
    its id, its reminder is reset, and an updated confirmation (.ics SEQUENCE + 1) is sent.

    Raises ``InvalidTokenError``/``ExpiredTokenError``, ``BookingValidationError`` (token, start,
    therapist) or ``SlotUnavailableError``; on error the appointment is unchanged.
    """
    current = _now(now)
    appointment = appointment_for_token(token)
    _changeable(appointment, current)
    new_start = _require_aware(new_start, "start")
    target = therapist or appointment.therapist
    _therapists_for(appointment.appointment_type, target)
    _check_start(appointment.appointment_type, target, new_start, current)
    duration = appointment.appointment_type.duration
    end = new_start + duration
    busy_until = end + appointment.appointment_type.buffer
    try:
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(id=appointment.id)
            _changeable(locked, current)
            if _overlapping(target, new_start, busy_until, locked.id):
                raise SlotUnavailableError()
            locked.therapist = target
            locked.start = new_start
            locked.end = end
            locked.busy_until = busy_until
            locked.reminder_sent_at = None
            locked.sequence += 1
            locked.save(
                update_fields=[
                    "therapist",
                    "start",
                    "end",
                    "busy_until",
                    "reminder_sent_at",
                    "sequence",
                ]
            )
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            raise SlotUnavailableError() from None
        raise
    _after_commit(locked.id, "confirmation")
    return appointment_for_token(token)


# --- reminders -------------------------------------------------------------------------------

#: Reminders go out once an appointment is this close.
REMINDER_LEAD = timedelta(hours=24)


def upcoming_instead_of(old: Appointment, *, now: datetime | None = None) -> Appointment | None:
    """The next booked, still upcoming appointment (start after ``now``) of the same person as
    ``old``: the same patient record, or booked from the same intake. ``None`` when there is
    none. A cancelled visit's page links to it instead of offering times (see ``book_again``).
    """
    person = Q(patient_id=old.patient_id)
    if old.intake_id is not None:
        person |= Q(intake_id=old.intake_id)
    return (
        Appointment.objects.filter(person, start__gt=_now(now), status=AppointmentStatus.BOOKED)
        .exclude(pk=old.pk)
        .select_related("therapist__clinic", "appointment_type")
        .order_by("start")
        .first()
    )


def upcoming_initial_evaluation(
    intake: IntakeRecord, *, now: datetime | None = None
) -> Appointment | None:
    """The first booked initial evaluation from ``intake`` that starts after ``now`` (default:
    the current time), with therapist, clinic and type loaded; ``None`` when there is none (a
    cancelled or past one does not count: booking again is then allowed)."""
    return (
        Appointment.objects.filter(
            intake=intake,
            status=AppointmentStatus.BOOKED,
            appointment_type__kind=AppointmentKind.INITIAL,
            start__gt=_now(now),
        )
        .select_related("therapist__clinic", "appointment_type")
        .order_by("start")
        .first()
    )


def book_again(token: str, new_start: datetime, *, now: datetime | None = None) -> Appointment:
    """After a cancellation: book the same type with the same therapist at ``new_start`` (aware)
    for the same patient (and intake) as the cancelled appointment named by ``token``. Returns
    the new ``Appointment``; its confirmation email goes out after commit.

    Only for a cancelled appointment, and only while the patient has no other upcoming visit at
    the clinic (one cancelled link must not book a calendar full). Raises
    ``InvalidTokenError``/``ExpiredTokenError``, ``BookingValidationError`` (token, start) or
    ``SlotUnavailableError``; nothing is written on error.
    """
    current = _now(now)
    old = appointment_for_token(token)
    if old.status != AppointmentStatus.CANCELLED:
        raise BookingValidationError(
            "token", _("This appointment is not cancelled: choose another time for it instead.")
        )
    if upcoming_instead_of(old, now=current) is not None:
        raise BookingValidationError(
            "token", _("You already have an upcoming appointment. Please use its own link.")
        )
    person = old.patient
    return book_appointment(
        appointment_type=old.appointment_type,
        therapist=old.therapist,
        start=new_start,
        patient=PatientDetails(
            name=person.name,
            email=person.email,
            phone=person.phone,
            date_of_birth=person.date_of_birth,
        ),
        intake=old.intake,
        now=current,
    )


def due_reminders(now: datetime | None = None) -> QuerySet[Appointment]:
    """Booked appointments starting within ``REMINDER_LEAD`` of ``now`` with no reminder yet.

    A visit whose confirmation went out less than ``REMINDER_LEAD`` before its start (booked
    or moved at short notice) gets no reminder: the person has just read the details.
    """
    current = _now(now)
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            reminder_sent_at__isnull=True,
            start__gt=current,
            start__lte=current + REMINDER_LEAD,
        )
        .exclude(confirmation_sent_at__gte=F("start") - REMINDER_LEAD)
        .order_by("start")
    )


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every due reminder once; return how many were sent.

    Each appointment is first *claimed* with a conditional UPDATE (status booked, no reminder
    yet), so two overlapping runs (cron plus a manual run) never both send; if sending fails the
    claim is released so the next run retries.
    """
    from painpath.clinic import emails

    current = _now(now)
    sent = 0
    for appointment_id in list(due_reminders(current).values_list("id", flat=True)):
        claimed = Appointment.objects.filter(
            id=appointment_id,
            status=AppointmentStatus.BOOKED,
            reminder_sent_at__isnull=True,
        ).update(reminder_sent_at=current)
        if not claimed:
            continue
        try:
            emails.send_for(appointment_id, "reminder", raise_errors=True)
        except Exception:
            logger.exception("reminder for appointment %s failed; will retry", appointment_id)
            Appointment.objects.filter(id=appointment_id, reminder_sent_at=current).update(
                reminder_sent_at=None
            )
            continue
        sent += 1
    return sent
