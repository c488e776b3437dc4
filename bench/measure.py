"""Measure at volume: N interactions (default 10,000,000) into a throwaway SQLite database,
the rollups over them, then each dashboard's time at the server.

    .venv/bin/python bench/measure.py [--interactions N] [--requests 30]

Interactions are posts (55%), reactions (15%), messages in and out (15%) and thread page
views (15%, which Fireside keeps as per-day counters, so they are written as counters).
Rows go straight to the tables with executemany in large batches; the FTS triggers of the
community tables are dropped first (this database is thrown away). Dashboards are timed
in-process with Django's test client, signed in as staff: the time is the server's (view,
queries, template), without a network or a web server in front. Prints figures; never
passes or fails on time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "measure"
BATCH = 50_000
DAYS = 365


def _setup() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    os.environ["FIRESIDE_DATA_DIR"] = str(OUT)
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fireside.settings"
    os.environ.setdefault("FIRESIDE_RATE_LIMITS", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection

    from fireside.community.search import SQLITE_FTS_LINKS_DROP

    with connection.cursor() as cursor:
        for sql in SQLITE_FTS_LINKS_DROP:
            cursor.execute(sql)
        cursor.execute("PRAGMA synchronous=OFF")


def _insert(model: Any, columns: list[str], rows: Any) -> int:
    """executemany rows (tuples for `columns`), other columns at their defaults."""
    from django.db import connection, transaction

    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.name in columns]
    names = [f.column for f in fields]
    fixed = {}
    for f in fields:
        if f.attname in columns or f.name in columns:
            continue
        default = f.get_default()
        fixed[f.column] = default if not isinstance(default, (dict, list)) else "[]" \
            if isinstance(default, list) else "{}"
    order = [columns.index(f.attname) if f.attname in columns else
             columns.index(f.name) if f.name in columns else None for f in fields]
    table, marks = model._meta.db_table, ", ".join("%s" for _ in names)
    sql = f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({marks})'  # noqa: S608
    batch, total = [], 0
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(row[i] if i is not None else fixed[c]
                               for i, c in zip(order, names, strict=True)))
            if len(batch) >= BATCH:
                with transaction.atomic():
                    cursor.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            with transaction.atomic():
                cursor.executemany(sql, batch)
            total += len(batch)
    return total


def generate(n: int, seed: int = 1) -> dict[str, int]:
    from fireside.care.models import Conversation
    from fireside.community.models import Post, Reaction, Space, Thread
    from fireside.listening.models import Channel, Message
    from fireside.measure.models import PageViewDay
    from fireside.people.models import User

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    members = max(1000, n // 200)
    n_posts, n_reactions, n_messages = int(n * 0.55), int(n * 0.15), int(n * 0.15)
    n_views = n - n_posts - n_reactions - n_messages
    n_threads = max(100, n_posts // 11)
    staff = 20
    _insert(User, ["id", "username", "email", "display_name", "role", "password",
                   "date_joined"],
            ((i, f"u{i}", f"u{i}@bench.example", f"User {i}", "agent" if i <= staff else "",
              "!", start) for i in range(1, members + 1)))
    for s in range(1, 11):
        Space.objects.create(id=s, slug=f"space-{s}", name=f"Space {s}", purpose="Bench.")
    for c in range(1, 6):
        Channel.objects.create(id=c, name=f"Channel {c}", kind="import")

    def moment(fraction: float) -> datetime:
        # Growth: more activity later in the year.
        return start + timedelta(seconds=DAYS * 86400 * fraction ** 0.8)

    thread_meta: list[tuple[int, datetime]] = []

    def threads() -> Any:
        for t in range(1, n_threads + 1):
            at = moment(t / n_threads)
            author = rng.randint(staff + 1, members)
            thread_meta.append((author, at))
            yield (t, rng.randint(1, 10), "question" if t % 3 else "discussion", f"T{t}",
                   author, at, at)

    _insert(Thread, ["id", "space_id", "kind", "title", "author_id", "created_at",
                     "last_activity_at"], threads())

    def posts() -> Any:
        pid = 0
        for t, (author, at) in enumerate(thread_meta, start=1):
            pid += 1
            yield (pid, t, author, True, "Q", "<p>Q</p>", "Q", at)
        replies = n_posts - n_threads
        for i in range(replies):
            t = min(n_threads, int(n_threads * (i / replies) ** 1.0) + rng.randint(1, 3))
            author_at = thread_meta[t - 1][1]
            pid += 1
            who = rng.randint(1, staff) if rng.random() < 0.3 else rng.randint(staff + 1,
                                                                                members)
            yield (pid, t, who, False, "A", "<p>A</p>", "A",
                   author_at + timedelta(minutes=rng.choice((5, 20, 50, 120, 600, 2000))))

    _insert(Post, ["id", "thread_id", "author_id", "is_opening", "body", "body_html",
                   "body_text", "created_at"], posts())
    seen: set[tuple[int, int]] = set()

    def reactions() -> Any:
        r = 0
        while r < n_reactions:
            post, user = rng.randint(1, n_posts), rng.randint(1, members)
            if (post, user) in seen:
                continue
            seen.add((post, user))
            r += 1
            yield (r, post, user, "like", moment(post / n_posts))

    _insert(Reaction, ["id", "post_id", "user_id", "kind", "created_at"], reactions())
    seen.clear()
    n_conv = n_messages // 3
    conv_at = [moment(c / n_conv) for c in range(1, n_conv + 1)]
    _insert(Conversation, ["id", "channel_id", "first_message_at", "last_message_at",
                           "first_response_at", "message_count"],
            ((c, (c % 5) + 1, conv_at[c - 1], conv_at[c - 1],
              conv_at[c - 1] + timedelta(minutes=rng.choice((10, 40, 90, 300))), 3)
             for c in range(1, n_conv + 1)))
    sentiments = ("positive", "neutral", "negative")

    def messages() -> Any:
        for m in range(1, n_messages + 1):
            c = (m - 1) // 3 + 1
            c = min(c, n_conv)
            out = m % 3 == 2
            yield (m, (c % 5) + 1, f"m{m}", "out" if out else "in",
                   rng.randint(1, staff) if out else None, c,
                   "Sale: 20% off, buy now" if out and m % 30 == 2 else "Where is my order?",
                   conv_at[c - 1] + timedelta(minutes=m % 3 * 30), rng.choice(sentiments),
                   "question" if m % 4 == 0 else "other", m % 7 == 0)

    _insert(Message, ["id", "channel_id", "external_id", "direction", "agent_id",
                      "conversation_id", "text", "created_at", "sentiment", "intent",
                      "complaint"], messages())
    per_day = n_views // (DAYS * 10)
    _insert(PageViewDay, ["day", "space_id", "views"],
            (((start + timedelta(days=d)).date(), s, per_day) for d in range(DAYS + 1)
             for s in range(1, 11)))
    return {"posts": n_posts, "threads": n_threads, "reactions": n_reactions,
            "messages": n_messages, "conversations": n_conv, "views": per_day * 3660,
            "members": members}


def timed(label: str, func: Any) -> Any:
    started = time.perf_counter()
    result = func()
    print(f"{label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    _setup()
    sizes = timed("generate", lambda: generate(args.interactions))
    print(f"sizes: {sizes} (total interactions {args.interactions:,})")
    from fireside.measure import rollups
    from fireside.people.models import User

    result = timed("full rollup (recompute)", rollups.recompute)
    print(f"  {result.rows}, {result.days} days, {result.weeks} weeks")
    from fireside.community.models import Post

    last = Post.objects.order_by("-id").first()
    assert last is not None
    fresh = [Post(thread_id=last.thread_id, author_id=5, body="x", body_html="x",
                  body_text="x") for _ in range(1000)]
    Post.objects.bulk_create(fresh)
    result = timed("incremental rollup of 1,000 new posts", rollups.roll_up)
    from django.test import Client

    staff = User.objects.get(username="u1")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    pages = ["/measure/", "/measure/health", "/measure/community", "/measure/goals",
             "/measure/roi", "/measure/planning", "/measure/scorecard", "/measure/report",
             "/measure/community?period=365d&space=3", "/measure/health?period=365d"]
    print(f"{'page':<42} {'p50 ms':>7} {'p95 ms':>7}")
    for page in pages:
        assert client.get(page).status_code == 200, page
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(page)
            times.append(1000 * (time.perf_counter() - started))
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{page:<42} {statistics.median(times):7.1f} {p95:7.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
