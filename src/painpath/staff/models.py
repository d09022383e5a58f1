"""A therapist's review of an intake: the confirmed or changed triage level and leading condition.

The engine's original assessment stays untouched on ``patients.IntakeRecord``; each review is a
new row, so the history of what the engine said and what each clinician decided is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from painpath.patients.models import TriageLevel


class IntakeReview(models.Model):
    """One clinician's decision about one intake.

    ``triage_level``: one of the spec's four levels; ``leading_condition``: a condition id of the
    knowledge base (for example ``"herniated_disc"``); ``agrees_with_engine``: whether both
    match what the engine said, stored at the time of review so later engine changes do not
    rewrite history; ``note``: free text for the clinical team (health data: never logged).
    """

    intake = models.ForeignKey(
        "patients.IntakeRecord",
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("intake"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # PROTECT: a clinical decision must keep its author.
        on_delete=models.PROTECT,
        related_name="intake_reviews",
        verbose_name=_("reviewer"),
    )
    triage_level = models.CharField(_("triage level"), max_length=16, choices=TriageLevel.choices)
    leading_condition = models.CharField(_("leading condition"), max_length=64)
    agrees_with_engine = models.BooleanField(_("agrees with the engine"))
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(_("reviewed at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("intake review")
        verbose_name_plural = _("intake reviews")
        permissions = [
            ("view_patient_intakes", "Can view patient intakes and their assessments"),
            ("review_patient_intakes", "Can confirm or change an intake's triage and cause"),
            ("view_clinic_schedule", "Can view the clinic's appointments"),
            ("change_patient_care_plans", "Can change a patient's care plan"),
        ]

    def __str__(self) -> str:
        # No health data: str() reaches logs and admin breadcrumbs.
        return f"Review {self.pk} of {self.intake}"
