"""Progress of each goal against its target, from Fireside's own metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from fireside.measure.models import (
    ALL,
    ActiveDay,
    ChannelDay,
    Goal,
    HealthWeek,
    Metric,
    Period,
    SpaceDay,
)
from fireside.measure.queries import median_hours


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """The current period containing `today`, first and last day."""
    if period == Period.WEEK:
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if period == Period.QUARTER:
        month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, month, 1)
        end_month = month + 3
    else:
        start = today.replace(day=1)
        end_month = today.month + 1
    year = start.year + (end_month - 1) // 12
    end = date(year, (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def value(metric: str, start: date, end: date, space_id: int | None = None) -> float | None:
    """The metric's value over [start, end], or None when there is nothing to measure."""
    days = SpaceDay.objects.filter(day__gte=start, day__lte=end)
    if space_id:
        days = days.filter(space_id=space_id)
    key = space_id or ALL
    if metric == Metric.MEDIAN_FIRST_RESPONSE_HOURS:
        names = ("fr_15m", "fr_1h", "fr_4h", "fr_24h", "fr_later")
        totals = {k: v or 0 for k, v in days.aggregate(**{n: Sum(n) for n in names}).items()}
        return median_hours(totals)
    if metric == Metric.MEMBER_ANSWER_SHARE:
        t = days.aggregate(m=Sum("answered_by_member"), s=Sum("answered_by_staff"))
        total = (t["m"] or 0) + (t["s"] or 0)
        return round(100 * (t["m"] or 0) / total, 1) if total else None
    if metric == Metric.UNANSWERED_QUESTIONS:
        return float(days.aggregate(n=Sum("unanswered_questions"))["n"] or 0)
    if metric == Metric.IDEAS:
        from fireside.ideas.models import Idea

        ideas = Idea.objects.filter(created_at__date__gte=start, created_at__date__lte=end,
                                    is_option=False)
        if space_id:
            ideas = ideas.filter(campaign__space_id=space_id)
        return float(ideas.count())
    if metric == Metric.ACTIVE_MEMBERS:
        row = ActiveDay.objects.filter(space_key=key, day__lte=end).order_by("-day").first()
        return float(row.mau) if row else None
    if metric == Metric.NEW_CONTRIBUTORS:
        return float(ActiveDay.objects.filter(space_key=key, day__gte=start, day__lte=end)
                     .aggregate(n=Sum("new_contributors"))["n"] or 0)
    if metric == Metric.HEALTH_SCORE:
        # A week in progress scores low until it is over: judge the last complete one.
        complete = min(end + timedelta(days=1), timezone.localdate()) - timedelta(days=7)
        weeks = HealthWeek.objects.filter(space_key=key).order_by("-week")
        week = weeks.filter(week__lte=complete).first() or weeks.filter(week__lte=end).first()
        return float(week.score) if week else None
    if metric == Metric.CARE_FIRST_RESPONSE_1H:
        t = ChannelDay.objects.filter(day__gte=start, day__lte=end).aggregate(
            r=Sum("responded"), h=Sum("fr_1h"))
        return round(100 * (t["h"] or 0) / t["r"], 1) if t["r"] else None
    raise ValueError(f"unknown metric {metric!r}")


@dataclass(frozen=True)
class Progress:
    goal: Goal
    start: date
    end: date
    value: float | None
    percent: int  # of the way to the target, 0-100
    on_track: bool

    @property
    def note(self) -> str:
        """What the value is, when it is not simply this period's."""
        if self.goal.metric == Metric.HEALTH_SCORE:
            return "the last full week's score"
        return ""

    @property
    def label(self) -> str:
        sign = "≤" if self.goal.at_most else "≥"
        return f"{self.goal.get_metric_display()} {sign} {self.goal.target:g}"


def progress(goal: Goal, today: date) -> Progress:
    start, end = period_bounds(goal.period, today)
    current = value(goal.metric, start, end, goal.space_id)
    if current is None:
        return Progress(goal, start, end, None, 0, False)
    if goal.at_most:
        met = current <= goal.target
        percent = 100 if met else round(100 * goal.target / current) if current else 100
    else:
        met = current >= goal.target
        percent = min(100, round(100 * current / goal.target)) if goal.target else 100
    return Progress(goal, start, end, current, percent, met)
