"""Channels the organization listens to, the handles heard on them, and every message.

A message is unique by (channel, external_id): the ingest pipeline relies on that
constraint as its final guard, so a retried batch or a re-run import stores nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChannelKind(models.TextChoices):
    RSS = "rss", "RSS/Atom feed"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    WEBHOOK = "webhook", "Inbound webhook"
    IMAP = "imap", "E-mail (IMAP in, SMTP out)"
    IMPORT = "import", "File import"
    TWITTER = "twitter", "Twitter/X (imported)"
    COMMUNITY = "community", "The community"


# Kinds whose connector can post a reply back where the customer wrote.
POSTING_KINDS = frozenset({ChannelKind.MASTODON, ChannelKind.BLUESKY, ChannelKind.IMAP,
                           ChannelKind.COMMUNITY})


class OpenRule(models.TextChoices):
    ALL = "all", "Every message opens a conversation"
    ACTIONABLE = "actionable", "Only complaints and questions open a conversation"


class Channel(models.Model):
    """A source the organization listens to, with its connector settings and rules.

    `config` holds the connector's settings (base_url, account, feed url...), `secret` its
    credentials (an access token, a webhook signing secret), `rules` the terms, hashtags
    and accounts that matter. `cursor` is the connector's position, saved with each batch.
    """

    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    config = models.JSONField(default=dict, blank=True)
    secret = models.CharField(max_length=500, blank=True, default="")
    rules = models.JSONField(default=dict, blank=True)
    open_rule = models.CharField(max_length=12, choices=OpenRule.choices, default=OpenRule.ALL)
    team = models.ForeignKey("care.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="channels")
    is_active = models.BooleanField(default=True)
    cursor = models.JSONField(default=dict, blank=True)
    poll_seconds = models.PositiveIntegerField(default=60)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_post(self) -> bool:
        return self.kind in POSTING_KINDS


class ChannelAccount(models.Model):
    """One of the organization's own accounts on a channel: its messages are replies."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="accounts")
    handle = models.CharField(max_length=191)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "handle"],
                                               name="channel_account_once")]

    def __str__(self) -> str:
        return f"{self.handle} on {self.channel}"


class Identity(models.Model):
    """A handle on a channel: the same handle on a channel is the same person."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="identities")
    handle = models.CharField(max_length=191)
    display_name = models.CharField(max_length=120, blank=True, default="")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="identities")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "handle"],
                                               name="identity_once")]

    def __str__(self) -> str:
        return f"{self.handle} on {self.channel_id}"


class Direction(models.TextChoices):
    IN = "in", "From a customer"
    OUT = "out", "From the organization"


class Delivery(models.TextChoices):
    """Where a reply that Fireside posts stands (blank: nothing to post, e.g. inbound)."""

    NONE = "", "Not posted by Fireside"
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    external_id = models.CharField(max_length=191)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="messages")
    identity = models.ForeignKey(Identity, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="messages")
    account = models.ForeignKey(ChannelAccount, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="messages")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="care_messages")
    conversation = models.ForeignKey("care.Conversation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="messages")
    in_reply_to = models.CharField(max_length=191, blank=True, default="")
    author_handle = models.CharField(max_length=191, blank=True, default="")
    author_name = models.CharField(max_length=120, blank=True, default="")
    text = models.TextField()
    url = models.URLField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    # Replies written in Fireside but sent elsewhere by hand ("answered elsewhere").
    sent_elsewhere = models.BooleanField(default=False)
    sentiment = models.CharField(max_length=8, blank=True, default="")
    sentiment_score = models.FloatField(default=0.0)
    intent = models.CharField(max_length=12, blank=True, default="")
    complaint = models.BooleanField(default=False)
    complaint_probability = models.FloatField(default=0.0)
    language = models.CharField(max_length=8, blank=True, default="")
    flags = models.JSONField(default=list, blank=True)
    # Replies posted through a connector (care.delivery). The database defaults let the
    # ingest pipeline's raw inserts leave these columns out.
    delivery = models.CharField(max_length=8, choices=Delivery.choices, blank=True,
                                default="", db_default="")
    delivery_attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    delivery_error = models.CharField(max_length=300, blank=True, default="", db_default="")
    # When the delivery sweep next tries (pending, a lapsed claim, or a failure's backoff).
    next_delivery_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"],
                                               name="message_once")]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="message_stream"),
            models.Index(fields=["channel", "-created_at"], name="message_channel_stream"),
            models.Index(fields=["conversation", "created_at"], name="message_conversation"),
            models.Index(fields=["channel", "in_reply_to"], name="message_reply_lookup"),
            models.Index(fields=["next_delivery_at"], name="message_delivery_due",
                         condition=models.Q(next_delivery_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.external_id}"

    @property
    def is_inbound(self) -> bool:
        return self.direction == Direction.IN


class ImportRun(models.Model):
    """A file import's progress: `rows_done` is committed with each batch, so a killed
    import resumes where it stopped (and dedupe makes any overlap harmless)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="imports")
    key = models.CharField(max_length=64, unique=True,
                           help_text="A digest of the file's path, size and format.")
    path = models.CharField(max_length=500)
    rows_done = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)


class PeriodicJob(models.Model):
    """When each periodic task last ran and next runs; the scheduler claims due rows by
    moving `next_run_at` forward in one UPDATE, so two schedulers never double-enqueue."""

    name = models.CharField(max_length=80, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)
