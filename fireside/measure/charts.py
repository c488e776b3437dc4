"""Chart specifications for the pages (drawn by Chart.js from json_script) and the tables
beside them (every table also downloads as CSV)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

COLORS = ("#c2410c", "#2563eb", "#16a34a", "#9333ea", "#0891b2", "#ca8a04", "#db2777",
          "#4b5563")


def chart(kind: str, labels: Sequence[Any], series: dict[str, Sequence[Any]], *,
          stacked: bool = False, max_y: float | None = None) -> dict[str, Any]:
    return {"type": kind, "labels": [str(x) for x in labels], "stacked": stacked,
            "maxY": max_y,
            "datasets": [{"label": name, "data": list(values),
                          "color": COLORS[i % len(COLORS)]}
                         for i, (name, values) in enumerate(series.items())]}


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[list[Any]]


def csv_response(table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    for row in table.rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in "=+-@" else
                         ("" if c is None else c) for c in row])
    return response
