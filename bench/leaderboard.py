"""Leaderboard reads over a big ledger: N members and M points entries in a throwaway
SQLite database, then p50/p95 of the leaderboard page and API at the server (Django's
test client, so the figure is the server's own time without a network), for every
period and for all spaces or one space. Also times awards on the full database (the
incremental path: one ledger insert and one Score upsert per award).

Rows are written with raw executemany in big batches; the Score buckets are then built
with one GROUP BY, which is what the incremental upserts would have left behind (the
script checks a sample of members: total == sum of their ledger rows).

Usage: .venv/bin/python bench/leaderboard.py [--members 100000] [--rows 10000000]
Prints figures; never fails on time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FIRESIDE_DATA_DIR", tempfile.mkdtemp(prefix="fireside-bench-lb-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")
os.environ.setdefault("FIRESIDE_RATE_LIMITS", "0")
os.environ.pop("DATABASE_URL", None)
os.environ["ALLOWED_HOSTS"] = "testserver"

BATCH = 200_000
SPACES = 20
DAYS = 56


def pct(samples: list[float], q: float) -> float:
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(len(samples) * q))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from fireside.people.models import User
    from fireside.rewards import actions
    from fireside.rewards.actions import periods_of
    from fireside.rewards.models import EventKind, PointsEntry, Score
    from fireside.testing import make_space

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as c:
        c.execute("PRAGMA synchronous=OFF")
        c.execute("PRAGMA journal_mode=OFF")
        c.execute("PRAGMA cache_size=-4000000")  # 4 GB of page cache for the load
    spaces = [make_space(f"space-{i}").pk for i in range(SPACES)]

    # Members: one template row, varied by handle.
    template = User(display_name="Member", email_verified=True, is_claimed=True)
    template.set_unusable_password()
    fields = [f for f in User._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO people_user ({columns}) VALUES ({marks})"  # noqa: S608
    handle_at = next(i for i, f in enumerate(fields) if f.name == "username")
    name_at = next(i for i, f in enumerate(fields) if f.name == "display_name")
    base = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
    with connection.cursor() as c:
        for start in range(0, args.members, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, args.members)):
                row = list(base)
                row[handle_at], row[name_at] = f"m{n}", f"Member {n}"
                rows.append(row)
            c.executemany(sql, rows)
        c.execute("SELECT min(id), max(id) FROM people_user")
        first_id, last_id = c.fetchone()
    t_members = time.perf_counter() - t0

    # Ledger rows: each member is active in three spaces, over the last DAYS days.
    rng = random.Random(1)
    now = timezone.now()
    home = {uid: rng.sample(spaces, 3) for uid in range(first_id, last_id + 1)}
    kinds = [EventKind.ACCEPTED_ANSWER, EventKind.HELPFUL_REACTION, EventKind.HELPED_MEMBER]
    points_of = {EventKind.ACCEPTED_ANSWER: 15, EventKind.HELPFUL_REACTION: 5,
                 EventKind.HELPED_MEMBER: 10}
    t1 = time.perf_counter()
    ledger_sql = ("INSERT INTO rewards_pointsentry (user_id, points, kind, event_key, "
                  "space_id, reason, awarded_by_id, created_at) VALUES (?,?,?,?,?,?,NULL,?)")
    stamps = [(now - timedelta(seconds=s)).replace(tzinfo=None).isoformat(sep=" ")
              for s in range(0, DAYS * 86400, 97)]
    raw = connection.connection
    assert raw is not None
    # A bulk load: the ledger's secondary indexes are dropped and rebuilt after, as an
    # import would; the unique event_key index stays and is checked on every row.
    indexes = raw.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND "
                          "tbl_name='rewards_pointsentry' AND sql IS NOT NULL AND "
                          "sql NOT LIKE 'CREATE UNIQUE%'").fetchall()
    for name, _sql in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    done = 0
    while done < args.rows:
        rows = []
        for n in range(done, min(done + BATCH, args.rows)):
            uid = rng.randint(first_id, last_id)
            kind = kinds[n % 3]
            rows.append((uid, points_of[kind], kind, f"b{n}", home[uid][n % 3], "",
                         stamps[n % len(stamps)]))
        raw.executemany(ledger_sql, rows)
        raw.commit()
        done += len(rows)
        print(f"  {done:,} ledger rows ({time.perf_counter() - t1:.0f}s)", file=sys.stderr,
              flush=True)
    for _name, index_sql in indexes:
        raw.execute(index_sql)
    raw.commit()
    t_ledger = time.perf_counter() - t1

    # The buckets the incremental upserts keep, built here in one pass per period kind.
    t2 = time.perf_counter()
    period_sql = {
        "all": "'all'",
        # ISO week: the year and day of the year of the week's Thursday.
        "week": "'w' || strftime('%Y', created_at, '-3 days', 'weekday 4') || '-' || "
                "printf('%02d', (strftime('%j', created_at, '-3 days', 'weekday 4') - 1) / 7 + 1)",
        "month": "'m' || strftime('%Y-%m', created_at)",
    }
    with connection.cursor() as c:
        for expr in period_sql.values():
            for space_expr in ("0", "space_id"):
                c.execute(f"INSERT INTO rewards_score (user_id, space_key, period, points) "  # noqa: S608
                          f"SELECT user_id, {space_expr}, {expr}, SUM(points) "
                          f"FROM rewards_pointsentry GROUP BY 1, 2, 3")
        c.execute("ANALYZE")
    t_scores = time.perf_counter() - t2
    scores = Score.objects.count()

    # Check: totals equal their ledger rows for a sample of members.
    for uid in rng.sample(range(first_id, last_id + 1), 50):
        ledger = sum(PointsEntry.objects.filter(user_id=uid).values_list("points", flat=True))
        assert actions.total_points(uid) == ledger, uid
    _, week, _month = periods_of(now)
    assert Score.objects.filter(period=week).exists(), "the ISO week expression drifted"

    client = Client()
    timings: dict[str, list[float]] = {}
    urls = []
    for period in ("week", "month", "all"):
        urls.append(f"/leaderboard?period={period}")
        urls.append(f"/api/v1/leaderboard?period={period}")
        urls.append(f"/api/v1/leaderboard?period={period}&space=space-3")
    for url in urls:
        client.get(url)  # warm
    for _ in range(args.reads // len(urls) + 1):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            timings.setdefault(url, []).append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)

    # Awards on the full database: the incremental path.
    award_ms = []
    for n in range(500):
        uid = rng.randint(first_id, last_id)
        start = time.perf_counter()
        actions.do_award(uid, EventKind.HELPFUL_REACTION, event_key=f"live{n}",
                         space_id=home[uid][0])
        award_ms.append((time.perf_counter() - start) * 1000)

    every = [ms for samples in timings.values() for ms in samples]
    db = Path(os.environ["FIRESIDE_DATA_DIR"]) / "fireside.sqlite3"
    print(f"\nleaderboard on SQLite: {args.members:,} members, {args.rows:,} ledger rows, "
          f"{scores:,} score buckets ({db.stat().st_size / 2**30:.1f} GiB)")
    print(f"load: members {t_members:.0f}s, ledger {t_ledger:.0f}s "
          f"({args.rows / max(t_ledger, 1e-9):,.0f} rows/s), buckets {t_scores:.0f}s")
    for url, samples in timings.items():
        print(f"  {url:<52} p50 {statistics.median(samples):6.1f} ms  "
              f"p95 {pct(samples, 0.95):6.1f} ms")
    print(f"all reads: n={len(every)} p50 {statistics.median(every):.1f} ms "
          f"p95 {pct(every, 0.95):.1f} ms max {max(every):.1f} ms")
    print(f"award (ledger insert + bucket upsert + badge check): p50 "
          f"{statistics.median(award_ms):.1f} ms p95 {pct(award_ms, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
