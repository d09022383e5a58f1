"""Check-ins and the plan's history, stored against the intake (``patients.IntakeRecord``).

* ``CheckIn``: one check-in from the private link. ``submission_key`` (random, from the form) is
  unique, so a double submit or a refreshed POST finds the stored check-in instead of a second
  one. PSFS activities are the person's own words: stored, never logged.
* ``PlanVersion``: every version of the person's plan (``Plan.to_dict()``), numbered 1, 2, ...
  per intake; version 1 is built from the stored assessment, each later version by one check-in
  (``checkin``) with the decision (``action``) that made it, or by a physical therapist
  (``action="therapist_edit"``, ``author`` and ``note``: see ``painpath.staff``). The newest
  is the current plan; versions are never changed, a change is a new version.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from painpath.careplan.progression import CheckIn as CoreCheckIn


class CheckIn(models.Model):
    """One check-in (pain 0-10 NPRS, PSFS, global rating of change -7..+7, adherence)."""

    record = models.ForeignKey(
        "patients.IntakeRecord", on_delete=models.CASCADE, related_name="checkins"
    )
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: ``None`` only for a check-in stored for its warning sign while this answer was missing
    #: or invalid (a warning sign is never refused for an unrelated answer).
    pain_now = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_during = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_next_morning = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    #: ``[{"activity": str, "score": 0..10 or None}]``, at most 3 (``None``: not scored).
    psfs = models.JSONField(default=list, blank=True)
    global_change = models.SmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(-7), MaxValueValidator(7)]
    )
    sessions_done = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_planned = models.PositiveSmallIntegerField(null=True, blank=True)
    #: New warning-sign answers ``{linkId: value}`` (only signs the person ticked).
    warning_signs = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(condition=Q(pain_now__lte=10), name="checkin_pain_now_0_10"),
            models.CheckConstraint(
                condition=Q(global_change__isnull=True)
                | Q(global_change__gte=-7, global_change__lte=7),
                name="checkin_global_change_range",
            ),
        ]

    def __str__(self) -> str:
        # No health data in str(): it ends up in logs and admin breadcrumbs.
        return f"Check-in {self.pk}"

    def to_core(self, zone: str | None = None) -> CoreCheckIn:
        """The pure :class:`painpath.careplan.progression.CheckIn` of this row.

        ``zone`` (IANA): write ``at`` in that zone's local time, so that the core's calendar
        days (3 days between counted check-ins, "the next check-in on ...") are the clinic's
        days, as every date the person reads; default UTC.
        """
        at = self.created_at if zone is None else self.created_at.astimezone(ZoneInfo(zone))
        return CoreCheckIn(
            id=f"checkin-{self.pk}",
            at=at.isoformat(),
            pain_now=self.pain_now,
            pain_during=self.pain_during,
            pain_next_morning=self.pain_next_morning,
            psfs=tuple(int(p["score"]) for p in self.psfs if p.get("score") is not None),
            global_change=self.global_change,
            sessions_done=self.sessions_done,
            sessions_planned=self.sessions_planned,
            warning_signs=dict(self.warning_signs),
        )


#: ``PlanVersion.action`` of a version a physical therapist made.
THERAPIST_EDIT = "therapist_edit"


class PlanVersion(models.Model):
    """One version of an intake's care plan (``plan`` is ``Plan.to_dict()``).

    ``action``: the decision that made it (``start``: built by PainPath from the intake;
    ``step_up``/``hold``/``step_down``/``seek_care``: a check-in; ``therapist_edit``: a
    physical therapist, who is the ``author``, with their ``note`` to the person, also in
    ``plan["therapist"]``). ``author`` is ``None`` for versions PainPath made.
    """

    record = models.ForeignKey(
        "patients.IntakeRecord", on_delete=models.CASCADE, related_name="plan_versions"
    )
    number = models.PositiveIntegerField()
    plan = models.JSONField()
    action = models.CharField(max_length=16)
    checkin = models.OneToOneField(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="plan_version"
    )
    created_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # PROTECT: a clinical decision must keep its author (as staff.IntakeReview does).
        on_delete=models.PROTECT,
        related_name="plan_versions",
    )
    #: The therapist's note to the person (plain text, health data: never logged).
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["record", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="planversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"Plan version {self.number}"
