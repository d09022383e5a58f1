from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "painpath.web"
    label = "web"
    verbose_name = "PainPath site"
