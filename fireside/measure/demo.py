"""Measure for the demo organization: twelve weeks of backdated community history (made
through the real actions, then dated back), page views, goals, value entries, planning
places, channel priorities, a readiness self-assessment and training; then a full
rollup. Idempotent: the history is keyed by external_source="measure-demo"."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fireside.community import actions as community
from fireside.community.models import Post, Space, Thread
from fireside.measure import rollups
from fireside.measure.models import (
    ChannelPriority,
    Goal,
    Metric,
    PageViewDay,
    PlaceEntry,
    ReadinessAnswer,
    RoiEntry,
    TrainingRecord,
)
from fireside.people.models import User

WEEKS = 12
TOPICS = (("My grinder clumps with darker roasts", "question"),
          ("Best ratio for a 1 litre French press?", "question"),
          ("Can I skip a subscription delivery?", "question"),
          ("Share your weekend latte art", "discussion"),
          ("Which beans for cold brew this summer?", "question"),
          ("The new Ethiopian lot is wonderful", "discussion"),
          ("Descaling schedule for hard water?", "question"),
          ("Tasting notes: washed vs natural", "discussion"))
REPLIES = ("Try a slightly coarser setting and a 30 second bloom.",
           "Same here, it helped to weigh the dose every time.",
           "You can skip it under Account > Subscription, any time before dispatch.",
           "Thanks, that fixed it!", "Great question, I wondered too.",
           "We answered this in the brewing guide; linking it here.")
GOALS = (("Answer fast", Metric.MEDIAN_FIRST_RESPONSE_HOURS, 1, "month"),
         ("Members answer members", Metric.MEMBER_ANSWER_SHARE, 30, "month"),
         ("Fifty ideas a quarter", Metric.IDEAS, 50, "quarter"),
         ("A healthy community", Metric.HEALTH_SCORE, 600, "week"))
PLACES = (("Instagram", "customers", 900, 0.4, 1, "Latte art and launches; we post, "
           "rarely answer."),
          ("Reddit r/coffee", "customers", 300, 0.1, 3, "Not listened to yet."),
          ("LinkedIn", "employees", 120, 0.3, 0, "Hiring and roastery news."),
          ("Green coffee importers' forum", "suppliers", 40, 0.0, 4, "Where sourcing is "
           "discussed."))
READINESS = {"maya": (4, 3, 3, 3, 4, 3, 3, 3, 3, 3, 3, 3),
             "tom": (3, 2, 3, 2, 3, 2, 4, 3, 2, 1, 3, 2)}


def load_measure_demo(say: Callable[[str], None]) -> None:
    people = {u.username: u for u in User.objects.filter(
        username__in=("maya", "tom", "priya", "lena", "alex", "sam", "rosa", "jonas"))}
    spaces = list(Space.objects.filter(slug__in=("brewing-help", "orders-and-subscriptions",
                                                 "regulars")))
    if len(people) < 8 or not spaces:
        return
    if not Thread.objects.filter(external_source="measure-demo").exists():
        with transaction.atomic():
            _history(people, spaces)
        say(f"created {WEEKS} weeks of community history for the measure dashboards")
    maya = people["maya"]
    for name, metric, target, period in GOALS:
        if not Goal.objects.filter(name=name).exists():
            Goal.objects.create(name=name, metric=metric, target=target, period=period,
                                at_most=metric == Metric.MEDIAN_FIRST_RESPONSE_HOURS,
                                created_by=maya)
    if not RoiEntry.objects.exists():
        today = date.today()
        RoiEntry.objects.create(kind="idea", title="Shipped: pause a subscription in one click",
                                amount=Decimal("4200"), day=today - timedelta(days=20),
                                created_by=maya)
        RoiEntry.objects.create(kind="other", title="Launch feedback from the regulars "
                                "replaced a paid survey", amount=Decimal("1500"),
                                day=today - timedelta(days=40), created_by=maya)
    for name, audience, volume, mood, priority, note in PLACES:
        PlaceEntry.objects.get_or_create(name=name, defaults={
            "audience": audience, "monthly_volume": volume, "sentiment": mood,
            "priority": priority, "note": note})
    from fireside.listening.models import Channel

    if not ChannelPriority.objects.exists():  # channels come and go: only the first time
        for rank, channel in enumerate(Channel.objects.order_by("name")[:2], start=2):
            ChannelPriority.objects.create(channel=channel, priority=rank)
    from fireside.measure.readiness import QUESTIONS

    for handle, scores in READINESS.items():
        for key, score in zip(QUESTIONS, scores, strict=True):
            ReadinessAnswer.objects.get_or_create(question=key, answered_by=people[handle],
                                                  defaults={"score": score})
    for handle in ("lena", "priya"):
        TrainingRecord.objects.get_or_create(user=people[handle],
                                             title="Social care guidelines", defaults={
                                                 "hours": Decimal("3"),
                                                 "day": date.today() - timedelta(days=60)})
    rollups.recompute()


def _history(people: dict[str, User], spaces: list[Space]) -> None:
    rng = random.Random(7)
    members = [people[h] for h in ("alex", "sam", "rosa", "jonas")]
    staff = [people[h] for h in ("priya", "tom", "lena")]
    now = timezone.now()
    for week in range(WEEKS, 0, -1):
        # The community grows: more threads and more member answers in later weeks.
        growth = (WEEKS - week) / WEEKS
        for n in range(3 + round(6 * growth)):
            title, kind = TOPICS[rng.randrange(len(TOPICS))]
            started = now - timedelta(weeks=week, hours=rng.randint(0, 150))
            author = rng.choice(members)
            thread = community.do_create_thread(author, rng.choice(spaces), title=title,
                                                body="Curious what everyone thinks.",
                                                kind=kind, notify=False)
            Thread.objects.filter(pk=thread.pk).update(
                external_source="measure-demo", external_id=f"w{week}-{n}",
                created_at=started, last_activity_at=started)
            Post.objects.filter(thread=thread).update(created_at=started)
            at = started
            for _ in range(rng.choice((0, 1, 2, 3, 3, 4))):
                pool = members if rng.random() < 0.3 + 0.4 * growth else staff
                replier = rng.choice([p for p in pool if p != author] or staff)
                at += timedelta(minutes=rng.choice((12, 40, 75, 180, 600, 1500)))
                post = community.do_reply(replier, thread, body=rng.choice(REPLIES),
                                          notify=False)
                Post.objects.filter(pk=post.pk).update(created_at=at)
            Thread.objects.filter(pk=thread.pk).update(last_activity_at=at)
    for day_back in range(WEEKS * 7, 0, -1):
        day = (now - timedelta(days=day_back)).date()
        for space in spaces:
            views = int(rng.randint(20, 60) * (1 + 2 * (WEEKS * 7 - day_back) / (WEEKS * 7)))
            PageViewDay.objects.get_or_create(day=day, space_id=space.pk,
                                              defaults={"views": views})
