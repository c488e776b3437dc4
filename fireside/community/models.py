"""Spaces, threads and posts: the community's home, and the records around them.

Counters (`reply_count`, `thread_count`, `last_activity_at`) are kept by the actions in
`actions.py` in the same transaction as the write, so that list pages never count rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone, signed in or not"
    MEMBERS = "members", "Members: anyone signed in"
    PRIVATE = "private", "Private: chosen kinds, roles or invited members"


class Space(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    purpose = models.CharField(max_length=300, help_text="Why this space exists, shown at its top.")
    description = models.TextField(blank=True, default="")
    visibility = models.CharField(max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    # For private spaces: member kinds and staff roles that may enter, besides invitees.
    allowed_kinds = models.JSONField(default=list, blank=True)
    allowed_roles = models.JSONField(default=list, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="invited_spaces")
    moderators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                        related_name="moderated_spaces")
    attribution = models.TextField(blank=True, default="",
                                   help_text="Credit for imported content (licence, source).")
    position = models.PositiveIntegerField(default=0)
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", "Discussion"
    QUESTION = "question", "Question"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="threads")
    kind = models.CharField(max_length=12, choices=ThreadKind.choices,
                            default=ThreadKind.DISCUSSION)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="threads")
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    accepted_post = models.ForeignKey("Post", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    reply_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    delete_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    external_source = models.CharField(max_length=40, blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            # A space's threads newest first (the space page, the API), and its few pinned
            # ones apart. Not one index on (space, is_pinned, ...): Django writes the filter
            # as `NOT is_pinned`, which SQLite cannot match to an index column, so it sorted
            # every thread of the space on each page view.
            models.Index(fields=["space", "-last_activity_at", "-id"],
                         name="thread_space_recent"),
            models.Index(fields=["space", "-last_activity_at", "-id"],
                         condition=models.Q(is_pinned=True), name="thread_space_pinned"),
            models.Index(fields=["-last_activity_at"], name="thread_recent"),
            models.Index(fields=["kind", "reply_count", "created_at"], name="thread_unanswered"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_source=""),
                name="thread_external_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_question(self) -> bool:
        return self.kind == ThreadKind.QUESTION

    @property
    def is_visible_to_all(self) -> bool:
        return not (self.is_hidden or self.is_deleted)


class Post(models.Model):
    """A message in a thread; the thread's opening post has `is_opening=True`."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="posts")
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    is_opening = models.BooleanField(default=False)
    body = models.TextField(help_text="Markdown as written, or sanitized HTML when imported.")
    body_format = models.CharField(max_length=8, default="markdown",
                                   choices=[("markdown", "Markdown"), ("html", "HTML")])
    body_html = models.TextField(help_text="Rendered and sanitized; safe to show.")
    body_text = models.TextField(help_text="Plain text, for search and signals.")
    like_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    delete_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    external_source = models.CharField(max_length=40, blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="post_thread_order"),
            models.Index(fields=["author", "-created_at"], name="post_author_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_source=""),
                name="post_external_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"


class PostRevision(models.Model):
    """The body a post had before an edit; the current body lives on the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=200, blank=True, default="")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class ReactionKind(models.TextChoices):
    LIKE = "like", "Like"
    HELPFUL = "helpful", "Helpful"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="reactions")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_once"),
        ]
        indexes = [models.Index(fields=["user", "post"], name="reaction_user_post")]


class Follow(models.Model):
    """A member following a thread or a whole space, for notifications."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="follows")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="follows")
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="follow_thread_once",
                                    condition=models.Q(thread__isnull=False)),
            models.UniqueConstraint(fields=["user", "space"], name="follow_space_once",
                                    condition=models.Q(space__isnull=False)),
            models.CheckConstraint(
                condition=models.Q(thread__isnull=False) ^ models.Q(space__isnull=False),
                name="follow_one_target",
            ),
        ]


class NotificationKind(models.TextChoices):
    REPLY = "reply", "replied in"
    MENTION = "mention", "mentioned you in"
    ACCEPTED = "accepted", "accepted your answer in"
    NEW_THREAD = "new_thread", "started"
    # Written by other apps, with the words in `text` (e.g. an idea's new status).
    IDEA = "idea", "updated an idea"
    CAMPAIGN = "campaign", "announced the result of"


class Notification(models.Model):
    # No index of its own: `notification_inbox` starts with it. A reply in a busy thread
    # inserts a hundred of these, and each index is one more B-tree to write per row.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    # Set when another app words the notification itself and links it elsewhere.
    text = models.CharField(max_length=300, blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_inbox")]


class Flag(models.Model):
    """A member's report that a post breaks the rules; open until a moderator resolves it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolution = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="flag_once",
                                    condition=models.Q(resolved_at__isnull=True)),
        ]


class ModerationAction(models.Model):
    """The audit trail of every moderation decision, with its reason."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=20)
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="moderation_actions")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="moderation_actions")
    reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


class PostSignals(models.Model):
    """What the signals library read in a post: written by a background batch within
    seconds of posting (see tasks.analyze_posts), and by importers in bulk."""

    post = models.OneToOneField(Post, primary_key=True, on_delete=models.CASCADE,
                                related_name="signals")
    sentiment = models.CharField(max_length=8)
    sentiment_score = models.FloatField()
    intent = models.CharField(max_length=12)
    complaint = models.BooleanField()
    complaint_probability = models.FloatField()
    language = models.CharField(max_length=8)
    guideline_flags = models.JSONField(default=list, blank=True)
    analyzed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["intent", "sentiment"], name="post_signals_kind")]
