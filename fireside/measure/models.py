"""Rollups that keep dashboards off the raw tables, and what staff write: goals, value
entries, planning places, readiness answers and training records.

Rollup tables are rebuilt exactly by `rollups.recompute` and kept current by
`rollups.roll_up`, which reads only rows added since its watermark. `space_key` 0 means
"all spaces" in the per-space tables (and "outside any space" in MemberDay).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

ALL = 0


class Watermark(models.Model):
    """The highest id of a raw table already rolled up."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)


class ThreadFact(models.Model):
    """One row per thread, recomputed whenever the thread gets a post."""

    thread_id = models.BigIntegerField(primary_key=True)
    space_id = models.BigIntegerField()
    day = models.DateField(help_text="The day the thread was started (UTC).")
    is_question = models.BooleanField(default=False)
    posts = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    turns = models.PositiveIntegerField(default=0, help_text="Changes of author between posts.")
    first_reply_seconds = models.BigIntegerField(null=True, blank=True,
                                                 help_text="To the first reply by someone "
                                                           "other than the author.")
    first_reply_by_staff = models.BooleanField(null=True, blank=True)
    gaps = models.PositiveIntegerField(default=0, help_text="Replies after the first.")
    gaps_in_time = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["space_id", "day"], name="threadfact_space_day"),
                   models.Index(fields=["day"], name="threadfact_day")]


class SpaceDay(models.Model):
    """A space's day: posts by the day they were written, threads by the day they began."""

    day = models.DateField()
    space_id = models.BigIntegerField()
    posts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    # Threads started this day and what became of them (from ThreadFact).
    threads = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    unanswered_questions = models.PositiveIntegerField(default=0)
    answered_by_member = models.PositiveIntegerField(default=0)
    answered_by_staff = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    first_reply_seconds = models.BigIntegerField(default=0)
    fr_15m = models.PositiveIntegerField(default=0)
    fr_1h = models.PositiveIntegerField(default=0)
    fr_4h = models.PositiveIntegerField(default=0)
    fr_24h = models.PositiveIntegerField(default=0)
    fr_later = models.PositiveIntegerField(default=0)
    gaps = models.PositiveIntegerField(default=0)
    gaps_in_time = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    turns = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "space_id"], name="spaceday_once")]
        indexes = [models.Index(fields=["space_id", "day"], name="spaceday_space")]


class PageViewDay(models.Model):
    """Page views of a space's threads, counted as they happen (crawlers and staff not)."""

    day = models.DateField()
    space_id = models.BigIntegerField()
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "space_id"],
                                               name="pageviewday_once")]


class MemberDay(models.Model):
    """A member wrote or reacted in a space (space_key 0: answered on a channel) that day."""

    member_id = models.BigIntegerField()
    day = models.DateField()
    space_key = models.BigIntegerField()
    is_staff = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "space_key", "member_id"],
                                               name="memberday_once")]
        # Staff activity for the scorecard, without reading every member's days.
        indexes = [models.Index(fields=["day", "member_id"], condition=models.Q(is_staff=True),
                                name="memberday_staff")]


class MemberFirst(models.Model):
    """The day a member first posted: new contributors are counted from here."""

    member_id = models.BigIntegerField(primary_key=True)
    day = models.DateField(db_index=True)
    space_id = models.BigIntegerField()


class ActiveDay(models.Model):
    """Distinct active members on the day, over 7 and over 30 days ending that day."""

    day = models.DateField()
    space_key = models.BigIntegerField()
    dau = models.PositiveIntegerField(default=0)
    wau = models.PositiveIntegerField(default=0)
    mau = models.PositiveIntegerField(default=0)
    new_contributors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "space_key"],
                                               name="activeday_once")]
        indexes = [models.Index(fields=["space_key", "day"], name="activeday_space")]


class ChannelDay(models.Model):
    """A channel's day: messages by the day they were written, conversations by the day
    their first customer message arrived."""

    day = models.DateField()
    channel_id = models.BigIntegerField()
    inbound = models.PositiveIntegerField(default=0)
    outbound = models.PositiveIntegerField(default=0)
    outbound_named = models.PositiveIntegerField(default=0)
    outbound_promo = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    first_response_seconds = models.BigIntegerField(default=0)
    fr_1h = models.PositiveIntegerField(default=0, help_text="Answered within an hour.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "channel_id"],
                                               name="channelday_once")]


class HealthWeek(models.Model):
    """The health index of a space (space_key 0: the whole community) for a week that
    starts on `week` (a Monday). docs/health.md gives the formula."""

    week = models.DateField()
    space_key = models.BigIntegerField()
    active_members = models.PositiveIntegerField(default=0)
    posts = models.PositiveIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)
    members = models.PositiveSmallIntegerField(default=0)
    content = models.PositiveSmallIntegerField(default=0)
    traffic = models.PositiveSmallIntegerField(default=0)
    responsiveness = models.PositiveSmallIntegerField(default=0)
    interaction = models.PositiveSmallIntegerField(default=0)
    liveliness = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "space_key"],
                                               name="healthweek_once")]
        indexes = [models.Index(fields=["space_key", "week"], name="healthweek_space")]


class Metric(models.TextChoices):
    MEDIAN_FIRST_RESPONSE_HOURS = "median_first_response_hours", \
        "Median first response in the community (hours)"
    MEMBER_ANSWER_SHARE = "member_answer_share", "Share of questions answered by members (%)"
    IDEAS = "ideas", "Ideas submitted"
    ACTIVE_MEMBERS = "active_members", "Monthly active members"
    NEW_CONTRIBUTORS = "new_contributors", "New contributors"
    HEALTH_SCORE = "health_score", "Health index (0-1000)"
    UNANSWERED_QUESTIONS = "unanswered_questions", "Unanswered questions"
    CARE_FIRST_RESPONSE_1H = "care_first_response_1h", \
        "Share of care conversations answered within an hour (%)"


class Period(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class Goal(models.Model):
    """A measurable goal: a metric, at most or at least a target, over a period."""

    name = models.CharField(max_length=120)
    metric = models.CharField(max_length=40, choices=Metric.choices)
    at_most = models.BooleanField(default=False, help_text="Lower is better (e.g. hours).")
    target = models.FloatField()
    period = models.CharField(max_length=8, choices=Period.choices, default=Period.MONTH)
    space = models.ForeignKey("community.Space", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="goals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_active", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class RoiKind(models.TextChoices):
    DEFLECTION = "deflection", "Support contacts deflected"
    IDEA = "idea", "Idea shipped"
    OTHER = "other", "Other value"


class RoiEntry(models.Model):
    """A value entry added by staff. Deflection is computed, never stored here."""

    kind = models.CharField(max_length=12, choices=RoiKind.choices, default=RoiKind.OTHER)
    title = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    day = models.DateField(default=timezone.localdate)
    idea = models.ForeignKey("ideas.Idea", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]


class MeasureSettings(models.Model):
    """One row: what a support contact costs, in the organization's currency."""

    cost_per_contact = models.DecimalField(max_digits=10, decimal_places=2, default=12)
    currency = models.CharField(max_length=8, default="EUR")


class Audience(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    EMPLOYEES = "employees", "Employees"
    SUPPLIERS = "suppliers", "Suppliers"


class PlaceEntry(models.Model):
    """A place where the organization's people hang out that Fireside does not listen to."""

    name = models.CharField(max_length=100)
    audience = models.CharField(max_length=10, choices=Audience.choices,
                                default=Audience.CUSTOMERS)
    monthly_volume = models.PositiveIntegerField(default=0,
                                                 help_text="Estimated messages a month.")
    sentiment = models.FloatField(default=0.0, help_text="-1 (negative) to 1 (positive).")
    priority = models.PositiveSmallIntegerField(default=0, help_text="1 is highest; 0 unset.")
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]


class ChannelPriority(models.Model):
    """The priority staff gave a channel Fireside listens to (1 is highest)."""

    channel = models.OneToOneField("listening.Channel", on_delete=models.CASCADE,
                                   primary_key=True, related_name="+")
    priority = models.PositiveSmallIntegerField()


class ReadinessAnswer(models.Model):
    """One staff member's answer (0-4) to one question of the readiness self-assessment."""

    question = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "answered_by"],
                                               name="readiness_once")]


class TrainingRecord(models.Model):
    """Training a staff member completed for social work (courses, guidelines, drills)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    title = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=1)
    day = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-day", "-id"]


class ReportSent(models.Model):
    """The weekly report e-mail, sent once per week."""

    week = models.DateField(unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)
