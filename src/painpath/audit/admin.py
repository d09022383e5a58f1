"""The audit log in Django admin: readable by superusers and auditors, never editable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from painpath.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "username", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_id", "action")
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "user",
        "username",
        "action",
        "object_type",
        "object_id",
        "ip_address",
        "detail",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
