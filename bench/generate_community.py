"""Build a large community to measure pages against: 1,000,000 posts in 50,000 threads.

    .venv/bin/python bench/generate_community.py [--data-dir bench/out/community]
        [--database-url postgres://...] [--posts N --threads N --members N] [--force]

SQLite (under --data-dir) by default; PostgreSQL with --database-url. Rows are written in
large batches straight to the tables (executemany on SQLite, COPY on PostgreSQL) with
counters computed in memory, so that they agree with what the actions would have kept:
Thread.reply_count and last_activity_at, Space.thread_count/post_count/last_activity_at,
User.post_count/accepted_count, and one Follow per member and thread they posted in.

Posts are inserted in time order across all threads, as a real forum grows, so that a
thread's posts are spread over the table rather than packed together. Bodies come from a
few hundred generated Markdown texts rendered once each with the real markup module.

A second run with the same sizes reuses the database; `manifest.json` in the data dir
records the sizes and the ids the web benchmark reads (threads with exactly 100 replies,
the busiest public space, members to sign in as).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "bench" / "out" / "community"
BENCH_PASSWORD = "bench-password-not-secret"
BATCH = 50_000
MANIFEST_VERSION = 1

SPACES = [
    # slug, name, purpose, visibility, share of threads, share that are questions
    ("help", "Help & support", "Ask how to do something, or why something does not work.",
     "public", 0.36, 0.85),
    ("general", "General", "Talk about anything around the product with other members.",
     "public", 0.30, 0.15),
    ("ideas", "Ideas", "Suggest what we should build next and discuss it.", "public", 0.17, 0.05),
    ("developers", "Developers", "The API, integrations and extensions.", "members", 0.12, 0.6),
    ("staff-room", "Staff room", "For employees and partners.", "private", 0.05, 0.2),
]


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words("Ada Alan Anna Ben Chloe Dan Elena Emma Felix Grace Hana Ivan Jon Kim Lea Liam Maya "
         "Nora Omar Paula Quinn Rosa Sam Tara Uma Victor Wen Xavier Yara Zoe")
LAST = _words("Ahmed Berg Costa Diaz Evans Fischer Garcia Hughes Ito Jensen Kowalski Lopez Martin "
        "Nakamura Okafor Petrov Quist Rossi Silva Tanaka Ueda Varga Weber Xu Young Zimmer")
WORDS = _words(
    "account add after again api app before billing bug build cache change check click "
    "config connect could data default delete deploy device docs does download edit email "
    "error event export feature field file filter find fix form get group help how import "
    "install issue key link list load log login make mobile need new notification option "
    "order page password payment plan plugin post problem profile query queue release "
    "report request reset role run save search send server setting setup share show sign "
    "space status still support sync team template test thanks theme thread time token try "
    "update upgrade upload user version view webhook when why work works workspace write"
)
TAGS = _words("billing api mobile sso export import webhooks performance accessibility security "
        "integrations notifications search permissions onboarding reporting themes sync "
        "email calendar")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--database-url", default="",
                        help="postgres://... (default: SQLite in the data dir)")
    parser.add_argument("--posts", type=int, default=1_000_000,
                        help="posts in all, opening posts included")
    parser.add_argument("--threads", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--hundreds", type=int, default=200,
                        help="threads with exactly 100 replies")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--force", action="store_true", help="rebuild even if it exists")
    return parser.parse_args(argv)


def setup_django(data_dir: Path, database_url: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["FIRESIDE_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fireside.settings"
    os.environ["DEBUG"] = "0"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# The shape of the community ---------------------------------------------------------


def reply_counts(rng: random.Random, threads: int, replies: int, hundreds: int) -> list[int]:
    """Replies per thread: a tenth unanswered, `hundreds` with exactly 100, a few very long
    threads and a long-tailed spread for the rest, summing to exactly `replies`."""
    counts = [0] * threads
    order = list(range(threads))
    rng.shuffle(order)
    zero = threads // 10
    huge = max(0, min(20, threads // 2500))
    hundred_ids = order[zero:zero + hundreds]
    huge_ids = order[zero + hundreds:zero + hundreds + huge]
    rest = order[zero + hundreds + huge:]
    for i in hundred_ids:
        counts[i] = 100
    for i in huge_ids:
        counts[i] = rng.randint(1000, 3000)
    left = replies - 100 * len(hundred_ids) - sum(counts[i] for i in huge_ids)
    if left < len(rest):
        raise SystemExit("too few posts for that many threads")
    weights = [rng.lognormvariate(0.0, 1.1) for _ in rest]
    scale = left / sum(weights)
    cap = 900
    for i, w in zip(rest, weights, strict=True):
        n = max(1, min(cap, round(w * scale)))
        counts[i] = 99 if n == 100 else n  # exactly 100 only where chosen
    diff = left - sum(counts[i] for i in rest)
    step = 1 if diff > 0 else -1
    while diff:
        i = rest[rng.randrange(len(rest))]
        n = counts[i] + step
        if 1 <= n <= cap and n != 100:
            counts[i] = n
            diff -= step
    return counts


class Clock:
    """Timestamps in microseconds since the epoch, written the way Django writes them."""

    def __init__(self, vendor: str) -> None:
        self.epoch = datetime(1970, 1, 1)
        self.suffix = "+00:00" if vendor == "postgresql" else ""

    def text(self, us: int) -> str:
        # isoformat drops ".000000"; Django's SQLite strings keep the same shape.
        return (self.epoch + timedelta(microseconds=us)).isoformat(" ") + self.suffix


def body_templates(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(Markdown, HTML, text) for `count` generated bodies, each rendered once."""
    from fireside.community import markup

    vocabulary = WORDS + [f"{a}{b}" for a, b in itertools.product(WORDS[:40], ("s", "ed", "ing"))]
    out = []
    for n in range(count):
        paragraphs = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            words = rng.choices(vocabulary, k=rng.randint(8, 45))
            words[0] = words[0].capitalize()
            paragraphs.append(" ".join(words) + rng.choice((".", "?", "!", ".")))
        if n % 7 == 0:
            paragraphs.append(f"Try `{rng.choice(WORDS)}.{rng.choice(WORDS)}()` and **restart**.")
        if n % 11 == 0:
            paragraphs.append("\n".join(f"- {rng.choice(WORDS)} {rng.choice(WORDS)}"
                                        for _ in range(3)))
        if n % 13 == 0:
            paragraphs.append(f"See [the docs](https://docs.example.com/{rng.choice(WORDS)}).")
        source = "\n\n".join(paragraphs)
        html = markup.render_markdown(source)
        out.append((source, html, markup.html_to_text(html)))
    return out


# Writing rows -----------------------------------------------------------------------


class Loader:
    """Inserts rows in big batches: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.connection = connection
        self.vendor = connection.vendor
        self.timings: list[tuple[str, int, float]] = []

    def columns_of(self, model: Any) -> list[str]:
        return [f.column for f in model._meta.concrete_fields]

    def defaults_for(self, model: Any, columns: list[str]) -> tuple[list[str], tuple[Any, ...]]:
        """The model's columns this script does not write, with the value each row gets:
        the field's default, so that a field added later does not break the load."""
        unknown = sorted(set(columns) - set(self.columns_of(model)))
        if unknown:
            raise SystemExit(f"{model._meta.db_table} has no columns {unknown}: update the script")
        names, values = [], []
        for f in model._meta.concrete_fields:
            if f.column in columns:
                continue
            if not f.has_default() and not f.null:
                raise SystemExit(f"{model._meta.db_table}.{f.column} has no default: "
                                 "give it a value in the script")
            names.append(f.column)
            values.append(f.get_db_prep_save(f.get_default(), self.connection))
        return names, tuple(values)

    def insert(self, model: Any, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
        extra, values = self.defaults_for(model, columns)
        if extra:
            print(f"  ({model._meta.db_table}: defaults for {', '.join(extra)})", flush=True)
            columns = columns + extra
            rows = (tuple(row) + values for row in rows)
        table = model._meta.db_table
        started = time.perf_counter()
        count = 0
        if self.vendor == "postgresql":
            names = ", ".join(f'"{c}"' for c in columns)
            with self.connection.connection.cursor() as cursor, \
                    cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            self.connection.connection.commit()
        else:
            raw = self.connection.connection
            sql = (f'INSERT INTO "{table}" ({", ".join(columns)}) '  # noqa: S608 - our names
                   f'VALUES ({", ".join("?" * len(columns))})')
            iterator = iter(rows)
            raw.execute("BEGIN")
            while batch := list(itertools.islice(iterator, BATCH)):
                raw.executemany(sql, batch)
                count += len(batch)
            raw.execute("COMMIT")
        elapsed = time.perf_counter() - started
        self.timings.append((table, count, elapsed))
        print(f"  {table:<28} {count:>10,} rows {elapsed:7.1f} s "
              f"{count / max(elapsed, 1e-9):>10,.0f} rows/s", flush=True)
        return count


def generate(args: argparse.Namespace, loader: Loader) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password

    from fireside.community.models import Follow, Post, Space, Tag, Thread
    from fireside.people.models import User

    rng = random.Random(args.seed)
    clock = Clock(loader.vendor)
    now_us = int(datetime.now(UTC).timestamp() * 1_000_000)
    year_us = 365 * 24 * 3600 * 1_000_000
    start_us = now_us - 3 * year_us

    # Members: a few staff, then customers with a long-tailed activity.
    n_members = args.members
    password = make_password(BENCH_PASSWORD)
    roles = {1: "admin", 2: "community_manager", 3: "moderator", 4: "moderator", 5: "moderator"}
    kinds = ["customer"] * 90 + ["employee"] * 8 + ["partner"] * 2
    member_kind = [""] + [("employee" if i in roles else rng.choice(kinds))
                          for i in range(1, n_members + 1)]
    user_cols = ["id", "password", "last_login", "is_superuser", "username", "first_name",
                 "last_name", "email", "is_staff", "is_active", "date_joined", "display_name",
                 "kind", "role", "title", "bio", "avatar", "interests", "expertise", "links",
                 "email_verified", "notify_by_email", "is_claimed", "external_source",
                 "external_id", "post_count", "accepted_count"]

    # Threads: space, kind, author, time, reply count.
    n_threads = args.threads
    n_replies = args.posts - n_threads
    counts = reply_counts(rng, n_threads, n_replies, args.hundreds)
    space_weights = [s[4] for s in SPACES]
    thread_space = rng.choices(range(len(SPACES)), weights=space_weights, k=n_threads)
    thread_kind = ["question" if rng.random() < SPACES[s][5]
                   or (counts[t] == 0 and rng.random() < 0.5) else "discussion"
                   for t, s in enumerate(thread_space)]
    # Activity follows a power law: a few members write much of the community.
    cum = list(itertools.accumulate(1.0 / (rank ** 0.8) for rank in range(1, n_members + 1)))
    total_w = cum[-1]

    def pick_member() -> int:
        return bisect.bisect_left(cum, rng.random() * total_w) + 1

    # A growing community: more threads recently (density rising towards now).
    thread_start = sorted(start_us + int((3 * year_us) * math.sqrt(rng.random()))
                          for _ in range(n_threads))
    rng.shuffle(thread_start)

    print(f"Planning {args.posts:,} posts ...", flush=True)
    started = time.perf_counter()
    # One entry per post: (time, thread index, sequence in thread, author).
    plan: list[tuple[int, int, int, int]] = []
    for t in range(n_threads):
        ts = thread_start[t]
        plan.append((ts, t, 0, pick_member()))
        n = counts[t]
        # Long threads stay alive longer; gaps are exponential around a mean.
        mean_gap = 3600e6 * (4 if n < 20 else 12 if n < 200 else 24)
        for seq in range(1, n + 1):
            ts += int(rng.expovariate(1.0 / mean_gap)) + 1
            plan.append((min(ts, now_us - seq), t, seq, pick_member()))
    plan.sort()
    print(f"  planned in {time.perf_counter() - started:.1f} s", flush=True)

    templates = body_templates(rng, 600)
    accepted_seq: dict[int, int] = {}
    for t in range(n_threads):
        if thread_kind[t] == "question" and counts[t] and rng.random() < 0.5:
            accepted_seq[t] = rng.randint(1, min(counts[t], 5))

    thread_ids = list(range(1, n_threads + 1))
    last_post_of: dict[int, int] = {}
    thread_last: list[int] = list(thread_start)
    accepted_post: dict[int, int] = {}
    user_posts = [0] * (n_members + 1)
    user_accepted = [0] * (n_members + 1)
    follows: list[tuple[int, int, int]] = []
    followed: set[int] = set()

    def post_rows() -> Iterator[tuple[Any, ...]]:
        for pid, (ts, t, seq, author) in enumerate(plan, start=1):
            prev = last_post_of.get(t)
            reply_to = prev if seq and prev and rng.random() < 0.1 else None
            last_post_of[t] = pid
            thread_last[t] = ts
            user_posts[author] += 1
            if accepted_seq.get(t) == seq and seq:
                accepted_post[t] = pid
                user_accepted[author] += 1
            key = t * (n_members + 1) + author
            if key not in followed:
                followed.add(key)
                follows.append((author, t + 1, ts))
            body, html, text = templates[(pid * 7919) % len(templates)]
            hidden = seq > 0 and pid % 499 == 0
            yield (pid, thread_ids[t], author, reply_to, seq == 0, body, html, text, 0, 0,
                   hidden, False, "", clock.text(ts), None, "", "")

    # Spaces first (threads point at them), then threads with final counters: every
    # counter is known from the plan before a row is written.
    space_cols = loader.columns_of(Space)
    space_threads = [0] * len(SPACES)
    space_posts = [0] * len(SPACES)
    space_last = [0] * len(SPACES)
    for t in range(n_threads):
        s = thread_space[t]
        space_threads[s] += 1
        space_posts[s] += counts[t] + 1
    # Last activity per thread and space, from the plan.
    last_by_thread = [0] * n_threads
    for ts, t, _seq, _a in plan:
        last_by_thread[t] = max(last_by_thread[t], ts)
    for t in range(n_threads):
        s = thread_space[t]
        space_last[s] = max(space_last[s], last_by_thread[t])

    print("Writing rows:", flush=True)
    loader.insert(User, user_cols, (
        (i, password, None, i == 1, f"member{i}", "", "", f"member{i}@example.com", i == 1,
         True, clock.text(start_us - rng.randint(1, year_us)),
         f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}",
         member_kind[i], roles.get(i, ""), "", "", "", "[]", "[]", "[]", True, True, True,
         "", "", 0, 0)
        for i in range(1, n_members + 1)))
    space_rows = []
    for i, (slug, name, purpose, vis, _w, _q) in enumerate(SPACES):
        row = {"id": i + 1, "slug": slug, "name": name, "purpose": purpose, "description": "",
               "visibility": vis, "allowed_roles": "[]", "attribution": "", "position": i,
               "allowed_kinds": '["employee", "partner"]' if vis == "private" else "[]",
               "thread_count": space_threads[i], "post_count": space_posts[i],
               "last_activity_at": clock.text(space_last[i]),
               "created_at": clock.text(start_us - year_us)}
        space_rows.append(tuple(row[c] for c in space_cols))
    loader.insert(Space, space_cols, space_rows)
    moderators = Space.moderators.through
    loader.insert(moderators, loader.columns_of(moderators),
                  [(n, s + 1, u) for n, (s, u) in enumerate(
                      ((s, u) for s in range(len(SPACES)) for u in (3, 4)), start=1)])

    titles = [f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.choice(WORDS)} "
              f"{rng.choice(WORDS)} #{t + 1}" + ("?" if thread_kind[t] == "question" else "")
              for t in range(n_threads)]
    thread_author = {t: a for _ts, t, seq, a in plan if seq == 0}
    pinned = set()
    for s in range(len(SPACES)):
        in_space = [t for t in range(n_threads) if thread_space[t] == s]
        pinned.update(rng.sample(in_space, min(2, len(in_space))))
    thread_cols = ["id", "space_id", "kind", "title", "author_id", "accepted_post_id",
                   "reply_count", "view_count", "is_pinned", "is_locked", "is_hidden",
                   "is_deleted", "delete_reason", "created_at", "last_activity_at",
                   "external_source", "external_id"]
    # accepted_post_id is filled after the posts exist (the ids come from the time order).
    loader.insert(Thread, thread_cols, (
        (t + 1, thread_space[t] + 1, thread_kind[t], titles[t], thread_author[t], None,
         counts[t], counts[t] * 7 + 11, t in pinned, False, False, False, "",
         clock.text(thread_start[t]), clock.text(last_by_thread[t]), "", "")
        for t in range(n_threads)))
    tag_cols = loader.columns_of(Tag)
    loader.insert(Tag, tag_cols, [(i + 1, name) for i, name in enumerate(TAGS)])
    through = Thread.tags.through

    def thread_tag_rows() -> Iterator[tuple[int, int, int]]:
        n = itertools.count(1)
        for t in range(n_threads):
            for tag in rng.sample(range(1, len(TAGS) + 1), rng.choice((0, 1, 1, 2, 3))):
                yield (next(n), t + 1, tag)

    loader.insert(through, ["id", "thread_id", "tag_id"], thread_tag_rows())

    post_cols = ["id", "thread_id", "author_id", "reply_to_id", "is_opening", "body",
                 "body_html", "body_text", "like_count", "helpful_count", "is_hidden",
                 "is_deleted", "delete_reason", "created_at", "edited_at", "external_source",
                 "external_id"]
    loader.insert(Post, post_cols, post_rows())
    loader.insert(Follow, ["id", "user_id", "thread_id", "space_id", "created_at"],
                  ((n, u, t, None, clock.text(ts)) for n, (u, t, ts) in
                   enumerate(follows, start=1)))

    print("Updating counters ...", flush=True)
    started = time.perf_counter()
    with loader.connection.cursor() as cursor:
        cursor.executemany("UPDATE community_thread SET accepted_post_id = %s WHERE id = %s",
                           [(pid, t + 1) for t, pid in accepted_post.items()])
        cursor.executemany(
            "UPDATE people_user SET post_count = %s, accepted_count = %s WHERE id = %s",
            [(user_posts[u], user_accepted[u], u) for u in range(1, n_members + 1)
             if user_posts[u] or user_accepted[u]])
    print(f"  counters in {time.perf_counter() - started:.1f} s", flush=True)

    hundred = [t + 1 for t in range(n_threads)
               if counts[t] == 100 and SPACES[thread_space[t]][3] == "public"
               and t not in pinned]
    public = [i for i, s in enumerate(SPACES) if s[3] == "public"]
    busiest = max(public, key=lambda i: space_threads[i])
    # Ordinary customers, active enough to have a history, for signed-in pages.
    bench_members = [u for u in range(50, n_members + 1) if member_kind[u] == "customer"][:40]
    return {
        "hundred_reply_threads": hundred[:20],
        "space_slug": SPACES[busiest][0],
        "members": [f"member{u}" for u in bench_members],
        "password": BENCH_PASSWORD,
        "follows": len(follows),
    }


# Around the load --------------------------------------------------------------------


def counts_now() -> dict[str, int]:
    from fireside.community.models import Post, Space, Thread
    from fireside.people.models import User

    return {"posts": Post.objects.count(), "threads": Thread.objects.count(),
            "members": User.objects.count(), "spaces": Space.objects.count()}


def wanted(args: argparse.Namespace) -> dict[str, int]:
    return {"posts": args.posts, "threads": args.threads, "members": args.members,
            "spaces": len(SPACES)}


def read_manifest(data_dir: Path) -> dict[str, Any] | None:
    path = data_dir / "manifest.json"
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None


def reusable(args: argparse.Namespace) -> dict[str, Any] | None:
    manifest = read_manifest(args.data_dir)
    if manifest is None or manifest.get("version") != MANIFEST_VERSION:
        return None
    if manifest.get("wanted") != wanted(args) or manifest.get("seed") != args.seed:
        return None
    if manifest.get("database") != safe_url(args.database_url):
        return None
    return manifest if counts_now() == wanted(args) else None


def safe_url(url: str) -> str:
    """The database URL without its password, for the manifest."""
    if not url:
        return "sqlite"
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def empty_database(args: argparse.Namespace) -> None:
    """Start from empty tables: a new SQLite file, or flushed PostgreSQL tables."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    migrate()


BULK_TABLES = ("people_user", "community_thread", "community_thread_tags", "community_post",
               "community_follow")


def secondary_indexes(loader: Loader) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the plain indexes on the bulk tables: dropped during the
    load and built again after it, one sorted pass each instead of a random insert per row.
    Unique indexes stay, since they are constraints."""
    with loader.connection.cursor() as cursor:
        if loader.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'")
            return [(name, sql) for name, sql, table in cursor.fetchall()
                    if table in BULK_TABLES]
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexdef NOT LIKE 'CREATE UNIQUE%%'", [list(BULK_TABLES)])
        return [(name, sql) for name, sql in cursor.fetchall()]


def with_fast_load(loader: Loader, body: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run the load with indexes and the FTS machinery out of the way, then build them once.

    SQLite: the per-row FTS triggers are dropped, the index is rebuilt in one pass and the
    triggers are put back (from the same SQL as the migration); no journal during the load
    (a failed load is rebuilt from scratch anyway). PostgreSQL: the search's GIN indexes
    are among the plain indexes dropped and built again after the COPY.
    """
    from django.core.management.color import no_style
    from django.db import DatabaseError, transaction

    from fireside.community import search
    from fireside.community.models import Follow, Post, Space, Tag, Thread
    from fireside.people.models import User

    connection = loader.connection
    indexes = secondary_indexes(loader)
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        if loader.vendor == "sqlite":
            for sql in search.SQLITE_FTS_TEARDOWN:
                if sql.startswith("DROP TRIGGER"):
                    cursor.execute(sql)
            cursor.execute("PRAGMA journal_mode=OFF")
            # The rows are made consistent by construction; checking every key on insert
            # costs three index look-ups per post.
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
            cursor.execute("PRAGMA temp_store=MEMORY")
        else:
            # The foreign keys are right by construction; their triggers would double the
            # COPY time. Only a superuser may skip them, and the load works without.
            try:
                with transaction.atomic():
                    cursor.execute("SET session_replication_role = replica")
            except DatabaseError:
                print("  (foreign keys are checked row by row: not a superuser)")
    result = body()
    started = time.perf_counter()
    print(f"Building {len(indexes)} indexes ...", flush=True)
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
    print(f"  indexes in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if loader.vendor == "sqlite":
            print("Rebuilding the search index ...", flush=True)
            search.rebuild_sqlite_index()
            for sql in search.SQLITE_FTS_SETUP:
                if sql.lstrip().startswith("CREATE TRIGGER"):
                    cursor.execute(sql)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        else:
            print("Analysing ...", flush=True)
            cursor.execute("SET session_replication_role = DEFAULT")
            models = [User, Space, Thread, Post, Tag, Follow, Thread.tags.through,
                      Space.moderators.through]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    print(f"  search index in {time.perf_counter() - started:.1f} s", flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.data_dir = args.data_dir.resolve()
    setup_django(args.data_dir, args.database_url)
    migrate()
    where = safe_url(args.database_url)
    if not args.force and (manifest := reusable(args)):
        print(f"Reusing {where} in {args.data_dir}: {manifest['wanted']['posts']:,} posts, "
              f"{manifest['wanted']['threads']:,} threads (built in "
              f"{manifest['seconds']:.0f} s; --force rebuilds)")
        return 0
    if any(counts_now().values()):
        print("Emptying the existing database ...", flush=True)
        empty_database(args)
    (args.data_dir / "manifest.json").unlink(missing_ok=True)
    started = time.perf_counter()
    loader = Loader()
    details = with_fast_load(loader, lambda: generate(args, loader))
    seconds = time.perf_counter() - started
    rows = sum(n for _t, n, _s in loader.timings)
    manifest = {"version": MANIFEST_VERSION, "wanted": wanted(args), "seed": args.seed,
                "database": where, "seconds": round(seconds, 1), **details}
    if counts_now() != wanted(args):
        raise SystemExit(f"counts differ after the load: {counts_now()} != {wanted(args)}")
    (args.data_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    size = ""
    if loader.vendor == "sqlite":
        db = Path(loader.connection.settings_dict["NAME"])
        size = f", {db.stat().st_size / 2**20:,.0f} MiB on disk"
    print(f"Built {args.posts:,} posts in {args.threads:,} threads, {args.members:,} members "
          f"in {seconds:.0f} s ({rows / seconds:,.0f} rows/s overall{size}) into {where}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
