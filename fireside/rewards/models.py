"""Reputation: an append-only points ledger, totals kept beside it, badges, thanks and
introductions.

`PointsEntry` rows are never updated or deleted: a correction is a new row. `Score` holds
the running total of a member per (space, period) bucket and is changed only by
`actions.do_award`, in the same transaction and by the same amount as the ledger insert,
so that a total always equals the sum of its ledger rows and leaderboards read
precomputed rows through an index instead of summing the ledger.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

ALL_SPACES = 0  # Score.space_key for the site-wide buckets
ALL_TIME = "all"


class EventKind(models.TextChoices):
    ACCEPTED_ANSWER = "accepted_answer", "Answer accepted"
    HELPFUL_REACTION = "helpful_reaction", "Post marked helpful"
    IDEA_SHIPPED = "idea_shipped", "Idea shipped"
    HELPED_MEMBER = "helped_member", "Thanked for helping another member"
    STAFF_AWARD = "staff_award", "Given by staff"


class PointRule(models.Model):
    """How many points an event kind is worth; admins edit these rows."""

    kind = models.CharField(max_length=24, choices=EventKind.choices, unique=True)
    points = models.IntegerField()
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.points}"


class AppendOnly(Exception):
    pass


class PointsEntryQuerySet(models.QuerySet["PointsEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("The points ledger is append-only: add a correcting entry instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("The points ledger is append-only: add a correcting entry instead.")


class PointsEntry(models.Model):
    """One award (or correction) of points. `event_key` names the event that caused it, so
    the same event never awards twice: "accepted:post:42", "helpful:post:42:by:7"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="points_entries")
    points = models.IntegerField()
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    event_key = models.CharField(max_length=120, unique=True)
    space = models.ForeignKey("community.Space", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True, default="")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "points entries"
        indexes = [models.Index(fields=["user", "kind"], name="points_user_kind"),
                   models.Index(fields=["user", "-created_at"], name="points_user_recent")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("The points ledger is append-only: add a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("The points ledger is append-only: add a correcting entry instead.")


class Score(models.Model):
    """A member's total in one bucket: `space_key` is a space id or 0 (all spaces),
    `period` is "all", "w2025-23" (ISO week) or "m2025-06" (month)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="scores")
    space_key = models.BigIntegerField(default=ALL_SPACES)
    period = models.CharField(max_length=10, default=ALL_TIME)
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "space_key", "period"],
                                               name="score_bucket_once")]
        indexes = [models.Index(fields=["space_key", "period", "-points", "user"],
                                name="score_leaderboard")]


class BadgeRule(models.TextChoices):
    MANUAL = "manual", "Given by staff"
    POINTS = "points", "Total points at least"
    ACCEPTED_ANSWERS = "accepted_answers", "Accepted answers at least"
    HELPFUL_REACTIONS = "helpful_reactions", "Helpful marks at least"
    IDEAS_SHIPPED = "ideas_shipped", "Shipped ideas at least"
    THANKS_RECEIVED = "thanks_received", "Thank-you notes received at least"


class Badge(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300)
    rule = models.CharField(max_length=20, choices=BadgeRule.choices, default=BadgeRule.MANUAL)
    threshold = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BadgeAward(models.Model):
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="badge_awards")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["badge", "user"], name="badge_once")]
        indexes = [models.Index(fields=["user", "-created_at"], name="badge_profile")]


class ThankYou(models.Model):
    """A public thank-you note, from staff or a member, shown on the recipient's profile."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="thanks_sent")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="thanks_received")
    message = models.TextField(max_length=1000)
    post = models.ForeignKey("community.Post", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at"], name="thanks_profile")]


class Introduction(models.Model):
    """Someone introduced two members to each other, with a message both can read."""

    introducer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="introductions_made")
    first = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    second = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    message = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"],
                                               name="introduction_once")]


class MemberPreference(models.Model):
    """A member's choices about rewards and introductions (absent row: the defaults)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="reward_preference")
    no_introductions = models.BooleanField(default=False)
