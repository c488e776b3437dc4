"""Reads for listening, scoped to the viewer: only staff hear the stream."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from fireside.care.queries import require_agent
from fireside.listening.models import Message
from fireside.signals import INTENTS, SENTIMENT_LABELS


@dataclass(frozen=True)
class StreamFilter:
    channel_id: int | None = None
    sentiment: str = ""
    intent: str = ""

    @staticmethod
    def of(params: Any) -> StreamFilter:
        """From query parameters; unknown values are ignored rather than refused."""
        channel = str(params.get("channel") or "")
        sentiment = str(params.get("sentiment") or "")
        intent = str(params.get("intent") or "")
        return StreamFilter(int(channel) if channel.isdigit() else None,
                            sentiment if sentiment in SENTIMENT_LABELS else "",
                            intent if intent in INTENTS else "")

    def apply(self, messages: QuerySet[Message]) -> QuerySet[Message]:
        if self.channel_id:
            messages = messages.filter(channel_id=self.channel_id)
        if self.sentiment:
            messages = messages.filter(sentiment=self.sentiment)
        if self.intent:
            messages = messages.filter(intent=self.intent)
        return messages


def stream(viewer: Any, filters: StreamFilter, *, before_id: int | None = None,
           limit: int = 50) -> list[Message]:
    """What is being said, newest first (the `message_stream` index)."""
    require_agent(viewer)
    messages = filters.apply(Message.objects.all())
    if before_id:
        messages = messages.filter(id__lt=before_id)
    return list(messages.select_related("channel", "conversation", "agent")
                .order_by("-created_at", "-id")[:limit])


@dataclass(frozen=True)
class Volume:
    hours: list[datetime]
    counts: dict[str, list[int]]  # sentiment -> count per hour, aligned with `hours`

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.counts.values())


def volume(viewer: Any, filters: StreamFilter, *, hours: int = 24,
           now: datetime | None = None) -> Volume:
    """Messages per hour over the last `hours` hours, split by sentiment."""
    require_agent(viewer)
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=hours - 1)
    slots = [start + timedelta(hours=i) for i in range(hours)]
    counts = {label: [0] * hours for label in SENTIMENT_LABELS}
    rows = (filters.apply(Message.objects.filter(created_at__gte=start))
            .annotate(hour=TruncHour("created_at")).values("hour", "sentiment")
            .annotate(n=Count("id")).order_by())
    for row in rows:
        index = int((row["hour"] - start).total_seconds() // 3600)
        label = row["sentiment"] if row["sentiment"] in counts else "neutral"
        if 0 <= index < hours:
            counts[label][index] += row["n"]
    return Volume(slots, counts)
