"""Standing: promoter, passive or detractor, computed per person from recent messages and
outcomes by the rules in docs/relationships.md.

One aggregate query per batch of people does the arithmetic in the database (conditional
sums over the window with step time-decay weights), so recomputing everyone is a single
pass over the recent messages; only standings that changed are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.utils import timezone

from fireside.care.models import Status
from fireside.listening.models import Direction, Message
from fireside.relationships.models import (
    StaffTask,
    Standing,
    StandingChange,
    StandingKind,
    TaskKind,
)

WINDOW_DAYS = 90
POSITIVE = 0.3  # sentiment_score at or above: a positive message
NEGATIVE = -0.3  # at or below: a negative message
WEIGHTS = ((7, 1.0), (30, 0.5), (WINDOW_DAYS, 0.25))  # (age in days up to, weight)
OPEN_COMPLAINT_PENALTY = 0.5
RECENT_COMPLAINT_PENALTY = 0.1
PROMOTER_SCORE, PROMOTER_POSITIVES = 0.3, 3
DETRACTOR_SCORE = -0.3
THANK_DUE, HELP_DUE = timedelta(days=3), timedelta(days=1)
OPEN_STATUSES = (Status.OPEN, Status.WAITING)
CHUNK = 500


@dataclass(frozen=True)
class Figures:
    person_id: int
    weight: float
    weighted_sentiment: float
    positive_week: int
    positive_month: int
    negative_month: int
    open_complaints: int
    recent_complaints: int  # in the last 30 days, open or not
    messages: int = 0  # every inbound message in the window, opinion or not

    @property
    def score(self) -> float:
        mean = self.weighted_sentiment / self.weight if self.weight else 0.0
        resolved = max(0, self.recent_complaints - self.open_complaints)
        raw = (mean - OPEN_COMPLAINT_PENALTY * self.open_complaints
               - RECENT_COMPLAINT_PENALTY * resolved)
        return round(max(-1.0, min(1.0, raw)), 3)


def decide(f: Figures) -> tuple[str, str]:
    """The standing and the reason in words, by the documented rules, first match wins."""
    score = f.score
    if f.open_complaints:
        n = f.open_complaints
        return StandingKind.DETRACTOR, (f"{n} complaint{'s' if n > 1 else ''} still open; "
                                        f"score {score:+.2f}")
    if score <= DETRACTOR_SCORE:
        return StandingKind.DETRACTOR, (f"negative trend: score {score:+.2f}, "
                                        f"{f.negative_month} negative in 30 days")
    if score >= PROMOTER_SCORE and f.positive_month >= PROMOTER_POSITIVES:
        return StandingKind.PROMOTER, (f"{f.positive_month} positive messages in 30 days "
                                       f"({f.positive_week} this week); score {score:+.2f}")
    if not f.messages:
        return StandingKind.PASSIVE, f"no messages in the last {WINDOW_DAYS} days"
    return StandingKind.PASSIVE, (f"score {score:+.2f}, {f.positive_month} positive and "
                                  f"{f.negative_month} negative in 30 days")


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    it = iter(ids)
    while chunk := list(islice(it, size)):
        yield chunk


def figures(person_ids: list[int] | None, now: datetime) -> Iterator[Figures]:
    """One row per person with inbound messages in the window: one query per chunk."""
    d7, d30 = now - timedelta(days=7), now - timedelta(days=30)
    # Only messages with an opinion move the score: a neutral question is not a judgement.
    opinion = Q(sentiment_score__gte=POSITIVE) | Q(sentiment_score__lte=NEGATIVE)
    weight = Case(*[When(opinion & Q(created_at__gte=now - timedelta(days=days)),
                         then=Value(w)) for days, w in WEIGHTS],
                  default=Value(0.0), output_field=FloatField())
    base = Message.objects.filter(direction=Direction.IN, person__isnull=False,
                                  created_at__gte=now - timedelta(days=WINDOW_DAYS))
    aggregates: dict[str, Any] = {
        "w": Sum(weight),
        "ws": Sum(weight * F("sentiment_score"), output_field=FloatField()),
        "pos7": Count("id", filter=Q(sentiment_score__gte=POSITIVE, created_at__gte=d7)),
        "pos30": Count("id", filter=Q(sentiment_score__gte=POSITIVE, created_at__gte=d30)),
        "neg30": Count("id", filter=Q(sentiment_score__lte=NEGATIVE, created_at__gte=d30)),
        "c30": Count("id", filter=Q(complaint=True, created_at__gte=d30)),
        "n": Count("id"),
    }
    batches: Iterable[list[int] | None] = [None] if person_ids is None else _chunks(
        person_ids, CHUNK)
    for chunk in batches:
        qs = base if chunk is None else base.filter(person_id__in=chunk)
        # Open complaints are few: counted apart, so the big pass needs no join.
        open_of = dict(qs.filter(complaint=True, conversation__status__in=OPEN_STATUSES)
                       .values("person_id").annotate(n=Count("id")).order_by()
                       .values_list("person_id", "n"))
        rows = qs.values("person_id").annotate(**aggregates).order_by().values_list(
            "person_id", *aggregates)
        for pid, w, ws, pos7, pos30, neg30, c30, n in rows.iterator(chunk_size=5000):
            yield Figures(pid, w or 0.0, ws or 0.0, pos7, pos30, neg30, open_of.get(pid, 0),
                          c30, n)


@dataclass
class Outcome:
    people: int = 0
    changed: int = 0
    tasks: int = 0


def _update(rows: list[Standing], now: datetime) -> None:
    """One UPDATE by primary key per row, sent as one executemany (bulk_update's CASE per
    column grows with the batch and is far slower for tens of thousands of rows)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    at = connection.ops.adapt_datetimefield_value(now)
    sql = (f"UPDATE {qn(Standing._meta.db_table)} SET standing = %s, score = %s, "  # noqa: S608
           "reason = %s, positive_recent = %s, negative_recent = %s, open_complaints = %s, "
           "computed_at = %s WHERE person_id = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(r.standing, r.score, r.reason, r.positive_recent,
                                  r.negative_recent, r.open_complaints, at, r.person_id)
                                 for r in rows])


def recompute(person_ids: Iterable[int] | None = None, *,
              now: datetime | None = None) -> Outcome:
    """Recompute standings (everyone when `person_ids` is None); write only the changes,
    log each change with its reason, and open a thank or help task where one is due."""
    now = now or timezone.now()
    ids = None if person_ids is None else sorted(set(person_ids))
    computed = {f.person_id: f for f in figures(ids, now)}
    wanted = set(computed) if ids is None else set(ids)
    if ids is None:
        # People whose messages all left the window still need their standing revisited.
        wanted |= set(Standing.objects.exclude(reason__startswith="no messages")
                      .values_list("person_id", flat=True))
    existing: dict[int, Standing] = {}
    for chunk in _chunks(sorted(wanted), CHUNK * 10):
        existing.update({s.person_id: s for s in Standing.objects.filter(person_id__in=chunk)})
    created, updated, changes, tasks = [], [], [], []
    for pid in wanted:
        f = computed.get(pid) or Figures(pid, 0.0, 0.0, 0, 0, 0, 0, 0)
        kind, reason = decide(f)
        row = existing.get(pid)
        if row is None:
            if not f.messages:
                continue  # never heard from in the window: nothing to say yet
            row = Standing(person_id=pid)
            created.append(row)
            old = ""
        else:
            old = row.standing
            if (old == kind and row.score == f.score and row.positive_recent == f.positive_month
                    and row.negative_recent == f.negative_month
                    and row.open_complaints == f.open_complaints):
                continue
            updated.append(row)
        row.standing, row.score, row.reason = kind, f.score, reason[:300]
        row.positive_recent, row.negative_recent = f.positive_month, f.negative_month
        row.open_complaints, row.computed_at = f.open_complaints, now
        if old != kind:
            changes.append(StandingChange(person_id=pid, old=old, new=kind, score=f.score,
                                          reason=reason[:300], created_at=now))
            if kind == StandingKind.PROMOTER:
                tasks.append(StaffTask(person_id=pid, kind=TaskKind.THANK, reason=reason[:300],
                                       due_at=now + THANK_DUE, created_at=now))
            elif kind == StandingKind.DETRACTOR:
                tasks.append(StaffTask(person_id=pid, kind=TaskKind.HELP, reason=reason[:300],
                                       due_at=now + HELP_DUE, created_at=now))
    with transaction.atomic():
        Standing.objects.bulk_create(created, batch_size=1000)
        _update(updated, now)
        StandingChange.objects.bulk_create(changes, batch_size=1000)
        # A person has at most one open task of a kind (partial unique index): a second
        # one is dropped here rather than piling up.
        StaffTask.objects.bulk_create(tasks, batch_size=1000, ignore_conflicts=True)
    return Outcome(people=len(wanted), changed=len(changes), tasks=len(tasks))
