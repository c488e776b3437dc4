"""`fireside import messages|twcs`, `fireside scheduler` and `fireside simulate`.

Mounted by fireside/cli.py through `add_arguments`; handlers set Django up and call the
same functions the pages, the API and the tasks use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _setup() -> None:
    from fireside.cli import _setup as setup

    setup()


def handle_import_messages(args: argparse.Namespace) -> int:
    _setup()
    from fireside.listening.importers import ImportFailed, import_messages

    try:
        report = import_messages(Path(args.file), args.channel, workers=args.workers,
                                 progress=sys.stderr if sys.stderr.isatty() else None)
    except ImportFailed as error:
        print(f"fireside: {error}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def handle_import_twcs(args: argparse.Namespace) -> int:
    _setup()
    from fireside.listening.importers import ImportFailed, import_twcs

    try:
        report = import_twcs(Path(args.file), args.channel, workers=args.workers,
                             progress=sys.stderr if sys.stderr.isatty() else None)
    except ImportFailed as error:
        print(f"fireside: {error}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def handle_scheduler(args: argparse.Namespace) -> int:
    _setup()
    from fireside.listening.schedule import run_forever

    run_forever(interval=args.interval, once=args.once)
    return 0


def add_arguments(sub: argparse._SubParsersAction, imports: argparse._SubParsersAction) -> None:
    p = imports.add_parser(
        "messages", help="import messages from a CSV or JSONL file into a channel",
        description="One message per row: id, author, text, created_at (ISO 8601), and "
        "optionally in_reply_to, url, author_name. Re-running imports nothing twice; a "
        "killed import resumes where it stopped.")
    p.add_argument("file", metavar="FILE", help="a .csv or .jsonl file")
    p.add_argument("--channel", required=True, metavar="NAME",
                   help="the channel to import into (created if missing)")
    p.add_argument("--workers", type=int, default=None,
                   help="processes reading signals in parallel (default: up to 2)")
    p.set_defaults(func=handle_import_messages)

    p = imports.add_parser(
        "twcs", help="import the Customer Support on Twitter format",
        description="Columns tweet_id, author_id, inbound, created_at, text, "
        "response_tweet_id, in_response_to_tweet_id. Brand accounts (inbound false) become "
        "the organization's accounts and their tweets its replies.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--channel", default="Twitter", metavar="NAME")
    p.add_argument("--workers", type=int, default=None)
    p.set_defaults(func=handle_import_twcs)

    p = sub.add_parser(
        "scheduler", help="enqueue periodic tasks (polling, SLA escalation, incidents)",
        description="Runs forever, enqueuing each periodic task when it is due. Safe to run "
        "more than one: each run is claimed in the database.")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between checks (5)")
    p.add_argument("--once", action="store_true", help="enqueue what is due, then exit")
    p.set_defaults(func=handle_scheduler)
    add_simulate(sub)


def handle_simulate(args: argparse.Namespace) -> int:
    _setup()
    from fireside.listening.simulate import run

    if args.rate <= 0:
        print("fireside: --rate must be above 0", file=sys.stderr)
        return 2
    run(args.rate, burst=args.burst, seconds=args.seconds, out=sys.stdout)
    return 0


def add_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate", help="feed the demo a realistic stream of customer messages",
        description="Sends complaints, questions, praise and suggestions about Ember Coffee "
        "Co. on four simulated channels through the ingest pipeline until stopped.")
    p.add_argument("--rate", type=float, default=1.0, help="messages per second (1)")
    p.add_argument("--burst", action="store_true",
                   help="start with an outage: 30 reports that the app won't load")
    p.add_argument("--seconds", type=float, default=None, help="stop after this long")
    p.set_defaults(func=handle_simulate)
