"""Clinical reviews in Django admin: read-only (reviews are made on the staff pages) and audited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from painpath.audit.admin import AuditedModelAdmin
from painpath.staff.models import IntakeReview


@admin.register(IntakeReview)
class IntakeReviewAdmin(AuditedModelAdmin):
    list_display = ("created_at", "intake", "reviewer", "triage_level", "agrees_with_engine")
    list_filter = ("triage_level", "agrees_with_engine")
    readonly_fields = (
        "intake",
        "reviewer",
        "triage_level",
        "leading_condition",
        "agrees_with_engine",
        "note",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IntakeReview | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: IntakeReview | None = None) -> bool:
        return False
