"""Rollups: raw posts, reactions, messages and conversations folded into daily tables.

`roll_up()` is incremental: it reads only rows whose id is above each table's watermark,
adds their counts, recomputes the facts of the threads and conversations they touched,
and refreshes the days and weeks those affect. `recompute()` empties every rollup and
streams all raw rows through the same definitions at once. On any data, rolling up in
any number of steps gives exactly what one recompute gives (tests/test_rollups.py).

Known limit: ids are taken as commit order. A row whose id was allocated before the
watermark moved but committed after it would be missed until the next recompute; Fireside's
writes are short transactions and the task runs a minute behind, so this stays theoretical.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from fireside.community.models import Post, Reaction, Thread, ThreadKind
from fireside.listening.models import Channel, ChannelKind, Direction, Message
from fireside.measure import health
from fireside.measure.models import (
    ALL,
    ActiveDay,
    ChannelDay,
    HealthWeek,
    MemberDay,
    MemberFirst,
    PageViewDay,
    SpaceDay,
    ThreadFact,
    Watermark,
)
from fireside.people.models import Role, User

BATCH = 20_000
FACT_BATCH = 500
PROMO = re.compile(r"\b(buy|sale|discount|promo|coupon|shop now|order now|% off|deal|"
                   r"limited time|free shipping)\b", re.IGNORECASE)
FR_BUCKETS = (("fr_15m", 900), ("fr_1h", 3600), ("fr_4h", 4 * 3600), ("fr_24h", 86400))


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def staff_ids() -> set[int]:
    return set(User.objects.filter(Q(is_superuser=True) | ~Q(role=Role.MEMBER))
               .values_list("id", flat=True))


@dataclass
class Touched:
    """What a pass changed, so that only those days and weeks are refreshed."""

    days: set[date] = field(default_factory=set)
    active_days: set[date] = field(default_factory=set)
    threads: set[int] = field(default_factory=set)
    conversations: set[int] = field(default_factory=set)
    rows: Counter[str] = field(default_factory=Counter)


# Reading raw rows ------------------------------------------------------------------------

def _chunks(qs: Any, after: int, until: int | None) -> Iterator[list[Any]]:
    """Rows of `qs` with after < id <= until, in id order, BATCH at a time."""
    last = after
    while True:
        page = qs.filter(id__gt=last)
        if until is not None:
            page = page.filter(id__lte=until)
        rows = list(page.order_by("id")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _update_rows(model: Any, rows: list[Any], fields: list[str]) -> None:
    """One executemany UPDATE by primary key: far cheaper than bulk_update's CASE."""
    if not rows:
        return
    table = model._meta.db_table
    columns = [model._meta.get_field(f).column for f in fields]
    # Table and column names come from the model, never from input.
    assignments = ", ".join(f"{c} = %s" for c in columns)
    sql = f'UPDATE "{table}" SET {assignments} WHERE "{model._meta.pk.column}" = %s'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[getattr(r, f) for f in fields] + [r.pk] for r in rows])


def _existing(model: Any, keys: tuple[str, str], wanted: Iterable[tuple[Any, Any]]
              ) -> dict[tuple[Any, Any], Any]:
    """Rows keyed by (first, second), fetched by ranges of the first key."""
    first, second = keys
    by_first: dict[Any, set[Any]] = defaultdict(set)
    for a, b in wanted:
        by_first[a].add(b)
    found: dict[tuple[Any, Any], Any] = {}
    values = sorted(by_first)
    for i in range(0, len(values), 200):
        chunk = values[i:i + 200]
        seconds = set().union(*(by_first[v] for v in chunk))
        query = model.objects.filter(**{f"{first}__in": chunk})
        if len(seconds) <= 500:
            query = query.filter(**{f"{second}__in": seconds})
        for row in query:
            key = (getattr(row, first), getattr(row, second))
            if key[1] in by_first[key[0]]:
                found[key] = row
    return found


def _add(model: Any, keys: tuple[str, str], counts: dict[tuple[Any, Any], Counter[str]]) -> None:
    """Add counters to rows keyed by `keys`, creating the rows that do not exist yet."""
    if not counts:
        return
    first, second = keys
    existing = _existing(model, keys, counts)
    changed, new, fields = [], [], set()
    for key, counter in counts.items():
        row = existing.get(key)
        if row is None:
            new.append(model(**{first: key[0], second: key[1]}, **counter))
            continue
        for name, value in counter.items():
            setattr(row, name, getattr(row, name) + value)
            fields.add(name)
        changed.append(row)
    model.objects.bulk_create(new, batch_size=1000)
    _update_rows(model, changed, sorted(fields))


def _posts(after: int, until: int | None, touched: Touched, staff: set[int]) -> int:
    qs = Post.objects.values_list("id", "thread_id", "author_id", "created_at",
                                  "thread__space_id", "is_opening")
    last = after
    for rows in _chunks(qs, after, until):
        counts: dict[tuple[date, int], Counter[str]] = defaultdict(Counter)
        members: set[tuple[int, date, int]] = set()
        firsts: dict[int, tuple[date, int]] = {}
        for pk, thread_id, author_id, created, space_id, opening in rows:
            day = day_of(created)
            c = counts[(day, space_id)]
            c["posts"] += 1
            if not opening:
                c["replies"] += 1
            members.add((author_id, day, space_id))
            if author_id not in firsts or day < firsts[author_id][0]:
                firsts[author_id] = (day, space_id)
            touched.threads.add(thread_id)
            touched.days.add(day)
            last = pk
        _add(SpaceDay, ("day", "space_id"), counts)
        _member_days(members, staff, touched)
        _member_firsts(firsts, touched)
        touched.rows["posts"] += len(rows)
    return last


def _member_days(members: set[tuple[int, date, int]], staff: set[int], touched: Touched) -> None:
    table = MemberDay._meta.db_table
    sql = f'INSERT INTO "{table}" (member_id, day, space_key, is_staff) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING'  # noqa: E501, S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(m, d, s, m in staff) for m, d, s in members])
    touched.active_days.update(d for _, d, _ in members)


def _member_firsts(firsts: dict[int, tuple[date, int]], touched: Touched) -> None:
    ids = list(firsts)
    known: dict[int, date] = {}
    for i in range(0, len(ids), 900):
        # Plain tuples: a pass over every post meets most members again in each batch.
        known.update(MemberFirst.objects.filter(member_id__in=ids[i:i + 900])
                     .values_list("member_id", "day"))
    new, changed = [], []
    for member, (day, space) in firsts.items():
        before = known.get(member)
        if before is None:
            new.append(MemberFirst(member_id=member, day=day, space_id=space))
            touched.active_days.add(day)
        elif day < before:
            touched.active_days.update((day, before))
            changed.append(MemberFirst(member_id=member, day=day, space_id=space))
    MemberFirst.objects.bulk_create(new, batch_size=2000)
    _update_rows(MemberFirst, changed, ["day", "space_id"])


def _reactions(after: int, until: int | None, touched: Touched, staff: set[int]) -> int:
    qs = Reaction.objects.values_list("id", "user_id", "created_at", "post__thread__space_id")
    last = after
    for rows in _chunks(qs, after, until):
        counts: dict[tuple[date, int], Counter[str]] = defaultdict(Counter)
        members: set[tuple[int, date, int]] = set()
        for pk, user_id, created, space_id in rows:
            day = day_of(created)
            counts[(day, space_id)]["reactions"] += 1
            members.add((user_id, day, space_id))
            touched.days.add(day)
            last = pk
        _add(SpaceDay, ("day", "space_id"), counts)
        _member_days(members, staff, touched)
        touched.rows["reactions"] += len(rows)
    return last


def _messages(after: int, until: int | None, touched: Touched, staff: set[int]) -> int:
    qs = Message.objects.values_list("id", "channel_id", "direction", "agent_id", "created_at",
                                     "sentiment", "intent", "complaint", "conversation_id",
                                     "text")
    # Community posts are always signed by a person; elsewhere a reply is named when an
    # agent wrote it, not the brand account.
    community = set(Channel.objects.filter(kind=ChannelKind.COMMUNITY)
                    .values_list("id", flat=True))
    last = after
    for rows in _chunks(qs, after, until):
        counts: dict[tuple[date, int], Counter[str]] = defaultdict(Counter)
        members: set[tuple[int, date, int]] = set()
        for (pk, channel_id, direction, agent_id, created, sentiment, intent, complaint,
             conversation_id, text) in rows:
            day = day_of(created)
            c = counts[(day, channel_id)]
            if direction == Direction.OUT:
                c["outbound"] += 1
                if agent_id is not None or channel_id in community:
                    c["outbound_named"] += 1
                if agent_id is not None:
                    members.add((agent_id, day, ALL))
                if PROMO.search(text or ""):
                    c["outbound_promo"] += 1
            else:
                c["inbound"] += 1
                if sentiment in ("positive", "neutral", "negative"):
                    c[sentiment] += 1
                if complaint:
                    c["complaints"] += 1
                if intent == "question":
                    c["questions"] += 1
            if conversation_id is not None:
                touched.conversations.add(conversation_id)
            last = pk
        _add(ChannelDay, ("day", "channel_id"), counts)
        _member_days(members, staff, touched)
        touched.rows["messages"] += len(rows)
    return last


# Facts and cohorts -----------------------------------------------------------------------

def _thread_facts(thread_ids: Iterable[int], staff: set[int], touched: Touched) -> None:
    """Recompute the facts of these threads and the cohort columns of their days."""
    ids = sorted(thread_ids)
    keys: set[tuple[date, int]] = set()
    for i in range(0, len(ids), FACT_BATCH):
        batch = ids[i:i + FACT_BATCH]
        keys.update(ThreadFact.objects.filter(thread_id__in=batch)
                    .values_list("day", "space_id"))
        threads = {t[0]: t for t in Thread.objects.filter(id__in=batch).values_list(
            "id", "space_id", "kind", "author_id", "created_at")}
        posts: dict[int, list[tuple[int, datetime, bool]]] = defaultdict(list)
        for thread_id, author_id, created, opening in (
                Post.objects.filter(thread_id__in=batch)
                .order_by("thread_id", "created_at", "id")
                .values_list("thread_id", "author_id", "created_at", "is_opening")):
            posts[thread_id].append((author_id, created, opening))
        facts = [_fact(threads[t], posts[t], staff) for t in batch if t in threads]
        ThreadFact.objects.filter(thread_id__in=batch).delete()
        ThreadFact.objects.bulk_create(facts, batch_size=1000)
        keys.update((f.day, f.space_id) for f in facts)
    _space_cohorts(keys)
    touched.days.update(d for d, _ in keys)


def _fact(thread: tuple[Any, ...], posts: list[tuple[int, datetime, bool]],
          staff: set[int]) -> ThreadFact:
    thread_id, space_id, kind, author_id, started = thread
    fact = ThreadFact(thread_id=thread_id, space_id=space_id, day=day_of(started),
                      is_question=kind == ThreadKind.QUESTION, posts=len(posts),
                      participants=len({p[0] for p in posts}))
    previous_author: int | None = None
    previous_at: datetime | None = None
    replied = False
    for author, created, opening in posts:
        if previous_author is not None and author != previous_author:
            fact.turns += 1
        if not opening:
            if replied and previous_at is not None:
                fact.gaps += 1
                if (created - previous_at).total_seconds() <= health.LATER_REPLY_SECONDS:
                    fact.gaps_in_time += 1
            replied = True
            if fact.first_reply_seconds is None and author != author_id:
                fact.first_reply_seconds = max(0, int((created - started).total_seconds()))
                fact.first_reply_by_staff = author in staff
        previous_author, previous_at = author, created
    return fact


COHORT_FIELDS = ("threads", "questions", "unanswered_questions", "answered_by_member",
                 "answered_by_staff", "responded", "first_reply_seconds", "fr_15m", "fr_1h",
                 "fr_4h", "fr_24h", "fr_later", "gaps", "gaps_in_time", "participants", "turns")


def _cohort_aggregates() -> dict[str, Any]:
    answered = Q(first_reply_seconds__isnull=False)
    question = Q(is_question=True)
    aggregates: dict[str, Any] = {
        "threads": Count("thread_id"),
        "questions": Count("thread_id", filter=question),
        "unanswered_questions": Count("thread_id", filter=question & ~answered),
        "answered_by_member": Count("thread_id", filter=question & Q(first_reply_by_staff=False)),
        "answered_by_staff": Count("thread_id", filter=question & Q(first_reply_by_staff=True)),
        "responded": Count("thread_id", filter=answered),
        "first_reply_seconds": Sum("first_reply_seconds"),
        "gaps": Sum("gaps"), "gaps_in_time": Sum("gaps_in_time"),
        "participants": Sum("participants"), "turns": Sum("turns"),
    }
    low = 0
    for name, upper in FR_BUCKETS:
        aggregates[name] = Count("thread_id", filter=Q(first_reply_seconds__gte=low,
                                                       first_reply_seconds__lt=upper))
        low = upper
    aggregates["fr_later"] = Count("thread_id", filter=Q(first_reply_seconds__gte=low))
    return aggregates


def _space_cohorts(keys: set[tuple[date, int]]) -> None:
    if not keys:
        return
    counts: dict[tuple[date, int], Counter[str]] = {}
    days = sorted({d for d, _ in keys})
    for i in range(0, len(days), 200):
        chunk = days[i:i + 200]
        aggregates = {f"a_{name}": value for name, value in _cohort_aggregates().items()}
        for row in (ThreadFact.objects.filter(day__in=chunk)
                    .values("day", "space_id").annotate(**aggregates)):
            key = (row["day"], row["space_id"])
            if key in keys:
                counts[key] = Counter({f: row[f"a_{f}"] or 0 for f in COHORT_FIELDS})
    for key in keys:
        counts.setdefault(key, Counter(dict.fromkeys(COHORT_FIELDS, 0)))
    _set(SpaceDay, ("day", "space_id"), counts, COHORT_FIELDS)


def _set(model: Any, keys: tuple[str, str], values: dict[tuple[Any, Any], Counter[str]],
         fields: tuple[str, ...]) -> None:
    """Overwrite these fields of rows keyed by `keys` (creating rows as needed)."""
    first, second = keys
    existing = _existing(model, keys, values)
    new, changed = [], []
    for key, counter in values.items():
        row = existing.get(key)
        if row is None:
            new.append(model(**{first: key[0], second: key[1]},
                             **{f: counter.get(f, 0) for f in fields}))
        else:
            for f in fields:
                setattr(row, f, counter.get(f, 0))
            changed.append(row)
    model.objects.bulk_create(new, batch_size=1000)
    _update_rows(model, changed, list(fields))


CHANNEL_COHORT = ("conversations", "responded", "first_response_seconds", "fr_1h")


def _conversation_cohorts(conversation_ids: Iterable[int], touched: Touched) -> None:
    from fireside.care.models import Conversation

    ids = sorted(conversation_ids)
    keys: set[tuple[date, int]] = set()
    for i in range(0, len(ids), 900):
        for channel_id, first in Conversation.objects.filter(id__in=ids[i:i + 900]) \
                .values_list("channel_id", "first_message_at"):
            keys.add((day_of(first), channel_id))
    if not keys:
        return
    values: dict[tuple[date, int], Counter[str]] = {k: Counter() for k in keys}
    by_channel: dict[int, list[date]] = defaultdict(list)
    for day, channel in keys:
        by_channel[channel].append(day)
    for channel, days in by_channel.items():
        start = datetime.combine(min(days), datetime.min.time(), tzinfo=UTC)
        end = datetime.combine(max(days) + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        for first, response in Conversation.objects.filter(
                channel_id=channel, first_message_at__gte=start, first_message_at__lt=end
        ).values_list("first_message_at", "first_response_at"):
            counter = values.get((day_of(first), channel))
            if counter is None:
                continue
            counter["conversations"] += 1
            if response is not None:
                seconds = max(0, int((response - first).total_seconds()))
                counter["responded"] += 1
                counter["first_response_seconds"] += seconds
                if seconds < 3600:
                    counter["fr_1h"] += 1
    _set(ChannelDay, ("day", "channel_id"), values, CHANNEL_COHORT)
    touched.days.update(d for d, _ in keys)


# Active members --------------------------------------------------------------------------

# Up to this many days to refresh, each window is counted by the database; more (a full
# recompute, a late batch) slides one pass over the days instead.
FEW_ACTIVE_DAYS = 3


class _Window:
    """Distinct members per space over the last `days` days, slid one day at a time: a
    member counts while any of their days is inside (keys are space << 32 | member)."""

    def __init__(self, days: int) -> None:
        self.days = days
        self.held: Counter[int] = Counter()
        self.distinct: Counter[int] = Counter()

    def add(self, rows: list[tuple[int, int]]) -> None:
        held, distinct = self.held, self.distinct
        for member, space in rows:
            for key in ((space << 32) | member, member):  # the space, and ALL (= 0)
                held[key] += 1
                if held[key] == 1:
                    distinct[key >> 32] += 1

    def remove(self, rows: list[tuple[int, int]]) -> None:
        held, distinct = self.held, self.distinct
        for member, space in rows:
            for key in ((space << 32) | member, member):
                held[key] -= 1
                if not held[key]:
                    del held[key]
                    distinct[key >> 32] -= 1
                    if not distinct[key >> 32]:
                        del distinct[key >> 32]


def _active(days: set[date]) -> None:
    """Recompute ActiveDay for every day whose 30-day window holds one of `days`."""
    if not days:
        return
    last_known = max(timezone.now().date(), max(days))
    outputs = sorted({d + timedelta(days=k) for d in days for k in range(30)
                      if d + timedelta(days=k) <= last_known})
    if not outputs:
        return
    firsts: dict[tuple[date, int], int] = Counter()
    for day, space, n in (MemberFirst.objects.filter(day__gte=outputs[0], day__lte=outputs[-1])
                          .values_list("day", "space_id").annotate(n=Count("member_id"))):
        firsts[(day, space)] += n
        firsts[(day, ALL)] += n
    rows: dict[tuple[date, int], Counter[str]] = {}
    if len(outputs) <= FEW_ACTIVE_DAYS:
        # The usual step (today, perhaps yesterday): let the database count each window
        # rather than sliding 30 days of rows through Python.
        for day in outputs:
            rows.update(_active_day(day, _member_days_on(day), _distinct(day, 7),
                                    _distinct(day, 30), firsts))
        _set(ActiveDay, ("day", "space_key"), rows, ("dau", "wau", "mau", "new_contributors"))
        return
    loaded: dict[date, list[tuple[int, int]]] = {}
    week, month = _Window(7), _Window(30)
    wanted = set(outputs)
    day = outputs[0] - timedelta(days=29)
    while day <= outputs[-1]:
        if any(day + timedelta(days=k) in wanted for k in range(30)):
            loaded[day] = _member_days_on(day)
            week.add(loaded[day])
            month.add(loaded[day])
        week.remove(loaded.get(day - timedelta(days=7), []))
        month.remove(loaded.pop(day - timedelta(days=30), []))
        if day in wanted:
            rows.update(_active_day(day, loaded.get(day, []), week.distinct, month.distinct,
                                    firsts))
        day += timedelta(days=1)
    _set(ActiveDay, ("day", "space_key"), rows, ("dau", "wau", "mau", "new_contributors"))


def _member_days_on(day: date) -> list[tuple[int, int]]:
    return list(MemberDay.objects.filter(day=day).exclude(space_key=ALL)
                .values_list("member_id", "space_key"))


def _distinct(day: date, days: int) -> Counter[int]:
    """Distinct members per space, and over all spaces (ALL), in the `days` days ending on
    `day`: what a _Window holds once slid to `day`."""
    rows = MemberDay.objects.filter(day__gt=day - timedelta(days=days), day__lte=day).exclude(
        space_key=ALL)
    counts: Counter[int] = Counter(dict(
        rows.order_by().values_list("space_key").annotate(n=Count("member_id", distinct=True))))
    counts[ALL] = rows.order_by().values("member_id").distinct().count()
    return +counts  # drop zeros, as a window does


def _active_day(day: date, today: list[tuple[int, int]], week: Counter[int],
                month: Counter[int], firsts: dict[tuple[date, int], int]
                ) -> dict[tuple[date, int], Counter[str]]:
    dau: Counter[int] = Counter(space for _, space in today)  # one row per member and space
    dau[ALL] = len({member for member, _ in today})
    spaces = set(month) | {s for d, s in firsts if d == day}
    return {(day, s): Counter({"dau": dau.get(s, 0), "wau": week.get(s, 0),
                               "mau": month.get(s, 0),
                               "new_contributors": firsts.get((day, s), 0)})
            for s in spaces}


# Health ----------------------------------------------------------------------------------

def refresh_health(weeks: Iterable[date]) -> int:
    """Recompute HealthWeek from the oldest of these weeks (Mondays) to the current one,
    oldest first, since each week's growth compares with the weeks before it. A space has
    rows from the week of its first activity on."""
    current = week_of(timezone.now().date())
    weeks = list(weeks)
    if not weeks:
        return 0
    week, todo = min(weeks), []
    while week <= current:
        todo.append(week)
        week += timedelta(weeks=1)
    first_days = dict(SpaceDay.objects.values_list("space_id").annotate(first=Min("day")))
    for week in todo:
        end = week + timedelta(days=6)
        _health_week(week, {s for s, d in first_days.items() if d <= end})
    return len(todo)


def _health_week(week: date, spaces: set[int]) -> None:
    end = week + timedelta(days=6)
    in_week = {"day__gte": week, "day__lte": end}
    sums = ("posts", "threads", "gaps", "gaps_in_time", "participants", "turns",
            "fr_15m", "fr_1h", "fr_4h", "fr_24h")
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in SpaceDay.objects.filter(**in_week).values(
            "space_id", *sums):
        f = figures[row["space_id"]]
        for name in sums:
            f[name] += row[name]
        if row["posts"]:
            f["active_days"] += 1
    for space, views in PageViewDay.objects.filter(**in_week).values_list("space_id", "views"):
        figures[space]["views"] += views
    members = dict(MemberDay.objects.filter(**in_week).exclude(space_key=ALL)
                   .values_list("space_key").annotate(n=Count("member_id", distinct=True)))
    members[ALL] = (MemberDay.objects.filter(**in_week).exclude(space_key=ALL)
                    .values("member_id").distinct().count())
    days_with_posts = (SpaceDay.objects.filter(**in_week, posts__gt=0)
                       .values("day").distinct().count())
    total: dict[str, int] = defaultdict(int)
    for f in figures.values():
        for name, value in f.items():
            total[name] += value
    total["active_days"] = days_with_posts
    active_spaces = len([s for s in spaces if s in figures]) or 1
    baselines = {row[0]: row[1:] for row in _baselines(week)}
    out = []
    for key in [ALL, *sorted(spaces)]:
        f = total if key == ALL else figures.get(key, defaultdict(int))
        base_members, base_views = baselines.get(key, (0.0, 0.0))
        in_time = f["fr_15m"] + f["fr_1h"] + f["fr_4h"] + f["fr_24h"]
        w = health.WeekFigures(
            active_members=members.get(key, 0), baseline_members=base_members,
            posts=f["posts"], views=f["views"], baseline_views=base_views,
            active_days=f["active_days"], threads=f["threads"], responded_in_time=in_time,
            gaps=f["gaps"], gaps_in_time=f["gaps_in_time"], participants=f["participants"],
            turns=f["turns"], spaces=active_spaces if key == ALL else 1)
        values = health.factors(w)
        out.append(HealthWeek(week=week, space_key=key, active_members=w.active_members,
                              posts=w.posts, views=w.views, score=health.score(values),
                              **values))
    HealthWeek.objects.filter(week=week).delete()
    HealthWeek.objects.bulk_create(out)


def _baselines(week: date) -> Iterator[tuple[int, float, float]]:
    start = week - timedelta(weeks=health.BASELINE_WEEKS)
    rows: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for key, members, views in HealthWeek.objects.filter(week__gte=start, week__lt=week) \
            .values_list("space_key", "active_members", "views"):
        rows[key].append((members, views))
    for key, values in rows.items():
        n = health.BASELINE_WEEKS
        yield key, sum(m for m, _ in values) / n, sum(v for _, v in values) / n


# Entry points ----------------------------------------------------------------------------

@dataclass
class Result:
    rows: dict[str, int]
    days: int
    weeks: int


def _mark(name: str) -> Watermark:
    Watermark.objects.get_or_create(name=name)
    return Watermark.objects.select_for_update().get(name=name)


def roll_up(*, until: dict[str, int] | None = None) -> Result:
    """Fold in every row added since the last run. Safe to run concurrently: the first
    watermark row is locked for the whole pass (SQLite serializes writers anyway)."""
    touched = Touched()
    staff = staff_ids()
    limits = until or {}
    with transaction.atomic():
        marks = {name: _mark(name) for name in ("posts", "reactions", "messages")}
        last_pass = min(mark.updated_at for mark in marks.values()).date()
        new = {
            "posts": _posts(marks["posts"].last_id, limits.get("posts"), touched, staff),
            "reactions": _reactions(marks["reactions"].last_id, limits.get("reactions"),
                                    touched, staff),
            "messages": _messages(marks["messages"].last_id, limits.get("messages"),
                                  touched, staff),
        }
        _thread_facts(touched.threads, staff, touched)
        _conversation_cohorts(touched.conversations, touched)
        now = timezone.now()
        if touched.active_days or MemberDay.objects.exists():
            # Quiet days since the last pass still move the 7- and 30-day windows along;
            # the days before it got their rows then.
            day = min(last_pass, now.date())
            while day <= now.date():
                touched.active_days.add(day)
                day += timedelta(days=1)
        _active(touched.active_days)
        # Page views arrive all the time without ids: the current and last week are
        # always refreshed, older weeks when their posts change.
        weeks = {week_of(d) for d in touched.days}
        weeks |= {week_of(now.date()), week_of(now.date()) - timedelta(weeks=1)}
        n_weeks = refresh_health(weeks)
        for name, mark in marks.items():
            Watermark.objects.filter(name=name).update(last_id=max(mark.last_id, new[name]),
                                                       updated_at=now)
    return Result(dict(touched.rows), len(touched.days), n_weeks)


def recompute() -> Result:
    """Rebuild every rollup from the raw tables (page views excepted: their counters are
    the raw record). Takes the same lock as roll_up."""
    with transaction.atomic():
        for name in ("posts", "reactions", "messages"):
            _mark(name)
        for model in (SpaceDay, ThreadFact, MemberDay, MemberFirst, ActiveDay, ChannelDay,
                      HealthWeek):
            model.objects.all().delete()
        Watermark.objects.update(last_id=0)
        return roll_up()
