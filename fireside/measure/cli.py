"""`fireside report health|community|roi|scorecard [--format table|csv|json]`.

Mounted by fireside/cli.py through `add_arguments`; attaches to the `report` command
that care.cli creates (or creates it when care is absent). Handlers call the same
functions the pages use.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

KINDS = ("health", "community", "roi", "scorecard")
PERIODS = ("30d", "90d", "180d", "365d")


def _rows(kind: str, period: str, space: int | None) -> list[dict[str, Any]]:

    from fireside.measure import queries
    from fireside.measure.roi import ledger
    from fireside.measure.scorecard import scorecard
    from fireside.people.models import Role, User

    # The reads are scoped to staff; the command line is run by an operator.
    viewer = User(role=Role.ADMIN, is_superuser=True)
    viewer.is_active = True
    f = queries.Filters(period=period, space_id=space)
    if kind == "health":
        return [{"week": r.week.isoformat(), "score": r.score, "members": r.members,
                 "content": r.content, "traffic": r.traffic,
                 "responsiveness": r.responsiveness, "interaction": r.interaction,
                 "liveliness": r.liveliness, "active_members": r.active_members,
                 "posts": r.posts, "views": r.views}
                for r in queries.health(viewer, f)["rows"]]
    if kind == "community":
        c = queries.community(viewer, f)
        t = c["totals"]
        return [{"metric": k, "value": v} for k, v in (
            ("daily_active", c["dau"]), ("monthly_active", c["mau"]),
            ("dau_mau_percent", c["stickiness"]), ("new_contributors", c["new_contributors"]),
            ("posts", t["posts"]), ("questions", t["questions"]),
            ("unanswered_questions", t["unanswered_questions"]),
            ("answered_by_member", t["answered_by_member"]),
            ("answered_by_staff", t["answered_by_staff"]),
            ("member_answer_percent", c["member_share"]),
            ("median_first_reply_hours", c["median_first_reply_hours"]),
            ("care_conversations", c["care"]["conversations"]),
            ("care_within_hour_percent", c["care"]["within_hour_share"]))]
    if kind == "roi":
        book = ledger(f.start, f.end)
        rows: list[dict[str, Any]] = [{"day": line.day.isoformat() if line.day else "",
                                       "kind": line.kind, "title": line.title,
                                       "amount": float(line.amount)} for line in book.lines]
        rows.append({"day": "", "kind": "total", "title": f"{f.start} to {f.end}",
                     "amount": float(book.total)})
        return rows
    card = scorecard()
    out: list[dict[str, Any]] = []
    for d in card["dimensions"]:
        for figure, source in d.evidence:
            out.append({"dimension": d.name, "score": d.score, "verdict": d.verdict,
                        "evidence": figure, "source": source})
        for step in d.next_steps:
            out.append({"dimension": d.name, "score": d.score, "verdict": d.verdict,
                        "evidence": f"next step: {step}", "source": ""})
    return out


def handle_report(args: argparse.Namespace) -> int:
    from fireside.cli import _setup

    _setup()
    rows = _rows(args.report, args.period, args.space)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, default=str)
        print()
    elif args.format == "csv":
        if rows:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    elif not rows:
        print("Nothing measured yet: run `fireside measure rollup`.")
    else:
        from fireside.care.cli import _table

        print(_table(rows))
    return 0


def handle_rollup(args: argparse.Namespace) -> int:
    from fireside.cli import _setup

    _setup()
    from fireside.measure import rollups

    result = rollups.recompute() if args.full else rollups.roll_up()
    print(f"rolled up {dict(result.rows)}; {result.days} days, {result.weeks} weeks refreshed")
    return 0


def _report_kinds(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The `report` subcommands, whoever created `report` first."""
    report = sub.choices.get("report")
    if report is None:
        report = sub.add_parser("report", help="print reports",
                                description="Reports computed from what Fireside stores.")
        kinds: argparse._SubParsersAction = report.add_subparsers(
            dest="report", metavar="REPORT", required=True)
        return kinds
    for action in report._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the report command has no subcommands")  # pragma: no cover


def _space(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a space id")
    return int(value)


def add_arguments(sub: argparse._SubParsersAction, imports: argparse._SubParsersAction) -> None:
    kinds = _report_kinds(sub)
    helps = {"health": "the health index week by week (docs/health.md)",
             "community": "active members, first replies, questions answered, care",
             "roi": "the value ledger: deflected contacts, ideas shipped, other value",
             "scorecard": "living or existing: four dimensions with evidence and next steps"}
    for kind in KINDS:
        p = kinds.add_parser(kind, help=helps[kind], description=helps[kind].capitalize()
                             + ". Figures come from the rollups (docs/measure.md).")
        p.add_argument("--format", choices=("table", "csv", "json"), default="table")
        p.add_argument("--period", choices=PERIODS, default="90d",
                       help="how far back to look (90d)")
        p.add_argument("--space", type=_space, default=None, metavar="ID",
                       help="one space instead of the whole community")
        p.set_defaults(func=handle_report)
    m = sub.add_parser("measure", help="keep the measure rollups",
                       description="Fold new activity into the measure rollups.")
    ms = m.add_subparsers(dest="measure", metavar="ACTION", required=True)
    r = ms.add_parser("rollup", help="roll up what is new (or everything with --full)")
    r.add_argument("--full", action="store_true", help="rebuild every rollup from scratch")
    r.set_defaults(func=handle_rollup)
