from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "fireside.care"
    label = "care"
    verbose_name = "Care"
