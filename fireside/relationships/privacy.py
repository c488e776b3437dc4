"""A member's own data: the export of everything they gave us, and deleting the account.

The export is built from an allow-list of fields per table, never from whole rows, so a
field that staff keep about someone (standing, sentiment, complaint scores, notes, tasks)
cannot slip in when a model grows a column.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fireside.community.models import Follow, Notification, Post, Reaction, Thread
from fireside.errors import ActionError, Forbidden
from fireside.ideas.models import Credit, Idea, IdeaFollow, Vote
from fireside.listening.models import Direction, Identity, Message
from fireside.people.models import Person, User
from fireside.rewards.models import (
    BadgeAward,
    Introduction,
    MemberPreference,
    PointsEntry,
    ThankYou,
)

REMOVED_REASON = "removed at the author's request"
# Keys that must never appear in a member's export; the tests assert it.
STAFF_ONLY_KEYS = frozenset({"standing", "score", "sentiment", "sentiment_score", "intent",
                             "complaint", "complaint_probability", "notes", "tasks",
                             "staff_tasks", "flags", "reason_for_staff"})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(user: User) -> dict[str, Any]:
    """Everything the member wrote, chose or received, as plain JSON-ready data."""
    from fireside.rewards.actions import level_for, total_points

    person = Person.objects.filter(user=user).first()
    points = total_points(user.pk)
    intros = Introduction.objects.filter(Q(first=user) | Q(second=user) | Q(introducer=user))
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "handle": user.username, "display_name": user.display_name, "email": user.email,
            "kind": user.kind, "title": user.title, "bio": user.bio,
            "interests": user.interests, "expertise": user.expertise, "links": user.links,
            "notify_by_email": user.notify_by_email, "joined_at": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "avatar": user.avatar.url if user.avatar else None,
        },
        "threads": [{"id": t.pk, "title": t.title, "space": t.space.slug, "kind": t.kind,
                     "created_at": _iso(t.created_at)}
                    for t in Thread.objects.filter(author=user).select_related("space")],
        "posts": [{"id": p.pk, "thread_id": p.thread_id, "body": p.body,
                   "created_at": _iso(p.created_at), "edited_at": _iso(p.edited_at),
                   "is_deleted": p.is_deleted}
                  for p in Post.objects.filter(author=user).order_by("created_at")],
        "reactions": [{"post_id": r.post_id, "kind": r.kind, "created_at": _iso(r.created_at)}
                      for r in Reaction.objects.filter(user=user)],
        "follows": [{"thread_id": f.thread_id, "space_id": f.space_id,
                     "created_at": _iso(f.created_at)} for f in Follow.objects.filter(user=user)],
        "notifications": [{"kind": n.kind, "thread_id": n.thread_id, "post_id": n.post_id,
                           "text": n.text, "created_at": _iso(n.created_at),
                           "read_at": _iso(n.read_at)}
                          for n in Notification.objects.filter(recipient=user)],
        "ideas": [{"id": i.pk, "title": i.title, "description": i.description,
                   "status": i.status, "campaign": i.campaign.slug,
                   "created_at": _iso(i.created_at)}
                  for i in Idea.objects.filter(author=user).select_related("campaign")],
        "votes": [{"idea_id": v.idea_id, "created_at": _iso(v.created_at)}
                  for v in Vote.objects.filter(voter=user)],
        "idea_follows": [{"idea_id": f.idea_id, "created_at": _iso(f.created_at)}
                         for f in IdeaFollow.objects.filter(user=user)],
        "idea_credits": [{"idea_id": c.idea_id, "role": c.role, "note": c.note,
                          "granted_at": _iso(c.granted_at)}
                         for c in Credit.objects.filter(person=user)],
        "points": {
            "total": points, "level": level_for(points)[0],
            "entries": [{"points": e.points, "kind": e.kind, "reason": e.reason,
                         "created_at": _iso(e.created_at)}
                        for e in PointsEntry.objects.filter(user=user).order_by("created_at")],
        },
        "badges": [{"badge": a.badge.name, "description": a.badge.description,
                    "awarded_at": _iso(a.created_at)}
                   for a in BadgeAward.objects.filter(user=user).select_related("badge")],
        "thanks_received": [{"from": t.sender.username, "message": t.message,
                             "created_at": _iso(t.created_at)}
                            for t in ThankYou.objects.filter(recipient=user)
                            .select_related("sender")],
        "thanks_sent": [{"to": t.recipient.username, "message": t.message,
                         "created_at": _iso(t.created_at)}
                        for t in ThankYou.objects.filter(sender=user).select_related("recipient")],
        "introductions": [{"introduced_by": i.introducer.username,
                           "people": [i.first.username, i.second.username],
                           "message": i.message, "created_at": _iso(i.created_at)}
                          for i in intros.select_related("introducer", "first", "second")],
        "introductions_allowed": not MemberPreference.objects.filter(
            user=user, no_introductions=True).exists(),
        # The member's own messages on outside channels, as they wrote them.
        "channel_handles": [{"channel": i.channel.name, "handle": i.handle}
                            for i in Identity.objects.filter(person=person)
                            .select_related("channel")] if person else [],
        "channel_messages": [{"channel": m.channel.name, "text": m.text, "url": m.url,
                              "created_at": _iso(m.created_at)}
                             for m in Message.objects.filter(person=person,
                                                             direction=Direction.IN)
                             .select_related("channel").order_by("created_at")]
        if person else [],
    }


def deletion_policy() -> str:
    policy = getattr(settings, "FIRESIDE_DELETION_POLICY", "anonymize")
    return policy if policy in ("anonymize", "remove") else "anonymize"


def check_delete_account(user: User, password: str) -> str:
    """Delete the member's account after they type their password again."""
    if not user.check_password(password or ""):
        raise Forbidden("That password is not right; your account is unchanged.")
    if user.is_superuser:
        raise ActionError("An administrator's account cannot be deleted here; ask another "
                          "admin to remove the role first.")
    return do_delete_account(user, deletion_policy())


@transaction.atomic
def do_delete_account(user: User, policy: str) -> str:
    """Scrub the account: under "anonymize" the posts stay, signed by an anonymous
    placeholder (this same row, renamed); under "remove" they are emptied and marked
    deleted. The points ledger is append-only and keeps its rows, now unnamed."""
    if policy == "remove":
        Post.objects.filter(author=user, is_deleted=False).update(
            is_deleted=True, delete_reason=REMOVED_REASON, body="", body_html="",
            body_text="")
        Thread.objects.filter(author=user, is_deleted=False).update(
            is_deleted=True, delete_reason=REMOVED_REASON)
    if user.avatar:
        user.avatar.delete(save=False)
    placeholder = f"former-{user.pk}-{secrets.token_hex(3)}"
    user.username, user.display_name, user.email = placeholder, "Former member", ""
    user.title, user.bio, user.interests, user.expertise, user.links = "", "", [], [], []
    user.first_name = user.last_name = ""
    user.avatar = ""
    user.is_active, user.notify_by_email = False, False
    user.external_source, user.external_id = "", ""
    user.set_unusable_password()
    user.save()
    user.api_tokens.all().delete()
    Notification.objects.filter(recipient=user).delete()
    Follow.objects.filter(user=user).delete()
    IdeaFollow.objects.filter(user=user).delete()
    ThankYou.objects.filter(Q(sender=user) | Q(recipient=user)).delete()
    Introduction.objects.filter(Q(first=user) | Q(second=user) | Q(introducer=user)).delete()
    MemberPreference.objects.filter(user=user).delete()
    BadgeAward.objects.filter(user=user).delete()
    Person.objects.filter(user=user).update(user=None, display_name="Former member")
    return policy


def contains_staff_only(data: Any) -> list[str]:
    """The staff-only keys found anywhere in `data` (for tests and a last check)."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in STAFF_ONLY_KEYS:
                found.append(key)
            found += contains_staff_only(value)
    elif isinstance(data, list):
        for value in data:
            found += contains_staff_only(value)
    return found
