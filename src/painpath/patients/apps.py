from typing import Any

from django.apps import AppConfig, apps


class PatientsConfig(AppConfig):
    name = "painpath.patients"
    label = "patients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from painpath.patients.models import IntakeRecord

        post_save.connect(_intake_changed, sender=IntakeRecord, weak=False)
        post_delete.connect(_intake_changed, sender=IntakeRecord, weak=False)
        # The result page may show rows linked to the intake (check-ins, bookings, reviews):
        # any write to such a row drops that intake's cached pages (no query needed).
        for model in apps.get_models():
            if _intake_fields(model):
                post_save.connect(_linked_row_changed, sender=model, weak=False)
                post_delete.connect(_linked_row_changed, sender=model, weak=False)


def _intake_fields(model: Any) -> list[Any]:
    """The concrete foreign keys (or one-to-one fields) of ``model`` that point at an intake."""
    from painpath.patients.models import IntakeRecord

    return [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "related_model", None) is IntakeRecord and f.is_relation
    ]


def _intake_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A saved or deleted intake's result page must be rendered afresh (in this process)."""
    from painpath.patients.pagecache import result_pages

    result_pages.evict(instance.token_hash)
    result_pages.evict_tag(instance.pk)


def _linked_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A row linked to an intake changed: the intake's result page must be rendered afresh."""
    from painpath.patients.pagecache import result_pages

    for field in _intake_fields(sender):
        intake_id = getattr(instance, field.attname, None)
        if intake_id is not None:
            result_pages.evict_tag(intake_id)
