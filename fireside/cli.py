"""The `fireside` command: every operation an organization runs, with --help on each.

Handlers are thin: they set Django up and call the same functions that pages, the API
and background tasks use.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")
    import django

    django.setup()


def _fail(message: str, code: int = 2) -> int:
    print(f"fireside: {message}", file=sys.stderr)
    return code


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    call_command("createcachetable", verbosity=0)
    if args.static:
        call_command("collectstatic", interactive=False, verbosity=0)
    return 0


def _worker_command(verbose: bool = False) -> list[str]:
    command = [sys.executable, "-m", "fireside.cli", "worker"]
    return [*command, "--verbose"] if verbose else command


def _quiet(verbose: bool) -> bool:
    return not verbose and os.environ.get("LOG_LEVEL", "").upper() not in ("INFO", "DEBUG")


def cmd_worker(args: argparse.Namespace) -> int:
    """Run tasks until stopped. A line per task is written only with --verbose (or
    LOG_LEVEL=INFO): the periodic tasks run every few seconds and would bury everything
    else on the terminal. Warnings and failed tasks are always written."""
    quiet = _quiet(args.verbose)
    if os.environ.get("REDIS_URL"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")
        os.execv(sys.executable, [sys.executable, "-m", "django", "rqworker", "default",
                                  "--job-class", "django_tasks_rq.Job",
                                  "--verbosity", "0" if quiet else "1",
                                  *(["--burst"] if args.batch else [])])
    _setup()
    import logging

    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    class Worker(db_worker.Command):
        def configure_logging(self, verbosity: int) -> None:
            super().configure_logging(verbosity)
            if quiet:
                for name in (db_worker.TASKS_LOGGER, db_worker.logger.name):
                    logging.getLogger(name).setLevel(logging.WARNING)

    call_command(Worker(), queue_name="default", interval=0.5, batch=args.batch,
                 no_startup_delay=args.batch)
    return 0


def server_command(host: str, port: int, workers: int) -> list[str]:
    """gunicorn with sync workers, one request at a time each: measured against gthread and
    granian in bench/web.py, it had the shortest waits (docs/performance.md). Threads in a
    process share one interpreter lock, so a page's CPU work only waits longer for them."""
    bin_dir = Path(sys.executable).parent
    return [str(bin_dir / "gunicorn"), "fireside.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--worker-class", "sync",
            "--access-logfile", "-", "--access-logformat", '%(h)s "%(r)s" %(s)s %(M)sms',
            "--graceful-timeout", "5", "--timeout", "60"]


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web server and, unless told otherwise, a background worker and the
    periodic-task scheduler beside it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")
    children = [subprocess.Popen(server_command(args.host, args.port, args.workers))]
    if not args.no_worker:
        children.append(subprocess.Popen(_worker_command(args.verbose)))
        # Periodic tasks (polling, SLA escalation, incidents) are enqueued by the scheduler.
        children.append(subprocess.Popen([sys.executable, "-m", "fireside.cli", "scheduler"]))

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Fireside is serving on http://{args.host}:{args.port} (Ctrl-C stops it)",
          file=sys.stderr, flush=True)
    _setup()
    from django.conf import settings

    logins = Path(settings.DATA_DIR) / "demo-logins.txt"
    if logins.exists():
        print(f"The demo's log-ins are in {logins}", file=sys.stderr, flush=True)
    code = children[0].wait()
    stop(signal.SIGTERM, None)
    for child in children[1:]:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from fireside.demo import load_demo

    logins = load_demo(stdout=sys.stdout)
    print(f"\nDemo log-ins (also kept in {logins.path}):")
    for row in logins.rows:
        print(f"  {row.role:<20} {row.email:<32} password: {row.password}")
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup()
    import getpass

    from fireside.errors import ActionError
    from fireside.people.setup import create_admin

    password = args.password or os.environ.get("FIRESIDE_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            return _fail("give --password, FIRESIDE_ADMIN_PASSWORD, or run on a terminal")
        password = getpass.getpass("Password for the new admin: ")
    try:
        user = create_admin(email=args.email, handle=args.handle, display_name=args.name,
                            password=password)
    except ActionError as error:
        return _fail(error.detail)
    print(f"Created admin @{user.username} <{user.email}>.")
    return 0


def cmd_import_stackexchange(args: argparse.Namespace) -> int:
    _setup()
    from fireside.community.importers.stackexchange import ImportError_, import_dump

    try:
        report = import_dump(Path(args.dir), space_slug=args.space, space_name=args.space_name,
                             progress=sys.stderr if sys.stderr.isatty() else None)
    except ImportError_ as error:
        return _fail(str(error))
    print(report.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fireside",
        description="Fireside: the open-source home an organization gives its community.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("serve", help="serve the web app with a production server and a worker",
                       description="Serve Fireside with gunicorn and run a background task "
                       "worker beside it.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
                   help="web server processes (WEB_CONCURRENCY, default 2)")
    p.add_argument("--no-worker", action="store_true",
                   help="do not start a task worker nor the periodic-task scheduler")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="have the worker write a line for every task it runs")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run the background task worker",
                       description="Run background tasks: the database queue by default, "
                       "RQ on Redis when REDIS_URL is set. Only warnings and failed tasks "
                       "are written unless --verbose or LOG_LEVEL=INFO.")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="write a line for every task run")
    p.add_argument("--batch", action="store_true",
                   help="run the tasks waiting now, then stop (for cron or a one-off drain)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database tables",
                       description="Apply database migrations and create the cache table.")
    p.add_argument("--static", action="store_true", help="also collect static files")
    p.add_argument("-v", "--verbosity", type=int, default=1)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="load the demo organization (safe to run twice)",
                       description="Load the demo organization: staff, members, spaces and "
                       "an imported Stack Exchange sample. A second run adds nothing.")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("createadmin", help="create an administrator account",
                       description="Create an administrator who can log in at once.")
    p.add_argument("--email", required=True)
    p.add_argument("--handle", required=True)
    p.add_argument("--name", default="", help="display name")
    p.add_argument("--password", help="password (else FIRESIDE_ADMIN_PASSWORD, else a prompt)")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("import", help="bring existing content home",
                       description="Import content from other platforms.")
    imports = p.add_subparsers(dest="source", metavar="SOURCE", required=True)
    q = imports.add_parser("stackexchange", help="import a Stack Exchange data dump into a space",
                           description="Import a Stack Exchange dump (Posts.xml required; "
                           "Users, Comments, Votes, Tags, Badges used when present) into a "
                           "space. Re-running imports nothing twice.")
    q.add_argument("dir", metavar="DIR", help="folder holding Posts.xml and the other files")
    q.add_argument("--space", required=True, metavar="SLUG", help="the space to import into")
    q.add_argument("--space-name", default=None, help="name for the space if it is created")
    q.set_defaults(func=cmd_import_stackexchange)

    _add_optional_commands(sub, imports)
    return parser


def _add_optional_commands(sub: argparse._SubParsersAction,
                           imports: argparse._SubParsersAction) -> None:
    """Commands that other apps contribute, each through an `add_arguments(subparsers)`."""
    import importlib

    try:
        signals_cli = importlib.import_module("fireside.signals.cli")
    except ImportError:
        pass
    else:
        signals_cli.add_arguments(sub)
    for name in ("fireside.listening.cli", "fireside.care.cli", "fireside.measure.cli"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.add_arguments(sub, imports)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Handler = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
