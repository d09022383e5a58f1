"""The audit log in Django admin (readable, never editable), and ``AuditedModelAdmin`` for
the admin pages of models that hold patient data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from painpath.audit.models import AuditEvent
from painpath.audit.services import log_access


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


class AuditedModelAdmin(admin.ModelAdmin):
    """A ``ModelAdmin`` for models holding patient data: opening a record writes an
    ``admin.view.<model>`` audit event and opening a list an ``admin.list.<model>`` one."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_or_change_permission(request, obj):
            log_access(request.user, f"admin.view.{self.model._meta.model_name}", obj, request)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if self.has_view_or_change_permission(request):
            log_access(request.user, f"admin.list.{self.model._meta.model_name}", None, request)
        return super().changelist_view(request, extra_context)
