from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "painpath.checkins"
    label = "checkins"
    default_auto_field = "django.db.models.BigAutoField"
