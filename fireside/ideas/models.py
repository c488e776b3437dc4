"""Campaigns, ideas, votes, statuses and credits: the organization asks, members answer.

Counters (`vote_count`, `follower_count`) are kept by `actions.py` in the same
transaction as the row they count, so list pages and the roadmap never count votes.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Audience(models.TextChoices):
    PUBLIC = "public", "Everyone who can see the space"
    MEMBERS = "members", "Signed-in members"
    KINDS = "kinds", "Chosen kinds of member"


class CampaignForm(models.TextChoices):
    IDEAS = "ideas", "Open ideas: members suggest and vote"
    CHOICE = "choice", "A choice: members vote on options"


class ChoiceMode(models.TextChoices):
    SINGLE = "single", "One choice each"
    APPROVAL = "approval", "Approve as many as you like"


class Campaign(models.Model):
    """A question the organization asks its community, open between two dates."""

    space = models.ForeignKey("community.Space", on_delete=models.CASCADE,
                              related_name="campaigns")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200, help_text="The question, e.g. “Name our book”.")
    description = models.TextField(blank=True, default="")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    audience_kinds = models.JSONField(default=list, blank=True,
                                      help_text="Member kinds who take part when the audience "
                                                "is 'kinds' (e.g. employee, partner).")
    form = models.CharField(max_length=10, choices=CampaignForm.choices,
                            default=CampaignForm.IDEAS)
    choice_mode = models.CharField(max_length=10, choices=ChoiceMode.choices,
                                   default=ChoiceMode.SINGLE)
    vote_budget = models.PositiveIntegerField(null=True, blank=True,
                                              help_text="Votes each member may cast in this "
                                                        "campaign; empty for no limit.")
    accept_suggestions = models.BooleanField(
        default=False, help_text="In a choice, members may suggest options for moderation.")
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True,
                                     help_text="When the result was announced.")
    result_thread = models.ForeignKey("community.Thread", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["closed_at", "closes_at"], name="campaign_due")]

    def __str__(self) -> str:
        return self.title

    def is_open_at(self, now: datetime) -> bool:
        """Voting follows the dates, so a late closing task never lets a vote in."""
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())

    @property
    def state(self) -> str:
        """open, upcoming or closed, for pages and the API."""
        now = timezone.now()
        if self.is_open_at(now):
            return "open"
        return "upcoming" if self.closed_at is None and now < self.opens_at else "closed"

    @property
    def is_choice(self) -> bool:
        return self.form == CampaignForm.CHOICE


class Status(models.TextChoices):
    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DECLINED = "declined", "Declined"
    MERGED = "merged", "Merged"


ROADMAP_STATUSES = [Status.NEW, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS,
                    Status.SHIPPED, Status.DECLINED]
STATUSES_WITH_REASON = {Status.DECLINED, Status.MERGED}


class Idea(models.Model):
    """A member's idea, or an option the organization offers in a choice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="ideas")
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    status_reason = models.CharField(max_length=500, blank=True, default="")
    status_changed_at = models.DateTimeField(default=timezone.now)
    is_option = models.BooleanField(default=False, help_text="Offered by the organization.")
    is_approved = models.BooleanField(default=True,
                                      help_text="Suggested options wait for a moderator.")
    vote_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    thread = models.OneToOneField("community.Thread", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="idea")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_ideas")
    created_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "-vote_count", "-id"], name="idea_campaign_top"),
            models.Index(fields=["status", "-status_changed_at"], name="idea_roadmap"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_merged(self) -> bool:
        return self.status == Status.MERGED

    @property
    def is_decided(self) -> bool:
        """Shipped or declined: the decision is made, so votes are closed (kept, counted)."""
        return self.status in (Status.SHIPPED, Status.DECLINED)


class Vote(models.Model):
    """One member's vote for one idea; the campaign is copied here for budgets and charts."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="idea_votes")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "voter"], name="vote_once")]
        indexes = [
            models.Index(fields=["campaign", "voter"], name="vote_campaign_voter"),
            models.Index(fields=["campaign", "created_at"], name="vote_campaign_time"),
        ]


class VoteBudget(models.Model):
    """A row per member and campaign, locked while a vote that spends budget is cast.

    It holds no number: the votes are counted under the lock, so the count is always
    the truth even after merges move votes around.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "member"],
                                               name="vote_budget_once")]


class IdeaFollow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="idea_follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="idea_follow_once")]


class CreditRole(models.TextChoices):
    AUTHOR = "author", "Author"
    COAUTHOR = "coauthor", "Co-author (merged idea)"
    SHAPER = "shaper", "Shaped the idea"


class Credit(models.Model):
    """Who an idea belongs to. `granted_at` is set when the idea ships; from then on the
    credit shows on the person's profile, and the rewards work builds on these rows."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="idea_credits")
    role = models.CharField(max_length=10, choices=CreditRole.choices)
    note = models.CharField(max_length=300, blank=True, default="")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    granted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "person"], name="credit_once")]
        indexes = [models.Index(fields=["person", "-granted_at"], name="credit_profile")]


class StatusChange(models.Model):
    """The public history of an idea's status, with the reason given."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    old_status = models.CharField(max_length=16, choices=Status.choices)
    new_status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class ItemKind(models.TextChoices):
    THREAD = "thread", "Thread"
    IDEA = "idea", "Idea"


class SimilarityEntry(models.Model):
    """A thread's or idea's similarity vector and content words, for the similar search.

    Rows are replaced (deleted and inserted) when the text changes, so that a process
    catches up by loading the rows with an id above the last one it has seen.
    """

    kind = models.CharField(max_length=8, choices=ItemKind.choices)
    object_id = models.BigIntegerField()
    space_id = models.BigIntegerField()
    terms = models.TextField(help_text="Content words, space separated.")
    vector = models.BinaryField(help_text="float16 unit vector (fireside.signals.to_bytes).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"],
                                               name="similarity_entry_once")]
