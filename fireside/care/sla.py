"""SLA arithmetic: due times and elapsed time in business or calendar hours, and the
choice of a conversation's policy. Pure functions over plain values, so the ingest
pipeline can call them thousands of times per second without a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fireside.care.models import BusinessCalendar, SlaPolicy

# Used when no policy matches, so that every waiting conversation has a clock:
# first response, next response, resolution, warn before, escalate after (minutes).
DEFAULT_TARGETS = (60, 240, 24 * 60, 15, 30)


@dataclass(frozen=True)
class Hours:
    """A business calendar in a form fast to compute with."""

    zone: ZoneInfo
    week: tuple[tuple[tuple[int, int], ...], ...]  # per weekday, (start, end) minutes
    holidays: frozenset[date]

    @staticmethod
    def of(calendar: BusinessCalendar) -> Hours:
        def minutes(text: str) -> int:
            hh, mm = text.split(":")
            return int(hh) * 60 + int(mm)

        week = tuple(
            tuple((minutes(a), minutes(b)) for a, b in (calendar.hours or {}).get(str(day), []))
            for day in range(7)
        )
        holidays = frozenset(date.fromisoformat(d) for d in calendar.holidays or [])
        return Hours(ZoneInfo(calendar.time_zone or "UTC"), week, holidays)

    def intervals(self, day: date) -> tuple[tuple[int, int], ...]:
        if day in self.holidays:
            return ()
        return self.week[day.weekday()]


def _at(day: date, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minute)


def add_minutes(start: datetime, minutes: float, hours: Hours | None) -> datetime:
    """The moment `minutes` of working time after `start`."""
    if hours is None:
        return start + timedelta(minutes=minutes)
    if not any(hours.week):
        return start + timedelta(minutes=minutes)
    local = start.astimezone(hours.zone)
    day = local.date()
    now_minute = local.hour * 60 + local.minute + local.second / 60
    left = float(minutes)
    for _ in range(800):  # at most about two years of days, against a calendar of holidays
        for begin, end in hours.intervals(day):
            begin_at = max(float(begin), now_minute)
            if begin_at >= end:
                continue
            if begin_at + left <= end:
                return _at(day, 0, hours.zone) + timedelta(minutes=begin_at + left)
            left -= end - begin_at
        day += timedelta(days=1)
        now_minute = 0.0
    return start + timedelta(minutes=minutes)


def minutes_between(start: datetime, end: datetime, hours: Hours | None) -> float:
    """Working minutes from `start` to `end` (0 if end is earlier)."""
    if end <= start:
        return 0.0
    if hours is None or not any(hours.week):
        return (end - start).total_seconds() / 60
    a, b = start.astimezone(hours.zone), end.astimezone(hours.zone)
    total = 0.0
    day = a.date()
    while day <= b.date():
        for begin, finish in hours.intervals(day):
            lo = max(_at(day, begin, hours.zone), a)
            hi = min(_at(day, finish, hours.zone), b)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60
        day += timedelta(days=1)
    return total


@dataclass(frozen=True)
class Targets:
    policy_id: int | None
    first_response: int
    next_response: int
    resolution: int
    warn_before: int
    escalate_after: int
    hours: Hours | None


class PolicyBook:
    """Every policy, loaded once, answering which targets apply to a conversation."""

    def __init__(self, policies: Iterable[SlaPolicy]) -> None:
        self._by_key: dict[tuple[int | None, str], Targets] = {}
        for policy in policies:
            hours = Hours.of(policy.calendar) if policy.calendar else None
            self._by_key[(policy.channel_id, policy.priority)] = Targets(
                policy.pk, policy.first_response_minutes, policy.next_response_minutes,
                policy.resolution_minutes, policy.warn_before_minutes,
                policy.escalate_after_minutes, hours)

    @staticmethod
    def load() -> PolicyBook:
        return PolicyBook(SlaPolicy.objects.select_related("calendar"))

    def targets(self, channel_id: int, priority: str) -> Targets:
        for key in ((channel_id, priority), (None, priority), (channel_id, ""), (None, "")):
            found = self._by_key.get(key)
            if found is not None:
                return found
        return Targets(None, *DEFAULT_TARGETS, None)
