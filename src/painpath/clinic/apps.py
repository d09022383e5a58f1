from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "painpath.clinic"
    label = "clinic"
    default_auto_field = "django.db.models.BigAutoField"
