"""The audit log: one append-only row for every staff access to patient data, reads included.

An :class:`AuditEvent` says who (the staff user, with their username copied so the row still
names them if the account is later deleted), what (an action such as ``"intake.view"``), which
object (its type as ``"app_label.model"`` and its primary key as text), when (UTC) and from where
(the client's IP address). It never holds health data: only identifiers and small non-clinical
details (for example the ids of the records a list page showed).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnlyError(Exception):
    """Raised on an attempt to change or delete an audit event (the log is append-only)."""


class AuditEvent(models.Model):
    """One staff access to patient data. Rows are written once and never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # SET_NULL, not CASCADE: deleting a staff account must never delete the trail of what
        # that account looked at. ``username`` keeps the name.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        target = f" {self.object_type}#{self.object_id}" if self.object_type else ""
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username or '?'} {self.action}{target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the event; refuse to update one (:class:`AuditLogIsAppendOnlyError`)."""
        if self.pk is not None and not self._state.adding:
            raise AuditLogIsAppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Always raises :class:`AuditLogIsAppendOnlyError`: audit events are never deleted."""
        raise AuditLogIsAppendOnlyError("audit events cannot be deleted")
