"""The demo organization: Ember Coffee Co., its staff, members, spaces and conversations.

Everything is created through the same actions that pages and the API use. Loading is
idempotent: each piece is looked up by a stable key first, so a second run adds nothing.
Generated passwords are kept in DATA_DIR/demo-logins.txt and reused on later runs.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fireside.community import actions
from fireside.community.models import Notification, Post, Space, Thread, Visibility
from fireside.demo.content import MEMBERS, SPACES, STAFF, THREADS
from fireside.ideas.demo import load_ideas_demo
from fireside.people.models import User
from fireside.people.organization import set_organization
from fireside.people.setup import create_staff

ORGANIZATION = "Ember Coffee Co."
VISION = ("Great coffee at home for everyone, made with the people who drink it: "
          "we answer every question, build what our customers ask for and say thank you.")
SAMPLE_DIR = Path(__file__).parent / "data" / "stackexchange-history-meta-sample"


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str


@dataclass(frozen=True)
class Logins:
    path: Path
    rows: list[Login]


def _password_book() -> tuple[Path, dict[str, str]]:
    path = settings.DATA_DIR / "demo-logins.txt"
    book: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            # "<role words> <email> <password>": the role may hold spaces, the others never.
            parts = line.split()
            if len(parts) >= 3:
                book[parts[-2]] = parts[-1]
    return path, book


def _write_book(path: Path, rows: list[Login]) -> None:
    path.write_text("".join(f"{r.role} {r.email} {r.password}\n" for r in rows))
    path.chmod(0o600)


def load_demo(stdout: TextIO | None = None) -> Logins:
    def say(text: str) -> None:
        if stdout is not None:
            print(text, file=stdout)

    set_organization(ORGANIZATION, VISION)
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_load = not Thread.objects.filter(external_source="demo").exists()
    path, book = _password_book()
    rows: list[Login] = []
    people: dict[str, User] = {}
    with transaction.atomic():
        for person in STAFF:
            user = User.objects.filter(username=person["handle"]).first()
            password = book.get(person["email"]) or secrets.token_urlsafe(12)
            if user is None:
                user = create_staff(email=person["email"], handle=person["handle"],
                                    display_name=person["name"], password=password,
                                    role=person["role"], kind=person["kind"],
                                    title=person["title"], superuser=person["role"] == "admin")
                user.bio, user.expertise = person.get("bio", ""), person.get("expertise", [])
                user.save(update_fields=["bio", "expertise"])
                say(f"created {person['role'] or person['kind']} @{user.username}")
            people[person["handle"]] = user
            rows.append(Login(person["label"], person["email"], password))
        for person in MEMBERS:
            user = User.objects.filter(username=person["handle"]).first()
            password = book.get(person["email"]) or secrets.token_urlsafe(12)
            if user is None:
                user = User(username=person["handle"], email=person["email"],
                            display_name=person["name"], kind=person["kind"],
                            title=person.get("title", ""), bio=person.get("bio", ""),
                            interests=person.get("interests", []), email_verified=True)
                user.set_password(password)
                user.save()
                say(f"created {person['kind']} @{user.username}")
            people[person["handle"]] = user
            if person.get("label"):
                rows.append(Login(person["label"], person["email"], password))
        spaces: dict[str, Space] = {}
        for i, spec in enumerate(SPACES):
            space, created = Space.objects.get_or_create(slug=spec["slug"], defaults={
                "name": spec["name"], "purpose": spec["purpose"],
                "description": spec.get("description", ""),
                "visibility": spec.get("visibility", Visibility.PUBLIC),
                "allowed_kinds": spec.get("allowed_kinds", []), "position": i,
            })
            if created:
                space.moderators.set([people[h] for h in spec.get("moderators", [])])
                say(f"created space {space.name}")
            spaces[spec["slug"]] = space
        _load_threads(people, spaces, say)
        load_ideas_demo(people, spaces, say)
    _write_book(path, rows)
    _import_sample(say)
    from fireside.care.demo import load_care_demo

    load_care_demo(say)
    from fireside.relationships.demo import load_relationships_demo

    load_relationships_demo(say)
    from fireside.measure.demo import load_measure_demo

    load_measure_demo(say)
    _joined_before_first_post()
    if first_load:
        _hear_community_history(say)
    # The demo's history happened before anyone logged in: its notifications wait in the
    # bell, but e-mailing them now would bury the log-ins under a hundred messages.
    Notification.objects.filter(pk__gt=before, emailed_at__isnull=True).update(
        emailed_at=F("created_at"))
    return Logins(path, rows)


def _hear_community_history(say: Callable[[str], None]) -> None:
    """The community's dated-back history reaches the stream now, as the worker would have
    heard it at the time, and what was older than two days was handled back then: the
    inbox opens on the recent threads, not on twelve weeks of backlog. (With the immediate
    task backend of the tests the posts were heard as they were written; hearing them again
    adds nothing.)"""
    from fireside.care.actions import do_set_status
    from fireside.care.models import Conversation, Status
    from fireside.listening.actions import community_channel, do_ingest_community_post
    from fireside.measure import rollups
    from fireside.relationships import standing

    channel = community_channel()
    for pk in Post.objects.order_by("created_at", "pk").values_list("pk", flat=True):
        do_ingest_community_post(pk)
    stale = timezone.now() - timedelta(days=2)
    handled = 0
    for conv in Conversation.objects.filter(channel=channel, last_message_at__lt=stale).exclude(
            status=Status.RESOLVED):
        do_set_status(conv, Status.RESOLVED)
        handled += 1
    say(f"heard the community's history: {channel.messages.count()} posts, "
        f"{handled} older conversations handled")
    # As the nightly jobs would: the figures and the standings now hold these messages too.
    rollups.recompute()
    standing.recompute(None)


def _joined_before_first_post() -> None:
    """The demo's history is dated back: each member joined a week before their first
    post, not on the day the demo was loaded. Repeating it changes nothing."""
    from django.db.models import Min

    firsts = (User.objects.annotate(first=Min("posts__created_at"))
              .filter(first__isnull=False).values_list("pk", "first", "date_joined"))
    for pk, first, joined in firsts:
        if joined > first - timedelta(days=7):
            User.objects.filter(pk=pk).update(date_joined=first - timedelta(days=7))


def _load_threads(people: dict[str, User], spaces: dict[str, Space], say: object) -> None:
    now = timezone.now()
    for spec in THREADS:
        if Thread.objects.filter(external_source="demo", external_id=spec["key"]).exists():
            continue
        author = people[spec["author"]]
        thread = actions.do_create_thread(author, spaces[spec["space"]], title=spec["title"],
                                          body=spec["body"], kind=spec.get("kind", "discussion"),
                                          tags=spec.get("tags", []))
        age = timedelta(hours=spec.get("hours_ago", 24))
        started = now - age
        Thread.objects.filter(pk=thread.pk).update(external_source="demo",
                                                   external_id=spec["key"], created_at=started)
        Post.objects.filter(thread=thread, is_opening=True).update(created_at=started)
        last = started
        posts: list[Post] = []
        for n, reply in enumerate(spec.get("replies", [])):
            post = actions.do_reply(people[reply["author"]], thread, body=reply["body"])
            last = started + timedelta(minutes=reply.get("minutes", 30 * (n + 1)))
            Post.objects.filter(pk=post.pk).update(created_at=last)
            posts.append(post)
            for handle in reply.get("helpful", []):
                actions.do_react(people[handle], post, "helpful")
            for handle in reply.get("likes", []):
                actions.do_react(people[handle], post, "like")
            if reply.get("accepted"):
                actions.do_accept_answer(thread.author, post)
        Thread.objects.filter(pk=thread.pk).update(last_activity_at=last,
                                                   is_pinned=spec.get("pinned", False))
    for space in spaces.values():
        latest = space.threads.order_by("-last_activity_at").values_list(
            "last_activity_at", flat=True).first()
        Space.objects.filter(pk=space.pk).update(last_activity_at=latest)


def _import_sample(say: object) -> None:
    if not SAMPLE_DIR.exists():
        return
    try:
        from fireside.community.importers.stackexchange import import_dump
    except ImportError:
        return
    report = import_dump(SAMPLE_DIR, space_slug="history-meta-archive",
                         space_name="History Meta archive")
    if callable(say):
        say(report.summary())
