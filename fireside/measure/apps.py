from django.apps import AppConfig


class MeasureConfig(AppConfig):
    name = "fireside.measure"
    label = "measure"
    verbose_name = "Measure"
