"""`fireside report care`: care metrics per channel, account, agent or team.

Mounted by fireside/cli.py through `add_arguments`; the handler sets Django up and calls
`care.metrics.care_report`, the same function the pages use.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime, time, timedelta
from typing import Any

# care.metrics.GROUPINGS, repeated: that module needs Django set up, the parser does not.
GROUPINGS = ("channel", "account", "agent", "team")


def _when(value: str, *, end: bool) -> datetime:
    """A date (YYYY-MM-DD) or an ISO 8601 moment; a bare --until date includes that day."""
    from django.utils import timezone

    try:
        day = date.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{value!r} is not a date: write YYYY-MM-DD or an ISO 8601 time") from None
        return moment if moment.tzinfo else timezone.make_aware(moment)
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0))
    return timezone.make_aware(moment)


def _table(rows: list[dict[str, Any]]) -> str:
    headers = list(rows[0]) if rows else []
    cells = [[("-" if v is None else str(v)) for v in row.values()] for row in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    for c in cells:
        lines.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w)
                               for i, (v, w) in enumerate(zip(c, widths, strict=True))))
    return "\n".join(lines)


def handle_report_care(args: argparse.Namespace) -> int:
    from fireside.cli import _setup

    _setup()
    from fireside.care.metrics import care_report

    try:
        since = _when(args.since, end=False) if args.since else None
        until = _when(args.until, end=True) if args.until else None
    except argparse.ArgumentTypeError as error:
        print(f"fireside: {error}", file=sys.stderr)
        return 2
    if since and until and since >= until:
        print("fireside: --since must be before --until", file=sys.stderr)
        return 2
    groups = care_report(since=since, until=until, by=args.by, hours=args.hours)
    if args.format == "json":
        json.dump([g.row() for g in groups], sys.stdout, indent=2)
        print()
        return 0
    rows = [g.wide_row() for g in groups]
    if args.format == "csv":
        if rows:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return 0
    if not rows:
        print("No conversations in this period.")
        return 0
    print(_table(rows))
    return 0


def add_arguments(sub: argparse._SubParsersAction, imports: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="print reports (care metrics)",
                            description="Reports computed from what Fireside stores.")
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    p = kinds.add_parser(
        "care", help="first response, resolution and SLA attainment per group",
        description="Care metrics as docs/care.md defines them, for conversations whose "
        "first customer message falls in the period. Times are in working minutes under "
        "each conversation's SLA policy (business hours when it has a calendar).")
    p.add_argument("--since", metavar="DATE", help="first day included (YYYY-MM-DD)")
    p.add_argument("--until", metavar="DATE", help="last day included (YYYY-MM-DD)")
    p.add_argument("--by", choices=GROUPINGS, default=None,
                   help="one row per channel, account, agent or team (default: one row)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--hours", choices=("policy", "calendar"), default="policy",
                   help="count business hours as each policy says (policy), or every "
                   "hour of the clock (calendar)")
    p.set_defaults(func=handle_report_care)
