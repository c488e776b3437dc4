"""Rolling up in random steps gives exactly what one recomputation gives."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from fireside.care.actions import do_reply as care_reply
from fireside.care.models import Conversation
from fireside.community.actions import do_react
from fireside.community.models import Post, Reaction, Thread
from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.listening.models import Message
from fireside.measure import rollups
from fireside.measure.middleware import record_view
from fireside.measure.models import (
    ActiveDay,
    ChannelDay,
    HealthWeek,
    MemberDay,
    MemberFirst,
    SpaceDay,
    ThreadFact,
    Watermark,
)
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db
TABLES = (SpaceDay, ThreadFact, MemberDay, MemberFirst, ActiveDay, ChannelDay, HealthWeek)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for model in TABLES:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        out[model.__name__] = sorted(model.objects.values_list(*names))
    return out


def _random_activity(rng: random.Random, n: int, spaces: list[Any], people: list[Any],
                     staff: Any, channel: Any, days: int = 60) -> None:
    """`n` random events spread over the last `days` days (0: all within a day of now)."""
    now = timezone.now()
    for _ in range(n):
        roll = rng.random()
        at = now - timedelta(days=rng.randint(0, days), minutes=rng.randint(0, 1440))
        if roll < 0.25 or not Thread.objects.exists():
            thread = make_thread(rng.choice(spaces), rng.choice(people),
                                 kind=rng.choice(("question", "discussion")))
            Thread.objects.filter(pk=thread.pk).update(created_at=at)
            Post.objects.filter(thread=thread).update(created_at=at)
        elif roll < 0.7:
            thread = rng.choice(list(Thread.objects.all()))
            post = make_reply(thread, rng.choice([*people, staff]))
            later = thread.created_at + timedelta(minutes=rng.choice((5, 30, 90, 600, 3000)))
            later = later if days else at
            Post.objects.filter(pk=post.pk).update(created_at=later)
        elif roll < 0.85:
            post = rng.choice(list(Post.objects.all()))
            user = rng.choice(people)
            if not Reaction.objects.filter(post=post, user=user, kind="like").exists():
                do_react(user, post, "like")
        elif roll < 0.95:
            ingest_batch(channel, [RawMessage(
                external_id=f"r{rng.random()}", author=f"ana{rng.randint(1, 5)}",
                text=rng.choice(("Where is my order?", "Love the beans!", "Broken grinder")),
                created_at=at)])
        else:
            conv = Conversation.objects.filter(first_response_at__isnull=True).first()
            if conv:
                care_reply(staff, conv, rng.choice(("Sorry, sending a new one.",
                                                    "Big sale: 20% off, buy now!")),
                           at=conv.first_message_at + timedelta(minutes=rng.randint(1, 300)))
        if rng.random() < 0.1:
            record_view(rng.choice(list(Thread.objects.values_list("id", flat=True))))


@pytest.mark.parametrize("seed", [1])
def test_rolling_up_in_steps_agrees_exactly_with_a_full_recomputation(seed: int) -> None:
    rng = random.Random(seed)
    spaces = [make_space(), make_space()]
    people = [make_user() for _ in range(5)]
    staff = make_user(role="agent", kind="employee")
    channel = do_create_channel(f"Feed {seed}", "import")
    for _ in range(4):
        _random_activity(rng, 15, spaces, people, staff, channel)
        rollups.roll_up()
    stepwise = snapshot()
    rollups.recompute()
    assert snapshot() == stepwise
    assert sum(len(rows) for rows in stepwise.values()) > 50


def test_small_steps_counted_by_the_database_agree_with_a_full_recomputation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A step that touches a day or two counts active members in SQL (_distinct) rather
    than sliding windows in Python; both must give the same ActiveDay rows."""
    rng = random.Random(7)
    spaces = [make_space(), make_space(), make_space()]
    people = [make_user() for _ in range(6)]
    staff = make_user(role="agent", kind="employee")
    channel = do_create_channel("Feed small steps", "import")
    _random_activity(rng, 40, spaces, people, staff, channel)
    rollups.roll_up()
    counted: list[date] = []
    real = rollups._distinct

    def distinct(day: date, days: int) -> Any:
        counted.append(day)
        return real(day, days)

    monkeypatch.setattr(rollups, "_distinct", distinct)
    for _ in range(3):
        _random_activity(rng, 8, spaces, people, staff, channel, days=0)
        rollups.roll_up()
    assert counted, "no step took the database-counted path"
    # The scheduler was down for five quiet days: the next pass fills them in.
    today = timezone.now().date()
    ActiveDay.objects.filter(day__gt=today - timedelta(days=5)).delete()
    Watermark.objects.update(updated_at=timezone.now() - timedelta(days=5))
    rollups.roll_up()
    stepwise = snapshot()
    rollups.recompute()
    assert snapshot() == stepwise
    assert ActiveDay.objects.filter(day=timezone.now().date(), mau__gt=0).exists()


def test_the_rollups_agree_with_counts_taken_straight_from_the_raw_tables(
        staff: Any, member: Any) -> None:
    rng = random.Random(3)
    _random_activity(rng, 40, [make_space(), make_space()], [member, make_user()], staff,
                     do_create_channel("Feed", "import"))
    rollups.roll_up()
    posts = {(r["day"], r["thread__space_id"]): r["n"] for r in Post.objects.annotate(
        day=TruncDate("created_at", tzinfo=UTC)).values("day", "thread__space_id")
        .annotate(n=Count("id"))}
    assert {(r.day, r.space_id): r.posts for r in SpaceDay.objects.filter(posts__gt=0)} == posts
    day = max(d for d, _ in posts)
    authors = set(Post.objects.filter(created_at__date=day).values_list("author_id", flat=True))
    reactors = set(Reaction.objects.filter(created_at__date=day)
                   .values_list("user_id", flat=True))
    assert ActiveDay.objects.get(day=day, space_key=0).dau == len(authors | reactors)
    inbound = Message.objects.filter(direction="in").count()
    assert sum(ChannelDay.objects.values_list("inbound", flat=True)) == inbound


def test_a_first_reply_by_the_author_does_not_count_as_a_response(staff: Any,
                                                                  member: Any) -> None:
    thread = make_thread(make_space(), member, kind="question")
    make_reply(thread, member, body="Anyone?")
    rollups.roll_up()
    fact = ThreadFact.objects.get(thread_id=thread.pk)
    assert fact.first_reply_seconds is None and fact.posts == 2
    make_reply(thread, staff)
    rollups.roll_up()
    fact.refresh_from_db()
    assert fact.first_reply_by_staff is True and fact.turns == 1
    day = SpaceDay.objects.get(space_id=thread.space_id)
    assert (day.questions, day.answered_by_staff, day.unanswered_questions) == (1, 1, 0)


def test_a_week_gets_a_health_score_for_each_space_and_overall(member: Any) -> None:
    space = make_space()
    thread = make_thread(space, member)
    make_reply(thread, make_user())
    rollups.roll_up()
    week = rollups.week_of(datetime.now(UTC).date())
    keys = set(HealthWeek.objects.filter(week=week).values_list("space_key", flat=True))
    assert keys == {0, space.pk}
