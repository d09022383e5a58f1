"""Django admin for the scheduling data (staff only; patient records' views are audited when
the audit app provides ``log_access``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from painpath.clinic.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    Clinic,
    Patient,
    Therapist,
    WorkingHours,
)


def _audit(request: HttpRequest, action: str, obj: Any) -> None:
    # The audit app belongs to another part of PainPath; use it when it is there.
    try:
        from painpath.audit.services import log_access
    except ImportError:
        return
    log_access(request.user, action, obj, request=request)


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event whenever staff open a record or a list of them (reads included)."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is not None:
            _audit(request, f"admin.view.{self.model._meta.model_name}", obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Lists show names and times too: a read of patient data like any other.
        _audit(request, f"admin.list.{self.model._meta.model_name}", None)
        return super().changelist_view(request, extra_context)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "time_zone"]


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "clinic", "active"]
    list_filter = ["active", "clinic"]
    inlines = [WorkingHoursInline, AvailabilityExceptionInline]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["therapist", "weekday", "start_time", "end_time"]
    list_filter = ["therapist", "weekday"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin):
    list_display = ["therapist", "date", "kind", "start_time", "end_time"]
    list_filter = ["kind", "therapist"]
    date_hierarchy = "date"


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "minutes", "buffer_after_minutes", "active", "clinic"]
    list_filter = ["kind", "active"]


@admin.register(Patient)
class PatientAdmin(AuditedAdmin):
    list_display = ["name", "email", "phone", "clinic", "created_at"]
    search_fields = ["name", "email"]


@admin.register(Appointment)
class AppointmentAdmin(AuditedAdmin):
    list_display = ["start", "therapist", "appointment_type", "status", "patient"]
    list_filter = ["status", "therapist", "appointment_type"]
    date_hierarchy = "start"
    raw_id_fields = ["patient", "intake"]
    readonly_fields = [
        "id",
        "busy_until",
        "sequence",
        "created_at",
        "confirmation_sent_at",
        "reminder_sent_at",
    ]
