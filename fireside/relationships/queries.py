"""Reads for relationships. Staff only: every helper requires a staff viewer and answers
404 to anyone else, so a guessed person id tells a member nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from fireside.care.models import Conversation
from fireside.community import queries as community_queries
from fireside.community.models import Post
from fireside.ideas.models import Idea, Vote
from fireside.listening.models import ChannelKind, Direction, Message
from fireside.people.models import Person, User
from fireside.relationships.models import (
    PersonChange,
    StaffTask,
    Standing,
    StandingChange,
    TaskStatus,
)

TIMELINE_LIMIT = 60


def is_staff(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)
                and getattr(viewer, "is_staff_member", False))


def require_staff(viewer: Any) -> None:
    if not is_staff(viewer):
        raise Http404("No such page.")


def people(viewer: Any, *, q: str = "", standing: str = "") -> QuerySet[Person]:
    require_staff(viewer)
    qs = Person.objects.select_related("user", "standing")
    if q:
        qs = qs.filter(Q(display_name__icontains=q) | Q(user__username__icontains=q)
                       | Q(identities__handle__icontains=q)).distinct()
    if standing:
        qs = qs.filter(standing__standing=standing).order_by("-standing__score", "id")
    else:
        qs = qs.order_by("-id")
    return qs


def get_person(viewer: Any, person_id: int) -> Person:
    require_staff(viewer)
    person = Person.objects.select_related("user").filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    return person


def standing_of(person: Person) -> Standing | None:
    return Standing.objects.filter(person=person).first()


@dataclass(frozen=True)
class Item:
    at: datetime
    kind: str  # message, reply, post, idea, vote, conversation
    text: str
    where: str
    url: str = ""
    sentiment: str = ""


def timeline(viewer: Any, person: Person) -> list[Item]:
    """Everything the person did, across channels and the community, newest first."""
    require_staff(viewer)
    items: list[Item] = []
    # A community post is heard as a message too: it is listed once, as the post, with
    # the message's reading of its sentiment.
    heard_posts: dict[str, str] = {}
    for m in (Message.objects.filter(person=person).select_related("channel")
              .order_by("-created_at")[:TIMELINE_LIMIT]):
        if person.user_id and m.channel.kind == ChannelKind.COMMUNITY and m.url:
            heard_posts[m.url] = m.sentiment
            continue
        items.append(Item(m.created_at, "message" if m.direction == Direction.IN else "reply",
                          m.text[:300], m.channel.name, m.url, m.sentiment))
    for c in (Conversation.objects.filter(person=person).select_related("channel")
              .order_by("-first_message_at")[:TIMELINE_LIMIT]):
        items.append(Item(c.first_message_at, "conversation",
                          f"{c.subject or 'Conversation'} ({c.get_status_display().lower()})",
                          c.channel.name, f"/care/c/{c.pk}"))
    if person.user_id:
        # Community items only from spaces this staff member may enter.
        spaces = community_queries.visible_space_ids(viewer)
        for p in (Post.objects.filter(author_id=person.user_id, thread__space_id__in=spaces)
                  .select_related("thread__space")
                  .order_by("-created_at")[:TIMELINE_LIMIT]):
            url = f"/p/{p.pk}"
            items.append(Item(p.created_at, "post", f"{p.thread.title}: {p.body_text[:200]}",
                              p.thread.space.name, url, heard_posts.pop(url, "")))
        for i in (Idea.objects.filter(author_id=person.user_id, campaign__space_id__in=spaces)
                  .select_related("campaign")
                  .order_by("-created_at")[:TIMELINE_LIMIT]):
            items.append(Item(i.created_at, "idea", f"{i.title} ({i.get_status_display()})",
                              i.campaign.title, f"/ideas/{i.pk}"))
        for v in (Vote.objects.filter(voter_id=person.user_id, campaign__space_id__in=spaces)
                  .select_related("idea")
                  .order_by("-created_at")[:TIMELINE_LIMIT]):
            items.append(Item(v.created_at, "vote", f"Voted for {v.idea.title}", "Ideas",
                              f"/ideas/{v.idea_id}"))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:TIMELINE_LIMIT * 2]


@dataclass(frozen=True)
class Week:
    start: datetime
    mean: float | None
    count: int

    @property
    def height(self) -> int:
        """Bar height in pixels for the sparkline (0 when there was nothing)."""
        return 0 if self.mean is None else max(2, int(abs(self.mean) * 40))


def sentiment_by_week(person: Person, weeks: int = 12) -> list[Week]:
    now = timezone.now()
    start = now - timedelta(weeks=weeks)
    sums: dict[int, list[float]] = {}
    for at, score in Message.objects.filter(person=person, direction=Direction.IN,
                                            created_at__gte=start).values_list(
            "created_at", "sentiment_score"):
        sums.setdefault(int((at - start).days // 7), []).append(score)
    return [Week(start + timedelta(weeks=n),
                 (sum(sums[n]) / len(sums[n])) if n in sums else None, len(sums.get(n, [])))
            for n in range(weeks)]


def standing_changes(person: Person) -> QuerySet[StandingChange]:
    return StandingChange.objects.filter(person=person)[:30]


def person_changes(person: Person) -> QuerySet[PersonChange]:
    return PersonChange.objects.filter(Q(source=person) | Q(target=person)).select_related(
        "actor", "source", "target")[:30]


def tasks(viewer: Any, *, status: str = TaskStatus.OPEN, owner: str = "",
          kind: str = "", person: Person | None = None) -> QuerySet[StaffTask]:
    require_staff(viewer)
    qs = StaffTask.objects.select_related("person__user", "owner", "outcome")
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    if owner == "me":
        qs = qs.filter(owner=viewer)
    elif owner == "none":
        qs = qs.filter(owner__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if person is not None:
        qs = qs.filter(person=person)
    return qs.order_by("due_at", "id") if status == TaskStatus.OPEN else qs.order_by(
        "-completed_at", "-id")


def get_task(viewer: Any, task_id: int) -> StaffTask:
    require_staff(viewer)
    task = StaffTask.objects.select_related("person__user", "owner").filter(pk=task_id).first()
    if task is None:
        raise Http404("No such task.")
    return task


def staff_members() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(role="", is_superuser=False).order_by(
        "display_name")
