"""The coverage rota: which hours of the week somebody covers, and alerts for the gaps."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone

from fireside.care.models import Alert, RotaShift
from fireside.people.models import User


def covered_hours() -> set[tuple[int, int]]:
    """(weekday, hour) pairs in UTC that at least one shift covers."""
    covered: set[tuple[int, int]] = set()
    for shift in RotaShift.objects.all():
        zone = ZoneInfo(shift.time_zone or "UTC")
        for hour in range(shift.start_hour, min(shift.end_hour, 24)):
            # 2025-03-03 is a Monday: place the shift's hour in its zone, read it in UTC.
            local = datetime(2025, 3, 3 + shift.weekday, hour, tzinfo=zone)
            utc = local.astimezone(ZoneInfo("UTC"))
            covered.add((utc.weekday(), utc.hour))
    return covered


def uncovered_hours() -> list[tuple[int, int]]:
    covered = covered_hours()
    return [(d, h) for d in range(7) for h in range(24) if (d, h) not in covered]


def agents_on_shift(now: datetime | None = None) -> list[int]:
    now = (now or timezone.now()).astimezone(ZoneInfo("UTC"))
    ids = []
    for shift in RotaShift.objects.all():
        local = now.astimezone(ZoneInfo(shift.time_zone or "UTC"))
        if local.weekday() == shift.weekday and shift.start_hour <= local.hour < shift.end_hour:
            ids.append(shift.agent_id)
    return ids


def do_alert_uncovered(now: datetime | None = None) -> int:
    """Alert care leads, once per hour, when nobody covers the current hour."""
    now = (now or timezone.now()).astimezone(ZoneInfo("UTC"))
    if not RotaShift.objects.exists() or agents_on_shift(now):
        return 0
    key = f"care:uncovered:{now:%Y%m%d%H}"
    if not cache.add(key, 1, 3600):
        return 0
    leads = User.objects.filter(role__in=("admin", "community_manager"), is_active=True)
    Alert.objects.bulk_create([Alert(recipient=u, kind=Alert.Kind.UNCOVERED,
                                     text=f"Nobody is on shift {now:%A %H}:00-{now.hour + 1}:00 "
                                          "UTC: messages wait unanswered.") for u in leads])
    return len(leads)
