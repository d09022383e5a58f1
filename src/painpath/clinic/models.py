"""Scheduling data: the clinic, its therapists and their hours, appointment types, bookings.

Conventions:

* Every instant is stored in UTC (``USE_TZ``); weekly hours and exceptions are *local wall-clock*
  times in the clinic's time zone (``Clinic.time_zone``, an IANA name such as
  ``America/New_York``), applied when availability is computed (``painpath.clinic.availability``).
* Public identifiers are random UUIDs (primary keys of the public objects), never sequential ids.
* An appointment occupies its therapist from ``start`` to ``busy_until`` = ``end`` + the type's
  buffer. Double booking is refused by the database itself: on PostgreSQL an exclusion constraint
  on ``(therapist, tstzrange(start, busy_until))`` for every appointment that is not cancelled
  (migration 0002); on SQLite writers are serialised by IMMEDIATE transactions, the service checks
  overlaps inside that transaction, and a unique constraint on ``(therapist, start)`` backs it up.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is an IANA time zone name known to zoneinfo."""
    if value not in _time_zone_names():
        raise ValidationError(
            _("%(value)s is not a known time zone (use an IANA name like America/New_York)"),
            params={"value": value},
        )


class Clinic(models.Model):
    """A physical-therapy clinic; all of its times are shown in ``time_zone``.

    ``min_notice_minutes`` (default 120) and ``horizon_days`` (default 56 = 8 weeks) bound which
    slots may be booked; ``slot_step_minutes`` (default 30) is the spacing of offered start times
    within a working period.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"))
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("email"), blank=True, default="")
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=120, validators=[MaxValueValidator(60 * 24 * 14)]
    )
    horizon_days = models.PositiveIntegerField(
        _("booking horizon (days)"),
        default=56,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    slot_step_minutes = models.PositiveIntegerField(
        _("slot step (minutes)"), default=30, validators=[MinValueValidator(5)]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5), name="clinic_slot_step_at_least_5"
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1), name="clinic_horizon_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The clinic's time zone object (raises ``ZoneInfoNotFoundError`` if unknown)."""
        return zoneinfo.ZoneInfo(self.time_zone)


class Therapist(models.Model):
    """A physical therapist who can be booked (``active``) at one clinic."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="therapists")
    name = models.CharField(_("name"), max_length=200)
    credentials = models.CharField(
        _("credentials"), max_length=60, help_text=_("e.g. PT, DPT, OCS")
    )
    bio = models.TextField(_("short bio"), blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("therapist")
        verbose_name_plural = _("therapists")

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so no translation is needed when computing.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One weekly working period of a therapist, in local wall-clock time (several per day allowed,
    e.g. 08:00-12:00 and 13:00-17:00 around a lunch break)."""

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="workinghours_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="workinghours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})


class ExceptionKind(models.TextChoices):
    OFF = "off", _("Not available (holiday, leave)")
    EXTRA = "extra", _("Extra hours")


class AvailabilityException(models.Model):
    """A dated change to a therapist's weekly hours, in local wall-clock time.

    * ``off`` without times: the whole day is off; ``off`` with times: that window is off.
    * ``extra`` (times required): an extra working period that day.
    """

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=ExceptionKind.choices)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note (staff only)"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["therapist", "date", "start_time"]
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        indexes = [models.Index(fields=["therapist", "date"], name="availexc_therapist_date")]
        constraints = [
            # Both times or neither; an extra period needs its times; start before end.
            models.CheckConstraint(
                condition=(
                    Q(start_time__isnull=True, end_time__isnull=True, kind="off")
                    | Q(
                        start_time__isnull=False,
                        end_time__isnull=False,
                        start_time__lt=F("end_time"),
                    )
                ),
                name="availexc_times_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError({"end_time": _("Give both times, or neither for a whole day.")})
        if self.kind == ExceptionKind.EXTRA and self.start_time is None:
            raise ValidationError({"start_time": _("Extra hours need a start and an end.")})
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})


class AppointmentKind(models.TextChoices):
    INITIAL = "initial", _("Initial evaluation")
    FOLLOW_UP = "follow_up", _("Follow-up")


class AppointmentType(models.Model):
    """What can be booked: e.g. initial evaluation 60 min, follow-up 30 or 45 min.

    ``buffer_after_minutes`` keeps the therapist free after the visit (notes, cleaning the room);
    another visit cannot start inside it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="appointment_types")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=AppointmentKind.choices)
    minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_after_minutes = models.PositiveIntegerField(
        _("buffer after (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    description = models.TextField(_("description"), blank=True, default="")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "minutes", "name"]
        verbose_name = _("appointment type")
        verbose_name_plural = _("appointment types")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=480), name="appointmenttype_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)


class Patient(models.Model):
    """A person who booked: contact details only (no health data lives here)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        indexes = [models.Index(fields=["clinic", "email"], name="patient_clinic_email")]

    def __str__(self) -> str:
        return f"Patient {self.id}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


#: Every status except cancelled keeps the therapist's time occupied.
ACTIVE = ~Q(status=AppointmentStatus.CANCELLED)


class Appointment(models.Model):
    """A booked visit. ``start``/``end`` are UTC instants; ``busy_until`` = ``end`` + buffer.

    ``sequence`` counts changes (iCalendar SEQUENCE, so calendar apps replace the old event);
    ``reminder_sent_at`` is set exactly once by ``send_reminders``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    busy_until = models.DateTimeField(_("therapist busy until"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    intake = models.ForeignKey(
        "patients.IntakeRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["start"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["therapist", "start"], name="appointment_therapist_start"),
            models.Index(fields=["status", "start"], name="appointment_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="appointment_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(end__lte=F("busy_until")), name="appointment_end_before_busy_until"
            ),
            # Backstop on every database (the PostgreSQL exclusion constraint covers overlaps).
            models.UniqueConstraint(
                fields=["therapist", "start"],
                condition=ACTIVE,
                name="appointment_one_active_per_therapist_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Keep busy_until consistent with the type's buffer whoever saves (admin included).
        if self.end is not None and self.appointment_type_id is not None:
            self.busy_until = self.end + self.appointment_type.buffer
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status != AppointmentStatus.CANCELLED

    def clean(self) -> None:
        """Form-level checks (the admin): end after start, no overlap with another active
        visit of the same therapist (the database refuses it anyway; this says why)."""
        if self.start is None or self.end is None:
            return
        if self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})
        if self.status == AppointmentStatus.CANCELLED or self.therapist_id is None:
            return
        buffer = self.appointment_type.buffer if self.appointment_type_id else timedelta(0)
        clash = (
            Appointment.objects.filter(ACTIVE, therapist_id=self.therapist_id)
            .filter(start__lt=self.end + buffer, busy_until__gt=self.start)
            .exclude(pk=self.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                {"start": _("The therapist has another appointment at this time.")}
            )
