from typing import Any

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "painpath.patients"
    label = "patients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from painpath.patients.models import IntakeRecord

        post_delete.connect(_forget_cached_pages, sender=IntakeRecord, weak=False)


def _forget_cached_pages(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A deleted intake's result page must stop being served at once (in this process)."""
    from painpath.patients.pagecache import result_pages

    result_pages.evict(instance.token_hash)
