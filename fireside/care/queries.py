"""Reads for care, scoped to the viewer: only staff see conversations at all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from fireside.care.models import Alert, Conversation, Incident, Status
from fireside.listening.models import Message


def is_agent(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)
                and getattr(viewer, "is_staff_member", False))


def require_agent(viewer: Any) -> None:
    if not is_agent(viewer):
        raise Http404("No such page.")


def inbox(viewer: Any, *, owner: str = "", channel_id: int | None = None,
          priority: str = "", status: str = "waiting-for-us",
          after: tuple[datetime | None, int] | None = None) -> QuerySet[Conversation]:
    """What needs an answer now, most urgent SLA first (the `conversation_inbox` index).

    `after` is the (sla_due_at, id) of the last row of the previous page: keyset paging,
    so page 200 costs what page 1 does. Conversations without a clock (other states) sort
    where the database puts nulls: last on PostgreSQL, first on SQLite.
    """
    require_agent(viewer)
    convs = Conversation.objects.all()
    if status == "waiting-for-us":
        convs = convs.filter(status=Status.OPEN, sla_due_at__isnull=False)
    elif status in Status.values:
        convs = convs.filter(status=status)
    if owner == "me":
        convs = convs.filter(owner=viewer)
    elif owner == "none":
        convs = convs.filter(owner__isnull=True)
    if channel_id:
        convs = convs.filter(channel_id=channel_id)
    if priority:
        convs = convs.filter(priority=priority)
    if after is not None:
        convs = convs.filter(_after(*after))
    return convs.select_related("channel", "person", "owner", "incident").order_by(
        "sla_due_at", "id")


# What an inbox row shows: loading no other column keeps a page of 50 cheap to build.
INBOX_COLUMNS = ("id", "subject", "status", "priority", "intent", "sla_due_at",
                 "escalation_level", "sla_breached_at", "incident_id", "channel__name",
                 "person__display_name", "owner__display_name", "owner__username")


def inbox_page(viewer: Any, *, size: int, after: tuple[datetime | None, int] | None = None,
               **filters: Any) -> tuple[list[Conversation], str]:
    """One page of the inbox as the page shows it (a row's own columns only), and the
    `after` cursor of the next page ("" on the last)."""
    rows = list(inbox(viewer, after=after, **filters).select_related(None)
                .select_related("channel", "person", "owner").only(*INBOX_COLUMNS)[:size + 1])
    return rows[:size], page_cursor(rows[size - 1]) if len(rows) > size else ""


def _after(due: datetime | None, pk: int) -> Q:
    nulls_last = connection.features.nulls_order_largest
    if due is None:
        later = Q(sla_due_at__isnull=True, id__gt=pk)
        return later if nulls_last else later | Q(sla_due_at__isnull=False)
    later = Q(sla_due_at__gt=due) | Q(sla_due_at=due, id__gt=pk)
    return later | Q(sla_due_at__isnull=True) if nulls_last else later


def page_cursor(conv: Conversation) -> str:
    """The `after` parameter of the page that follows this conversation."""
    due = conv.sla_due_at
    return f"{int(due.timestamp() * 1_000_000) if due else 'n'}-{conv.pk}"


def parse_cursor(text: str) -> tuple[datetime | None, int] | None:
    due, _, pk = text.partition("-")
    if not pk.isdigit() or not (due == "n" or due.isdigit()):
        return None
    when = None if due == "n" else datetime.fromtimestamp(int(due) / 1_000_000, tz=UTC)
    return when, int(pk)


def get_conversation(viewer: Any, conv_id: int) -> Conversation:
    require_agent(viewer)
    conv = Conversation.objects.select_related("channel", "person", "owner", "team",
                                               "incident").filter(pk=conv_id).first()
    if conv is None:
        raise Http404("No such conversation.")
    return conv


def conversation_messages(conv: Conversation) -> QuerySet[Message]:
    return conv.messages.select_related("agent").order_by("created_at", "id")


def get_incident(viewer: Any, incident_id: int) -> Incident:
    require_agent(viewer)
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def recent_incidents(viewer: Any) -> QuerySet[Incident]:
    require_agent(viewer)
    return Incident.objects.exclude(state=Incident.State.DISMISSED).order_by("-proposed_at")[:20]


def unread_alerts(viewer: Any) -> QuerySet[Alert]:
    require_agent(viewer)
    return Alert.objects.filter(recipient=viewer, read_at__isnull=True).order_by(
        "-created_at")[:10]
