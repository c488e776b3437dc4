"""The organization's relationship with each person: merges and splits of people across
channels (with what moved), standing and its change log, and the staff tasks that follow.

Everything here is staff-only: no member page or member API response reads these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PersonChange(models.Model):
    """The audit trail of a merge or split. `moved` records exactly what changed hands
    ({"identities": [...], "messages": [...], "conversations": [...], "user": id|null}),
    so that a split can put a merge back."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Merge"
        SPLIT = "split", "Split"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    source = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL,
                               related_name="+", help_text="The person things moved from.")
    target = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL,
                               related_name="+", help_text="The person things moved to.")
    moved = models.JSONField(default=dict)
    reason = models.CharField(max_length=300, blank=True, default="")
    undone_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class StandingKind(models.TextChoices):
    PROMOTER = "promoter", "Promoter"
    PASSIVE = "passive", "Passive"
    DETRACTOR = "detractor", "Detractor"


class Standing(models.Model):
    """A person's current standing and the figures it was computed from."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE,
                                  primary_key=True, related_name="standing")
    standing = models.CharField(max_length=10, choices=StandingKind.choices,
                                default=StandingKind.PASSIVE)
    score = models.FloatField(default=0.0)
    positive_recent = models.PositiveIntegerField(default=0)
    negative_recent = models.PositiveIntegerField(default=0)
    open_complaints = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=300, blank=True, default="")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["standing", "-score"], name="standing_list")]


class StandingChange(models.Model):
    """Every change of standing, with the reason in words."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="standing_changes")
    old = models.CharField(max_length=10, choices=StandingKind.choices, blank=True)
    new = models.CharField(max_length=10, choices=StandingKind.choices)
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"], name="standing_change_person")]


class TaskKind(models.TextChoices):
    THANK = "thank", "Thank this promoter"
    HELP = "help", "Help this detractor"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"


class StaffTask(models.Model):
    """Something staff should do for a person; at most one open task per person and kind."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="staff_tasks")
    kind = models.CharField(max_length=6, choices=TaskKind.choices)
    status = models.CharField(max_length=10, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    reason = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="staff_tasks")
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"],
                                               condition=models.Q(status="open"),
                                               name="staff_task_open_once")]
        indexes = [models.Index(fields=["status", "due_at"], name="staff_task_list"),
                   models.Index(fields=["owner", "status", "due_at"], name="staff_task_owner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"

    @property
    def is_overdue(self) -> bool:
        return self.status == TaskStatus.OPEN and self.due_at < timezone.now()


class TaskOutcome(models.Model):
    """What was done to complete a task: a reply, a public thank-you, points given, a note."""

    task = models.OneToOneField(StaffTask, on_delete=models.CASCADE, related_name="outcome")
    note = models.TextField(blank=True, default="", max_length=2000)
    reply = models.TextField(blank=True, default="", max_length=5000)
    thank_you = models.ForeignKey("rewards.ThankYou", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    points_entry = models.ForeignKey("rewards.PointsEntry", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
