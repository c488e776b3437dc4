from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h" if hours % 24 else f"{hours // 24} d"


@register.filter
def clock(due: datetime | None) -> str:
    """'due in 42 min', 'overdue by 1 h 5 min' or 'overdue by 2 d 3 h', for an SLA due time."""
    if due is None:
        return "clock stopped"
    left = (due - timezone.now()).total_seconds()
    return f"due in {_span(left)}" if left >= 0 else f"overdue by {_span(left)}"


@register.filter
def clock_class(due: datetime | None) -> str:
    if due is None:
        return "stopped"
    left = (due - timezone.now()).total_seconds()
    return "breached" if left < 0 else "soon" if left < 900 else "ok"


@register.filter
def escalation_label(level: int) -> str:
    return {1: "breached, first in line told",
            2: "still unanswered, escalated to the lead"}.get(int(level), "")


@register.filter
def weekday_name(day: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
            "Sunday")[int(day) % 7]
