"""Staff (therapist and front desk) pages."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "painpath.staff"
    label = "staff"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Staff"

    def ready(self) -> None:
        from painpath.staff.access import ensure_staff_groups

        # After every migrate: the permissions exist by then (Django creates them in its own
        # post_migrate handler, which runs first because auth is installed before us).
        post_migrate.connect(ensure_staff_groups, sender=self, dispatch_uid="painpath-staff-groups")
