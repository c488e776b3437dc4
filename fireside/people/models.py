"""Members and staff: one account per person, with a kind, a staff role and a profile."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    EMPLOYEE = "employee", "Employee"
    PARTNER = "partner", "Partner"


class Role(models.TextChoices):
    MEMBER = "", "Member"
    ADMIN = "admin", "Admin"
    COMMUNITY_MANAGER = "community_manager", "Community manager"
    MODERATOR = "moderator", "Moderator"
    AGENT = "agent", "Agent"


# Roles that may moderate every space, not only the spaces they are named for.
GLOBAL_MODERATOR_ROLES = frozenset({Role.ADMIN, Role.COMMUNITY_MANAGER, Role.MODERATOR})


class User(AbstractUser):
    """A person with an account. `username` is the @handle used in mentions and URLs.

    Imported members (from a Stack Exchange dump, say) have no usable password and
    `is_claimed=False` until they claim the account by e-mail.
    """

    email = models.EmailField(blank=True, default="")
    display_name = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CUSTOMER)
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.MEMBER, blank=True)
    title = models.CharField(max_length=120, blank=True, default="")
    bio = models.TextField(blank=True, default="", max_length=4000)
    avatar = models.ImageField(upload_to="avatars/", blank=True, default="")
    interests = models.JSONField(default=list, blank=True)
    expertise = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)
    email_verified = models.BooleanField(default=False)
    notify_by_email = models.BooleanField(default=True)
    is_claimed = models.BooleanField(default=True)
    external_source = models.CharField(max_length=40, blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="")
    post_count = models.PositiveIntegerField(default=0)
    accepted_count = models.PositiveIntegerField(default=0)

    objects: UserManager[User] = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="user_email_unique"
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_source=""),
                name="user_external_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("_", " ").split() if p[:1].isalnum()]
        letters = "".join(p[0] for p in parts[:2]) or self.username[:1] or "?"
        return letters.upper()

    @property
    def avatar_hue(self) -> int:
        """A stable colour for the initials avatar, so a person is recognisable at a glance."""
        digest = hashlib.md5(self.username.encode(), usedforsecurity=False).hexdigest()
        return int(digest[:4], 16) % 360

    @property
    def is_org(self) -> bool:
        """Employees and partners speak for the organization and are marked as such."""
        return self.kind in (Kind.EMPLOYEE, Kind.PARTNER)

    @property
    def is_global_moderator(self) -> bool:
        return self.is_superuser or self.role in GLOBAL_MODERATOR_ROLES

    @property
    def is_staff_member(self) -> bool:
        return self.is_superuser or self.role != Role.MEMBER


class ApiToken(models.Model):
    """A personal access token for integrations. Only a hash of the secret is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Organization(models.Model):
    """The organization that runs this Fireside: one row, edited by admins."""

    name = models.CharField(max_length=100, default="Fireside")
    vision = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone the organization hears from, on any channel, whether or not they have an
    account. Each handle they use lives in `listening.Identity`, pointing here; when the
    person is a member, `user` links them. Merging people across channels builds on this.
    """

    display_name = models.CharField(max_length=120, blank=True, default="")
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="person")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.display_name or f"Person {self.pk}"


class RateLimitWindow(models.Model):
    """Attempts counted in one fixed window of one rate limit (scope, who, window start),
    when there is no Redis: each attempt is one upsert. Expired rows are swept now and then
    by the attempts themselves."""

    key = models.CharField(max_length=255, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
