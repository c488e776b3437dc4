from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "fireside.rewards"
    label = "rewards"
    verbose_name = "Rewards"
