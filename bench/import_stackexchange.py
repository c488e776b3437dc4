"""How fast `fireside import stackexchange` brings the History Meta dump home.

Imports ../shared/data/stackexchange-history-meta into a fresh SQLite database in a
temporary folder, and into a throwaway PostgreSQL database when a server answers at
postgres://postgres@127.0.0.1:5432/. Each run is a separate process, because Django
settings are read once per process. Prints wall and CPU seconds and rows per second (rows:
members, threads, opening posts, answers and comments written); never fails on time.

    .venv/bin/python bench/import_stackexchange.py [DUMP_DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUMP = ROOT.parent / "shared" / "data" / "stackexchange-history-meta"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")


def run_one(dump: Path) -> None:
    """In a child process whose environment already names the database: migrate, import."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "fireside.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fireside.community.importers.stackexchange import import_dump

    call_command("migrate", interactive=False, verbosity=0)
    started, cpu = time.perf_counter(), time.process_time()
    report = import_dump(dump, space_slug="history-meta", space_name="History Meta archive")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = report.questions * 2 + report.answers + report.comments + report.members
    again = time.perf_counter()
    second = import_dump(dump, space_slug="history-meta")
    rerun = time.perf_counter() - again
    print(f"{connection.vendor:<10} {seconds:6.2f} s ({cpu:.2f} s of CPU in this process)  "
          f"{rows:,} rows  {rows / seconds:,.0f} rows/s  "
          f"(re-run: {rerun:.2f} s, {second.already_present:,} already present)")
    print("           " + report.summary().replace("\n", "\n           "))


def child(env: dict[str, str], dump: Path) -> None:
    subprocess.run([sys.executable, __file__, "--child", str(dump)], env=env, check=True)


def postgres_admin() -> object | None:
    try:
        import psycopg

        return psycopg.connect(POSTGRES + "postgres", autocommit=True, connect_timeout=3)
    except Exception as error:  # any failure means: no server to bench against
        print(f"postgresql skipped: no server at {POSTGRES} ({type(error).__name__})")
        return None


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_one(Path(sys.argv[2]))
        return 0
    dump = Path(sys.argv[1]) if len(sys.argv) > 1 else DUMP
    if not (dump / "Posts.xml").exists():
        print(f"skipped: no dump at {dump}")
        return 0
    with tempfile.TemporaryDirectory(prefix="fireside-bench-") as data_dir:
        env = {**os.environ, "FIRESIDE_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        child(env, dump)
        admin = postgres_admin()
        if admin is not None:
            name = f"fireside_bench_{uuid.uuid4().hex[:8]}"
            admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
            try:
                child({**env, "DATABASE_URL": POSTGRES + name}, dump)
            finally:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
                admin.close()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
