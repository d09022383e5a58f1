"""Stored intakes and half-finished drafts.

``IntakeRecord`` is one submitted intake with the assessment that was shown for it. Other apps
link to it (bookings, care plans, check-ins) with a ``ForeignKey("patients.IntakeRecord")``.

Privacy rules baked into the model:

* The private link's token is never stored: only its SHA-256 (``token_hash``). A database
  leak therefore gives no working links; lookups compare digests of a 256-bit secret, so
  timing tells an attacker nothing useful (see ``painpath.patients.tokens``).
* Staff pages use ``reference`` (a random UUID), never the sequential primary key.
* Drafts live at most ``DRAFT_LIFETIME`` after their last save and are purged after that.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from painpath.engine.assessment import TRIAGE_LEVELS

#: How long a half-finished intake can be resumed on the same device (issue 4: "within a day").
DRAFT_LIFETIME = timedelta(hours=24)


class TriageLevel(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")
    SELF_CARE = "self_care", _("Self-care")


def urgency_of(level: str) -> int:
    """0 for ``emergency`` .. 3 for ``self_care``; raises ``ValueError`` for an unknown level."""
    levels: list[str] = list(TRIAGE_LEVELS)
    return levels.index(level)


class IntakeRecord(models.Model):
    """A submitted intake and its assessment, stored together in one transaction.

    Fields:

    * ``token_hash``: hex SHA-256 of the private link token (64 chars, unique).
    * ``reference``: random UUID for staff URLs and logs.
    * ``answers``: the validated answers ``{linkId: value}`` (hidden answers already dropped).
    * ``assessment``: ``Assessment.to_dict()`` as shown to the person.
    * ``triage_level`` / ``urgency``: the level and its rank (0 = emergency), indexed so
      staff lists can sort by urgency then age.
    * ``engine_version`` / ``knowledge_version``: what produced the assessment.
    * ``contact_email``: optional; only used to send the private link.
    * ``submission_key``: idempotency key of the submission (unique): a double submit or a
      refreshed POST finds the existing record instead of creating a second one.
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    answers = models.JSONField()
    assessment = models.JSONField()
    triage_level = models.CharField(max_length=16, choices=TriageLevel.choices, db_index=True)
    urgency = models.PositiveSmallIntegerField(db_index=True)
    engine_version = models.CharField(max_length=64)
    knowledge_version = models.CharField(max_length=64)
    contact_email = models.EmailField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["urgency", "-created_at"]
        indexes = [models.Index(fields=["urgency", "-created_at"], name="intake_urgency_recent")]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        # No health data in str(): it ends up in logs and admin breadcrumbs.
        return f"Intake {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.urgency = urgency_of(self.triage_level)
        super().save(*args, **kwargs)

    @property
    def top_condition_ids(self) -> list[str]:
        """Ids of the ranked conditions, most likely first (from the stored assessment)."""
        return [c["id"] for c in self.assessment.get("conditions", [])]


class IntakeDraft(models.Model):
    """A half-finished intake, resumable on the same device for ``DRAFT_LIFETIME``.

    The device holds a signed cookie with a random draft key; the table stores only the
    key's SHA-256 (``key_hash``). ``answers`` are the answers so far (not yet fully validated
    as a whole; each step is validated when it is saved). ``furthest_step`` is the index (0-based,
    in questionnaire order) of the furthest step the person may open. ``acknowledged_flags`` are
    the ids of urgent red-flag rules whose advice the person has seen and chose to continue past
    (emergency advice can never be continued past). ``submission_key`` becomes the record's
    idempotency key on submit.
    """

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    answers = models.JSONField(default=dict)
    furthest_step = models.PositiveSmallIntegerField(default=0)
    acknowledged_flags = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("intake draft")
        verbose_name_plural = _("intake drafts")

    def __str__(self) -> str:
        return f"Draft {self.pk}"

    def touch(self) -> None:
        """Move ``updated_at`` to now and push the expiry ``DRAFT_LIFETIME`` ahead."""
        now = timezone.now()
        self.updated_at = now
        self.expires_at = now + DRAFT_LIFETIME

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
