"""The value ledger: support contacts deflected by community answers, ideas shipped and
other value staff record, over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from fireside.measure.models import MeasureSettings, RoiEntry, RoiKind, SpaceDay


def measure_settings() -> MeasureSettings:
    row, _ = MeasureSettings.objects.get_or_create(pk=1)
    return row


@dataclass(frozen=True)
class Line:
    day: date | None
    kind: str
    title: str
    amount: Decimal


@dataclass(frozen=True)
class Ledger:
    start: date
    end: date
    currency: str
    cost_per_contact: Decimal
    solved_by_members: int
    lines: list[Line]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def by_kind(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for line in self.lines:
            out[line.kind] = out.get(line.kind, Decimal(0)) + line.amount
        return out


def ledger(start: date, end: date) -> Ledger:
    """Deflection counts community questions answered by members in the period: each one
    is a contact support did not have to take."""
    settings = measure_settings()
    solved = SpaceDay.objects.filter(day__gte=start, day__lte=end).aggregate(
        n=Sum("answered_by_member"))["n"] or 0
    lines = [Line(None, RoiKind.DEFLECTION.label,
                  f"{solved} community questions answered by members × "
                  f"{settings.cost_per_contact} {settings.currency}",
                  settings.cost_per_contact * solved)]
    for entry in RoiEntry.objects.filter(day__gte=start, day__lte=end):
        lines.append(Line(entry.day, entry.get_kind_display(), entry.title, entry.amount))
    return Ledger(start, end, settings.currency, settings.cost_per_contact, solved, lines)
