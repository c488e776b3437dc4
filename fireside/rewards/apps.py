from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "fireside.rewards"
    label = "rewards"
    verbose_name = "Rewards"

    def ready(self) -> None:
        # A shaper named on an idea that already shipped is credited at once, and so earns
        # the shipped idea's points then (within the same transaction).
        from django.db.models.signals import post_save

        from fireside.ideas.models import Credit
        from fireside.rewards.receivers import on_credit_saved

        post_save.connect(on_credit_saved, sender=Credit, dispatch_uid="rewards_late_credit")
