"""Conversations with customers, their clocks (SLA), the people who answer, incidents.

A conversation's clock is stored, not computed on read: `sla_due_at` is the moment the
next answer is due while the customer waits (null otherwise), so the inbox is one indexed
range scan; `resolution_due_at` is the resolution target. `care.sla` keeps both current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Team(models.Model):
    name = models.CharField(max_length=80, unique=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="led_teams")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="care_teams")

    def __str__(self) -> str:
        return self.name


class BusinessCalendar(models.Model):
    """Opening hours per weekday (0 = Monday) as [["09:00", "17:00"]], holidays as ISO
    dates, in a time zone. SLA targets in business hours only count time inside them."""

    name = models.CharField(max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    hours = models.JSONField(default=dict, blank=True)
    holidays = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class SlaPolicy(models.Model):
    """Targets in minutes. The most specific policy wins: channel and priority, then
    priority, then channel, then the catch-all (both blank)."""

    name = models.CharField(max_length=80)
    priority = models.CharField(max_length=8, choices=Priority.choices, blank=True, default="")
    channel = models.ForeignKey("listening.Channel", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="sla_policies")
    first_response_minutes = models.PositiveIntegerField(default=60)
    next_response_minutes = models.PositiveIntegerField(default=240)
    resolution_minutes = models.PositiveIntegerField(default=24 * 60)
    calendar = models.ForeignKey(BusinessCalendar, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="policies",
                                 help_text="Blank: calendar hours, around the clock.")
    warn_before_minutes = models.PositiveIntegerField(default=15)
    # At the breach the owner is told (level 1); still unanswered this much later, the
    # team lead (level 2). Counted in the policy's hours, like its targets.
    escalate_after_minutes = models.PositiveIntegerField(default=30)

    class Meta:
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    OPEN = "open", "Open"
    WAITING = "waiting", "Waiting on the customer"
    RESOLVED = "resolved", "Resolved"


class Incident(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        FIXED = "fixed", "Fixed"
        DISMISSED = "dismissed", "Dismissed"

    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    terms = models.JSONField(default=list, blank=True)
    proposed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    acknowledgment = models.TextField(blank=True, default="")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.TextField(blank=True, default="")
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "-proposed_at"], name="incident_state")]

    def __str__(self) -> str:
        return self.title


class Conversation(models.Model):
    """The messages exchanged with one person about one matter, on one channel."""

    channel = models.ForeignKey("listening.Channel", on_delete=models.CASCADE,
                                related_name="conversations")
    person = models.ForeignKey("people.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="conversations")
    subject = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    intent = models.CharField(max_length=12, blank=True, default="")
    sentiment = models.CharField(max_length=8, blank=True, default="")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_conversations")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="conversations")
    tags = models.JSONField(default=list, blank=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="conversations")
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    message_count = models.PositiveIntegerField(default=0)
    first_message_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    # The first customer message not yet answered; null while nothing waits for us.
    awaiting_since = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    # Whether each target was met, fixed once it is decided (null: not yet).
    first_response_met = models.BooleanField(null=True, blank=True)
    resolution_met = models.BooleanField(null=True, blank=True)
    # 0 before a breach, 1 once the owner was told, 2 once the team lead was; it belongs
    # to the current wait, so it only counts while `sla_breached_at` is set.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # When the next stage is due while this wait stays unanswered (null: none pending).
    escalation_due_at = models.DateTimeField(null=True, blank=True)
    viewing_agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    viewing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The inbox: what waits for an answer, most urgent first.
            models.Index(fields=["status", "sla_due_at", "id"], name="conversation_inbox"),
            models.Index(fields=["owner", "status", "sla_due_at"], name="conversation_owner"),
            models.Index(fields=["channel", "person", "status"], name="conversation_thread"),
            models.Index(fields=["resolution_due_at"], name="conversation_resolution_due"),
            models.Index(fields=["first_message_at"], name="conversation_started"),
            models.Index(fields=["escalation_due_at"], name="conversation_escalation_due",
                         condition=models.Q(escalation_due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.subject or f"Conversation {self.pk}"

    @property
    def current_escalation(self) -> int:
        """The escalation level of the wait in progress (0: not escalated)."""
        return self.escalation_level if self.sla_breached_at is not None else 0


class Note(models.Model):
    """An internal note: seen by agents, never sent to the customer."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)


class SavedReply(models.Model):
    title = models.CharField(max_length=100, unique=True)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class RotaShift(models.Model):
    """Who covers which hours: a weekday (0 = Monday) and hours in the calendar's zone."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="shifts")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="shifts")
    weekday = models.PositiveSmallIntegerField()
    start_hour = models.PositiveSmallIntegerField()
    end_hour = models.PositiveSmallIntegerField(help_text="Exclusive; 24 means midnight.")
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["weekday", "start_hour"]


class Alert(models.Model):
    """An in-app notice for an agent: an SLA warning, a breach, an uncovered hour."""

    class Kind(models.TextChoices):
        WARNING = "warning", "SLA warning"
        BREACH = "breach", "SLA breached"
        ESCALATION = "escalation", "Escalated"
        UNCOVERED = "uncovered", "Nobody on shift"
        INCIDENT = "incident", "Incident proposed"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="care_alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    conversation = models.ForeignKey(Conversation, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="alerts")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at"], name="alert_inbox")]


class EscalationHook(models.Model):
    """An outgoing webhook told of every warning and breach, signed like inbound ones."""

    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200, blank=True, default="")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.url
