from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "fireside.ideas"
    label = "ideas"
    verbose_name = "Ideas"
