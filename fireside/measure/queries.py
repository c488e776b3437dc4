"""Reads for the dashboards, the API and the CLI: staff only, from the rollups only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum
from django.http import Http404, QueryDict
from django.utils import timezone

from fireside.community.models import Space
from fireside.listening.models import Channel
from fireside.measure.models import (
    ALL,
    ActiveDay,
    ChannelDay,
    ChannelPriority,
    HealthWeek,
    PlaceEntry,
    SpaceDay,
)

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "180d": 180, "365d": 365}
BUCKETS = (("under 15 min", "fr_15m", 0, 900), ("15-60 min", "fr_1h", 900, 3600),
           ("1-4 h", "fr_4h", 3600, 14400), ("4-24 h", "fr_24h", 14400, 86400),
           ("over 24 h", "fr_later", 86400, None))


def is_staff(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)
                and getattr(viewer, "is_staff_member", False))


def require_staff(viewer: Any) -> None:
    if not is_staff(viewer):
        raise Http404("No such page.")


@dataclass(frozen=True)
class Filters:
    period: str = "90d"
    space_id: int | None = None
    channel_id: int | None = None
    until: date | None = None  # the last day shown; today unless a report pins a week

    @classmethod
    def of(cls, params: QueryDict | dict[str, str]) -> Filters:
        period = params.get("period") or "90d"
        space, channel = params.get("space") or "", params.get("channel") or ""
        return cls(period=period if period in PERIODS else "90d",
                   space_id=int(space) if space.isdigit() else None,
                   channel_id=int(channel) if channel.isdigit() else None)

    @property
    def end(self) -> date:
        return self.until or timezone.now().date()

    @property
    def start(self) -> date:
        return self.end - timedelta(days=PERIODS[self.period] - 1)

    @property
    def space_key(self) -> int:
        return self.space_id or ALL


def _spaces(viewer: Any) -> dict[int, str]:
    require_staff(viewer)
    return dict(Space.objects.values_list("id", "name"))


def health(viewer: Any, f: Filters) -> dict[str, Any]:
    """Week by week: the score overall (or of the chosen space) and of every space."""
    names = _spaces(viewer)
    span = HealthWeek.objects.filter(week__gte=f.start - timedelta(days=6), week__lte=f.end)
    # Every space's scores as plain tuples, whole rows only for the one shown in detail.
    scores = list(span.order_by("week", "space_key").values_list("week", "space_key", "score"))
    # The week in progress would read as a collapse: series stop at the last full week.
    complete = [r for r in scores if r[0] + timedelta(days=7) <= f.end]
    scores = complete or scores
    weeks = sorted({week for week, _, _ in scores})
    chosen = [r for r in span.filter(space_key=f.space_key).order_by("week")
              if r.week in weeks]
    per_space: dict[int, dict[date, int]] = {}
    for week, key, score in scores:
        if key != ALL:
            per_space.setdefault(key, {})[week] = score
    # The week in progress is shown in the series but judged once it is complete.
    done = [r for r in chosen if r.week + timedelta(days=7) <= f.end] or chosen
    latest = done[-1] if done else None
    previous = done[-2] if len(done) > 1 else None
    return {
        "weeks": weeks, "rows": chosen, "latest": latest,
        "trend": (latest.score - previous.score) if latest and previous else 0,
        "spaces": [{"id": s, "name": names.get(s, f"Space {s}"),
                    "scores": [series.get(w) for w in weeks],
                    "latest": series.get(weeks[-1]) if weeks else None}
                   for s, series in sorted(per_space.items())],
    }


def community(viewer: Any, f: Filters) -> dict[str, Any]:
    require_staff(viewer)
    active = list(ActiveDay.objects.filter(space_key=f.space_key, day__gte=f.start,
                                           day__lte=f.end).order_by("day")
                  .values_list("day", "dau", "mau", "new_contributors"))
    days = SpaceDay.objects.filter(day__gte=f.start, day__lte=f.end)
    if f.space_id:
        days = days.filter(space_id=f.space_id)
    fields = ("posts", "replies", "reactions", "threads", "questions", "unanswered_questions",
              "answered_by_member", "answered_by_staff", "responded", "first_reply_seconds",
              "fr_15m", "fr_1h", "fr_4h", "fr_24h", "fr_later")
    totals = {k: v or 0 for k, v in days.aggregate(**{k: Sum(k) for k in fields}).items()}
    answered = totals["answered_by_member"] + totals["answered_by_staff"]
    last = active[-1] if active else None
    buckets = [(label, totals[name]) for label, name, _, _ in BUCKETS]
    return {
        "active": active, "totals": totals, "buckets": buckets,
        "dau": last[1] if last else 0, "mau": last[2] if last else 0,
        "stickiness": round(100 * last[1] / last[2]) if last and last[2] else 0,
        "new_contributors": sum(r[3] for r in active),
        "member_share": round(100 * totals["answered_by_member"] / answered) if answered else None,
        "median_first_reply_hours": median_hours(totals),
        "care": care(viewer, f),
    }


def median_hours(totals: dict[str, int]) -> float | None:
    """The median first reply, interpolated within its bucket (exact as to which side of
    each bucket boundary it falls)."""
    n = sum(totals[name] for _, name, _, _ in BUCKETS)
    if not n:
        return None
    seen = 0
    for _, name, low, high in BUCKETS:
        count = totals[name]
        if count and seen + count >= n / 2:
            if high is None:
                return round(low / 3600, 2)
            return round((low + (high - low) * (n / 2 - seen) / count) / 3600, 2)
        seen += count
    return None  # pragma: no cover


def care(viewer: Any, f: Filters) -> dict[str, Any]:
    require_staff(viewer)
    rows = ChannelDay.objects.filter(day__gte=f.start, day__lte=f.end)
    if f.channel_id:
        rows = rows.filter(channel_id=f.channel_id)
    fields = ("inbound", "outbound", "conversations", "responded", "first_response_seconds",
              "fr_1h", "positive", "negative", "complaints")
    t = {k: v or 0 for k, v in rows.aggregate(**{k: Sum(k) for k in fields}).items()}
    return {**t,
            "avg_first_response_minutes": round(t["first_response_seconds"] / 60
                                                / t["responded"], 1) if t["responded"] else None,
            "within_hour_share": round(100 * t["fr_1h"] / t["responded"]) if t["responded"]
            else None}


def channels(viewer: Any, f: Filters) -> list[dict[str, Any]]:
    """Every place the organization's people talk: the channels Fireside listens to, from
    the rollups, and the places staff entered by hand; ranked by priority, then volume."""
    require_staff(viewer)
    names = dict(Channel.objects.values_list("id", "name"))
    priorities = dict(ChannelPriority.objects.values_list("channel_id", "priority"))
    sums = (ChannelDay.objects.filter(day__gte=f.start, day__lte=f.end).values("channel_id")
            .annotate(inbound=Sum("inbound"), positive=Sum("positive"),
                      negative=Sum("negative"), responded=Sum("responded"),
                      conversations=Sum("conversations"), fr_1h=Sum("fr_1h")))
    months = PERIODS[f.period] / 30
    rows = []
    for r in sums:
        volume = r["inbound"] or 0
        rows.append({
            "name": names.get(r["channel_id"], f"Channel {r['channel_id']}"),
            "source": "listened", "audience": "customers",
            "monthly_volume": round(volume / months),
            "sentiment": round(((r["positive"] or 0) - (r["negative"] or 0)) / volume, 2)
            if volume else 0.0,
            "answered_share": round(100 * (r["responded"] or 0) / r["conversations"])
            if r["conversations"] else None,
            "within_hour_share": round(100 * (r["fr_1h"] or 0) / r["responded"])
            if r["responded"] else None,
            "priority": priorities.get(r["channel_id"], 0), "channel_id": r["channel_id"]})
    for p in PlaceEntry.objects.all():
        rows.append({"name": p.name, "source": "entered by staff", "audience": p.audience,
                     "monthly_volume": p.monthly_volume, "sentiment": p.sentiment,
                     "answered_share": None, "within_hour_share": None,
                     "priority": p.priority, "channel_id": None, "note": p.note})
    rows.sort(key=lambda r: (r["priority"] or 999, -r["monthly_volume"]))
    return rows


def choices(viewer: Any) -> dict[str, Any]:
    return {"spaces": list(_spaces(viewer).items()),
            "channels": list(Channel.objects.values_list("id", "name")),
            "periods": list(PERIODS)}
