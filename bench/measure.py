"""Measure at volume: N interactions (default 10,000,000) into a throwaway database, the
rollups built over them by the background task's own code, then every dashboard timed at
the production server.

    .venv/bin/python bench/measure.py [--interactions N] [--postgres [URL]]
        [--duration 10] [--connections 2] [--port 8766]

Interactions are posts (55%), reactions (15%), messages in and out (15%) and thread page
views (15%, which Fireside keeps as per-day counters, so they are written as counters).
Rows are generated as plain tuples and written in bulk (SQLite: executemany on the raw
connection; PostgreSQL: COPY), with the tables' secondary indexes dropped during the
load and built again afterwards, as a restore would. The database is thrown away, so the
SQLite FTS triggers are dropped and foreign keys are not checked during the load.

The rollups are then built by `rollups.recompute()` and kept up by `rollups.roll_up()`,
the functions the `measure-rollup` job runs; pages read only those tables. The dashboards
are served by gunicorn with 2 sync workers and DEBUG off (bench/web.py's server), signed
in as a staff member, and each is loaded by wrk for --duration seconds; the p95 reported
is the server's own request time from its access log. Prints figures with the load
average; never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "measure"
BATCH = 100_000
DAYS = 365
STAFF = 20
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/fireside_bench_measure"
PAGES = ("/measure/", "/measure/health", "/measure/community", "/measure/goals",
         "/measure/roi", "/measure/planning", "/measure/scorecard", "/measure/report",
         "/measure/community?period=365d&space=3", "/measure/health?period=365d",
         "/measure/planning?period=365d")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG, default="",
                        help=f"a PostgreSQL database to create and drop (default {DEFAULT_PG})")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true",
                        help="reuse the database of the last run (skip generation)")
    args = parser.parse_args()
    if args.duration > 120 or args.connections > 16:
        parser.error("keep the load bounded: --duration <= 120, --connections <= 16")
    return args


# Setup --------------------------------------------------------------------------------


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or not name.startswith("fireside_bench"):
        raise SystemExit("--postgres: the database name must start with fireside_bench "
                         "(it is dropped and created)")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def setup(args: argparse.Namespace) -> None:
    if not args.keep:
        shutil.rmtree(OUT, ignore_errors=True)
        if args.postgres:
            _recreate_postgres(args.postgres)
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update({"FIRESIDE_DATA_DIR": str(OUT), "DEBUG": "0", "LOG_LEVEL": "WARNING",
                       "DJANGO_SETTINGS_MODULE": "fireside.settings",
                       "SECRET_KEY": "bench-secret-key-" + "x" * 40})
    os.environ.setdefault("FIRESIDE_RATE_LIMITS", "0")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# Bulk loading -------------------------------------------------------------------------


class Loader:
    """Writes plain tuples to a model's table as fast as the database takes them."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        self.indexes: list[str] = []
        if self.sqlite:
            # Throwaway database: no journal fsyncs, no foreign-key checks while loading.
            connection.connection.execute("PRAGMA synchronous=OFF")
            connection.connection.execute("PRAGMA foreign_keys=OFF")
            connection.connection.execute("PRAGMA cache_size=-400000")
            from fireside.community.search import SQLITE_FTS_LINKS_DROP

            for sql in SQLITE_FTS_LINKS_DROP:
                connection.connection.execute(sql)
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")  # no FK triggers

    def stamp(self, moment: datetime) -> str:
        """A UTC moment as Django stores it."""
        text = moment.strftime("%Y-%m-%d %H:%M:%S")
        return text if self.sqlite else text + "+00"

    def _default(self, field: Any) -> Any:
        from django.db import models

        value = field.get_default()
        if isinstance(field, models.JSONField):
            return json.dumps(value if value is not None else [])
        if isinstance(value, datetime):
            return self.stamp(value.astimezone(UTC))
        return value

    def drop_indexes(self, model: Any) -> None:
        """Drop the table's secondary indexes (not those behind a unique constraint), to
        be built again in one sorted pass by `build_indexes`."""
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.sqlite:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                               "AND tbl_name = %s AND sql IS NOT NULL", [table])
            else:
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
                    "WHERE k.conindid = x.indexrelid)", [table])
            for name, sql in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                self.indexes.append(sql)

    def build_indexes(self) -> None:
        with self.connection.cursor() as cursor:
            for sql in self.indexes:
                cursor.execute(sql)
            if self.sqlite:
                cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        self.indexes = []

    def insert(self, model: Any, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert rows (tuples for `columns`, field attnames); other columns get their
        field's default."""
        fields = [f for f in model._meta.concrete_fields]
        rest = [f for f in fields if f.attname not in columns and not f.primary_key]
        tail = tuple(self._default(f) for f in rest)
        names = [model._meta.get_field(c).column for c in columns] + [f.column for f in rest]
        table = model._meta.db_table
        quoted = ", ".join(f'"{n}"' for n in names)
        total = 0
        iterator = iter(rows)
        if self.sqlite:
            raw = self.connection.connection
            marks = ", ".join("?" for _ in names)
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'  # noqa: S608
            while batch := [row + tail for row in islice(iterator, BATCH)]:
                raw.execute("BEGIN")
                raw.executemany(sql, batch)
                raw.execute("COMMIT")
                total += len(batch)
            return total
        with self.connection.cursor() as cursor, \
                cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in iterator:
                copy.write_row(row + tail)
                total += 1
        return total

    def reset_sequence(self, model: Any) -> None:
        if self.sqlite:
            return  # SQLite's AUTOINCREMENT follows the largest id by itself
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)


def generate(n: int, loader: Loader, seed: int = 1) -> dict[str, int]:
    """The community, care and listening records for n interactions over DAYS days."""
    from fireside.care.models import Conversation
    from fireside.community.models import Post, Reaction, Space, Thread
    from fireside.listening.models import Channel, Message
    from fireside.measure.models import PageViewDay
    from fireside.people.models import User

    rng = random.Random(seed)
    r = rng.random
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    span = DAYS * 86400
    stamp = loader.stamp
    members = max(1000, n // 200)
    n_posts, n_reactions, n_messages = int(n * 0.55), int(n * 0.15), int(n * 0.15)
    n_views = n - n_posts - n_reactions - n_messages
    n_threads = max(100, n_posts // 11)
    n_conv = n_messages // 3
    big = (User, Thread, Post, Reaction, Conversation, Message)
    for model in big:
        loader.drop_indexes(model)

    def moment(fraction: float) -> datetime:
        # Growth: more activity later in the year.
        return start + timedelta(seconds=int(span * fraction ** 0.8))

    joined = stamp(start)
    counts = {"members": loader.insert(
        User, ["id", "username", "email", "display_name", "role", "password", "date_joined"],
        ((i, f"u{i}", f"u{i}@bench.example", f"User {i}", "agent" if i <= STAFF else "", "!",
          joined) for i in range(1, members + 1)))}
    for s in range(1, 11):
        Space.objects.create(id=s, slug=f"space-{s}", name=f"Space {s}", purpose="Bench.")
    for c in range(1, 6):
        Channel.objects.create(id=c, name=f"Channel {c}", kind="import")

    thread_at = [moment(t / n_threads) for t in range(1, n_threads + 1)]
    thread_author = [STAFF + 1 + int(r() * (members - STAFF)) for _ in range(n_threads)]
    counts["threads"] = loader.insert(
        Thread, ["id", "space_id", "kind", "title", "author_id", "created_at",
                 "last_activity_at"],
        ((t, 1 + int(r() * 10), "question" if t % 3 else "discussion", f"T{t}",
          thread_author[t - 1], stamp(thread_at[t - 1]), stamp(thread_at[t - 1]))
         for t in range(1, n_threads + 1)))
    replies = n_posts - n_threads
    delays = [timedelta(minutes=m) for m in (5, 20, 50, 120, 600, 2000)]

    def posts() -> Iterator[tuple[Any, ...]]:
        for t in range(1, n_threads + 1):
            yield (t, t, thread_author[t - 1], True, "Q", "<p>Q</p>", "Q",
                   stamp(thread_at[t - 1]))
        pid = n_threads
        for i in range(replies):
            t = min(n_threads, int(n_threads * i / replies) + 1 + int(r() * 3))
            staff = r() < 0.3
            who = 1 + int(r() * STAFF) if staff else STAFF + 1 + int(r() * (members - STAFF))
            pid += 1
            yield (pid, t, who, False, "A", "<p>A</p>", "A",
                   stamp(thread_at[t - 1] + delays[int(r() * 6)]))

    counts["posts"] = loader.insert(
        Post, ["id", "thread_id", "author_id", "is_opening", "body", "body_html",
               "body_text", "created_at"], posts())

    def reactions() -> Iterator[tuple[Any, ...]]:
        seen: set[int] = set()
        rid = 0
        while rid < n_reactions:
            post, user = 1 + int(r() * n_posts), 1 + int(r() * members)
            key = post * (members + 1) + user
            if key in seen:
                continue
            seen.add(key)
            rid += 1
            yield (rid, post, user, "like", stamp(moment(post / n_posts)))

    counts["reactions"] = loader.insert(
        Reaction, ["id", "post_id", "user_id", "kind", "created_at"], reactions())
    conv_at = [moment(c / n_conv) for c in range(1, n_conv + 1)]
    waits = [timedelta(minutes=m) for m in (10, 40, 90, 300)]
    counts["conversations"] = loader.insert(
        Conversation, ["id", "channel_id", "first_message_at", "last_message_at",
                       "first_response_at", "message_count", "created_at"],
        ((c, (c % 5) + 1, stamp(conv_at[c - 1]), stamp(conv_at[c - 1]),
          stamp(conv_at[c - 1] + waits[int(r() * 4)]), 3, stamp(conv_at[c - 1]))
         for c in range(1, n_conv + 1)))
    sentiments = ("positive", "neutral", "negative")
    offsets = [timedelta(minutes=30 * k) for k in range(3)]

    def messages() -> Iterator[tuple[Any, ...]]:
        for m in range(1, n_messages + 1):
            c = min((m - 1) // 3 + 1, n_conv)
            out = m % 3 == 2
            at = stamp(conv_at[c - 1] + offsets[m % 3])
            yield (m, (c % 5) + 1, f"m{m}", "out" if out else "in",
                   1 + int(r() * STAFF) if out else None, c,
                   "Sale: 20% off, buy now" if out and m % 30 == 2 else "Where is my order?",
                   at, at, sentiments[int(r() * 3)], "question" if m % 4 == 0 else "other",
                   m % 7 == 0)

    counts["messages"] = loader.insert(
        Message, ["id", "channel_id", "external_id", "direction", "agent_id",
                  "conversation_id", "text", "created_at", "received_at", "sentiment",
                  "intent", "complaint"], messages())
    per_day = n_views // (DAYS * 10)
    counts["page view counters"] = loader.insert(
        PageViewDay, ["day", "space_id", "views"],
        (((start + timedelta(days=d)).date().isoformat(), s, per_day) for d in range(DAYS + 1)
         for s in range(1, 11)))
    counts["views"] = per_day * (DAYS + 1) * 10
    for model in (*big, Space, Channel):
        loader.reset_sequence(model)
    return counts


def timed(label: str, func: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = func()
    print(f"{label}: {time.perf_counter() - started:.1f} s ({load()})", flush=True)
    return result


# Serving and timing -------------------------------------------------------------------


def serve_and_time(args: argparse.Namespace) -> list[tuple[str, float, float, float, int]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from web import HOST, Server, gunicorn, quantiles, request, run_wrk, session_cookie

    cookie = session_cookie("u1")
    log = OUT / "logs" / "gunicorn.log"
    server = Server("gunicorn sync", gunicorn("sync")(args.port, log), dict(os.environ), log)
    rows = []
    try:
        server.start(args.port)
        print(f"\ngunicorn, 2 sync workers, on {HOST}:{args.port}; wrk {args.connections} "
              f"connections x {args.duration} s a page, signed in as staff", flush=True)
        for path in PAGES:
            status, _h, _b = request("GET", args.port, path, cookie=cookie)
            assert status == 200, (path, status)
            run_wrk(server, args.port, path, cookie, 2, args.connections, check=False)  # warm
        print(f"{'page':<42} {'server p50':>10} {'p95':>7} {'p99':>7} {'requests':>9}  "
              "(ms)", flush=True)
        for path in PAGES:
            logged = re.escape(path.split("?")[0])
            before = len(server.request_times("GET", logged))
            summary, _share, elsewhere = run_wrk(server, args.port, path, cookie,
                                                 args.duration, args.connections)
            time.sleep(0.5)  # let the access log flush
            times = server.request_times("GET", logged)[before:]
            p50, p95, p99 = quantiles(times)
            errors = sum(summary[k] for k in ("connect_errors", "read_errors", "write_errors",
                                               "status_errors", "timeouts"))
            rows.append((path, p50, p95, p99, len(times)))
            print(f"{path:<42} {p50:10.1f} {p95:7.1f} {p99:7.1f} {len(times):9}  errors "
                  f"{errors}, busy elsewhere {elsewhere:.0%}, {load()}", flush=True)
    finally:
        server.stop()
    return rows


def main() -> int:
    args = parse_args()
    setup(args)
    from django.db import connection

    print(f"Machine: {os.cpu_count()} cores, {load()}; database {connection.vendor}", flush=True)
    from fireside.measure import rollups, tasks

    if not args.keep:
        loader = Loader()
        sizes = timed("generate", lambda: generate(args.interactions, loader))
        timed("build indexes", loader.build_indexes)
        print(f"rows: {sizes} (interactions {args.interactions:,})", flush=True)
        result = timed("full rollup (rollups.recompute)", rollups.recompute)
        print(f"  {result.rows}, {result.days} days, {result.weeks} weeks", flush=True)
        from fireside.community.models import Post

        last = Post.objects.order_by("-id").first()
        assert last is not None
        Post.objects.bulk_create([Post(thread_id=last.thread_id, author_id=STAFF + 5, body="x",
                                       body_html="x", body_text="x") for _ in range(1000)])
        result = timed("incremental rollup of 1,000 new posts (the measure-rollup task)",
                       lambda: tasks.roll_up.call())
        print(f"  {result}", flush=True)
    from fireside.measure.models import ActiveDay, HealthWeek, MemberDay, SpaceDay, ThreadFact

    print("rollup rows: " + ", ".join(f"{m.__name__} {m.objects.count():,}" for m in (
        SpaceDay, ThreadFact, MemberDay, ActiveDay, HealthWeek)), flush=True)
    connection.close()
    rows = serve_and_time(args)
    worst = max(rows, key=lambda row: row[2])
    print(f"\nslowest p95 at the server: {worst[2]:.1f} ms ({worst[0]}); {load()}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT.parent / f"measure-{stamp}.json").write_text(json.dumps({
        "interactions": args.interactions, "database": connection.vendor,
        "pages": [dict(zip(("page", "p50_ms", "p95_ms", "p99_ms", "requests"), row,
                           strict=True)) for row in rows]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
