from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "fireside.community"
    label = "community"
    verbose_name = "Community"
