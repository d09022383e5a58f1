"""Django admin for the scheduling data (staff only). Patient and appointment pages use the
audit app's ``AuditedModelAdmin``: opening a record or a list of them writes an audit event."""

from __future__ import annotations

from django.contrib import admin

from painpath.audit.admin import AuditedModelAdmin
from painpath.clinic.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    Clinic,
    Patient,
    Therapist,
    WorkingHours,
)


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
class PatientAdmin(AuditedModelAdmin):
    list_display = ["name", "email", "phone", "clinic", "created_at"]
    search_fields = ["name", "email"]


@admin.register(Appointment)
class AppointmentAdmin(AuditedModelAdmin):
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
