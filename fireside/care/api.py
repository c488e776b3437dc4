"""Care in the API: the inbox, a conversation, replies and states, incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from fireside.care import actions, incidents, queries
from fireside.care.models import Conversation
from fireside.errors import Forbidden
from fireside.people.models import User

router = Router(tags=["care"])


def _agent(request: HttpRequest) -> User:
    user: Any = request.auth  # type: ignore[attr-defined]
    if not queries.is_agent(user):
        raise Forbidden("Only staff can read conversations.")
    assert isinstance(user, User)
    return user


class ConversationOut(Schema):
    id: int
    channel: str
    person: str
    subject: str
    status: str
    priority: str
    intent: str
    owner: str | None
    tags: list[str]
    incident_id: int | None
    first_message_at: datetime
    first_response_at: datetime | None
    sla_due_at: datetime | None
    resolution_due_at: datetime | None

    @staticmethod
    def of(c: Conversation) -> ConversationOut:
        return ConversationOut(
            id=c.pk, channel=c.channel.name, person=str(c.person or ""), subject=c.subject,
            status=c.status, priority=c.priority, intent=c.intent,
            owner=c.owner.username if c.owner else None, tags=c.tags,
            incident_id=c.incident_id, first_message_at=c.first_message_at,
            first_response_at=c.first_response_at, sla_due_at=c.sla_due_at,
            resolution_due_at=c.resolution_due_at)


class ReplyIn(Schema):
    text: str


class StatusIn(Schema):
    status: str


class TextIn(Schema):
    text: str


@router.get("/care/inbox", response=list[ConversationOut])
def inbox(request: HttpRequest, owner: str = "", priority: str = "",
          limit: int = 50) -> list[ConversationOut]:
    agent = _agent(request)
    convs = queries.inbox(agent, owner=owner, priority=priority)[:max(1, min(limit, 200))]
    return [ConversationOut.of(c) for c in convs]


@router.get("/care/conversations/{conv_id}", response=ConversationOut)
def conversation(request: HttpRequest, conv_id: int) -> ConversationOut:
    return ConversationOut.of(queries.get_conversation(_agent(request), conv_id))


@router.post("/care/conversations/{conv_id}/replies", response=ConversationOut)
def reply(request: HttpRequest, conv_id: int, body: ReplyIn) -> ConversationOut:
    agent = _agent(request)
    conv = queries.get_conversation(agent, conv_id)
    actions.check_reply(agent, conv, body.text)
    return ConversationOut.of(queries.get_conversation(agent, conv_id))


@router.post("/care/conversations/{conv_id}/status", response=ConversationOut)
def set_status(request: HttpRequest, conv_id: int, body: StatusIn) -> ConversationOut:
    agent = _agent(request)
    return ConversationOut.of(actions.check_set_status(
        queries.get_conversation(agent, conv_id), body.status))


@router.post("/care/incidents/{incident_id}/confirm")
def confirm(request: HttpRequest, incident_id: int) -> dict[str, str]:
    agent = _agent(request)
    item = incidents.check_confirm(agent, queries.get_incident(agent, incident_id))
    return {"state": item.state}


@router.post("/care/incidents/{incident_id}/acknowledge")
def acknowledge(request: HttpRequest, incident_id: int, body: TextIn) -> dict[str, int]:
    agent = _agent(request)
    return {"conversations": incidents.check_acknowledge(
        agent, queries.get_incident(agent, incident_id), body.text)}


@router.post("/care/incidents/{incident_id}/follow-up")
def follow_up(request: HttpRequest, incident_id: int, body: TextIn) -> dict[str, int]:
    agent = _agent(request)
    return {"conversations": incidents.check_follow_up(
        agent, queries.get_incident(agent, incident_id), body.text)}
