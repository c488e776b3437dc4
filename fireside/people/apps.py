from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fireside.people"
    label = "people"
    verbose_name = "People"
