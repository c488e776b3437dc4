"""Ingest throughput, end to end, against the raw bulk-insert rate of the same rows.

    python bench/ingest.py [--copies 5] [--sqlite-only]

Reads the Customer Support on Twitter sample from ../shared/data (never copied into the
repo), repeats it --copies times with fresh ids, and imports it through the real
pipeline (parse, drop duplicates, signals, person, thread, route, store) into a fresh
SQLite database and, when reachable, a fresh PostgreSQL database. Then it inserts the very
same message rows with one executemany per 2,000 (and on PostgreSQL with COPY), and prints
both rates, their ratio against the faster raw way, and the load average around each run:
other work on the machine shows in the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "twcs-spotifycares" / "support_requests.csv"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/fireside")
COLUMNS = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
           "in_response_to_tweet_id"]


def make_input(copies: int, out: Path) -> int:
    """The sample repeated with fresh tweet and author ids per copy; returns the row count."""
    with DATA.open(encoding="utf-8", newline="\n") as stream:
        rows = list(csv.DictReader(line.replace("\r", " ") for line in stream))
    n = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for copy in range(copies):
            def shift(value: str, copy: int = copy) -> str:
                value = (value or "").strip()
                if not value:
                    return ""
                return ",".join(f"{copy}{int(float(v))}" for v in value.split(",") if v)
            for row in rows:
                author = row["author_id"]
                if row["inbound"].strip().lower() == "true":
                    author = f"{author}-{copy}"
                writer.writerow([shift(row["tweet_id"]), author, row["inbound"],
                                 row["created_at"], row["text"], shift(row["response_tweet_id"]),
                                 shift(row["in_response_to_tweet_id"])])
                n += 1
    return n


def child(path: str) -> None:
    """Runs inside a process whose environment names the database to measure."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from fireside.listening.importers import import_twcs
    from fireside.listening.models import Message

    report = import_twcs(Path(path), "Bench")
    stored = report.result.stored
    rate = report.result.received / report.seconds
    # The same rows, straight into the same table with one executemany per 2,000.
    fields = [f for f in Message._meta.concrete_fields if f.column != "id"]
    rows = [tuple(f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields)
            for m in Message.objects.all().order_by("id")]
    Message.objects.all().delete()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    sql = (f"INSERT INTO {qn(Message._meta.db_table)} ({columns}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    started = time.perf_counter()
    for i in range(0, len(rows), 2000):
        with connection.cursor() as cursor, django.db.transaction.atomic():
            cursor.executemany(sql, rows[i:i + 2000])
    raws = {"executemany": len(rows) / (time.perf_counter() - started)}
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's fastest way in, and what the pipeline itself uses.
        Message.objects.all().delete()
        started = time.perf_counter()
        for i in range(0, len(rows), 2000):
            with connection.cursor() as cursor, django.db.transaction.atomic():
                copy_sql = f"COPY {qn(Message._meta.db_table)} ({columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in rows[i:i + 2000]:
                        copy.write_row(row)
        raws["COPY"] = len(rows) / (time.perf_counter() - started)
    print(json.dumps({"rows": report.result.received, "stored": stored, "seconds": report.seconds,
                      "rate": rate, "raws": raws}))


def _load() -> str:
    return "load " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def measure(label: str, env: dict[str, str], path: Path) -> None:
    before = _load()
    out = subprocess.run([sys.executable, __file__, "--child", str(path)], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"{label}: failed\n{out.stderr[-2000:]}")
        return
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    method, raw_rate = max(figures["raws"].items(), key=lambda pair: pair[1])
    others = "".join(f", {name} {value:,.0f}" for name, value in figures["raws"].items()
                     if name != method)
    print(f"{label:<11} {figures['rows']:>7,} messages in {figures['seconds']:.1f} s: "
          f"{figures['rate']:>8,.0f} msgs/s end to end | raw bulk insert "
          f"{raw_rate:>9,.0f} rows/s ({method}{others}) | "
          f"ratio {figures['rate'] / raw_rate:.2f} | {before}, after {_load()[5:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    if not DATA.exists():
        print(f"skipped: no sample at {DATA}")
        return 0
    with tempfile.TemporaryDirectory(prefix="fireside-bench-") as tmp:
        path = Path(tmp) / "twcs.csv"
        n = make_input(args.copies, path)
        print(f"input: {n:,} tweets ({args.copies} copies of the sample), {os.cpu_count()} cores")
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["FIRESIDE_DATA_DIR"] = str(Path(tmp) / "sqlite")
        measure("SQLite", env, path)
        if args.sqlite_only:
            return 0
        sys.path.insert(0, str(ROOT / "scripts"))
        from service_up import postgres_up

        if not postgres_up(POSTGRES):
            print(f"PostgreSQL  skipped: nothing answers at {POSTGRES}")
            return 0
        import psycopg

        base, _name = POSTGRES.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS fireside_bench_ingest")
            conn.execute("CREATE DATABASE fireside_bench_ingest")
        try:
            env["DATABASE_URL"] = base + "/fireside_bench_ingest"
            env["FIRESIDE_DATA_DIR"] = str(Path(tmp) / "pg")
            measure("PostgreSQL", env, path)
        finally:
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS fireside_bench_ingest WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
