"""Reads for care, scoped to the viewer: only staff see conversations at all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
          priority: str = "", status: str = "waiting-for-us") -> QuerySet[Conversation]:
    """What needs an answer now, most urgent SLA first (the `conversation_inbox` index)."""
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
    return convs.select_related("channel", "person", "owner", "incident").order_by(
        "sla_due_at", "id")


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
