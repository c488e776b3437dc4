"""Care in the API: the inbox, a conversation, replies and states, incidents, SLA
policies, the rota, saved replies and round-robin assignment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from fireside.care import actions, delivery, incidents, queries, setup
from fireside.care.models import Conversation, RotaShift, SavedReply, SlaPolicy
from fireside.care.rota import agents_on_shift, uncovered_hours
from fireside.errors import Forbidden, NotFound
from fireside.listening.models import Message
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
    escalation_level: int  # of the wait in progress: 0, 1 (at the breach) or 2

    @staticmethod
    def of(c: Conversation) -> ConversationOut:
        return ConversationOut(
            id=c.pk, channel=c.channel.name, person=str(c.person or ""), subject=c.subject,
            status=c.status, priority=c.priority, intent=c.intent,
            owner=c.owner.username if c.owner else None, tags=c.tags,
            incident_id=c.incident_id, first_message_at=c.first_message_at,
            first_response_at=c.first_response_at, sla_due_at=c.sla_due_at,
            resolution_due_at=c.resolution_due_at, escalation_level=c.current_escalation)


class MessageOut(Schema):
    """A message of the conversation; replies carry where their delivery stands:
    `delivery` is "" (nothing to post), pending, sending, sent or failed."""

    id: int
    direction: str
    author: str
    text: str
    url: str
    created_at: datetime
    sent_elsewhere: bool
    delivery: str
    delivery_attempts: int
    delivery_error: str
    next_delivery_at: datetime | None

    @staticmethod
    def of(m: Message) -> MessageOut:
        return MessageOut(
            id=m.pk, direction=m.direction,
            author=m.agent.username if m.agent else m.author_handle, text=m.text, url=m.url,
            created_at=m.created_at, sent_elsewhere=m.sent_elsewhere, delivery=m.delivery,
            delivery_attempts=m.delivery_attempts, delivery_error=m.delivery_error,
            next_delivery_at=m.next_delivery_at)


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


@router.get("/care/conversations/{conv_id}/messages", response=list[MessageOut])
def conversation_messages(request: HttpRequest, conv_id: int) -> list[MessageOut]:
    conv = queries.get_conversation(_agent(request), conv_id)
    return [MessageOut.of(m) for m in queries.conversation_messages(conv)]


@router.post("/care/conversations/{conv_id}/messages/{message_id}/retry",
             response={202: MessageOut})
def retry_reply(request: HttpRequest, conv_id: int, message_id: int) -> Status[MessageOut]:
    """Send a failed reply again now (it goes back to pending; 409 if it is not failed)."""
    agent = _agent(request)
    conv = queries.get_conversation(agent, conv_id)
    return Status(202, MessageOut.of(delivery.check_retry(agent, conv, message_id)))


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


class PolicyIn(Schema):
    name: str
    first_response_minutes: int = 60
    next_response_minutes: int = 240
    resolution_minutes: int = 1440
    warn_before_minutes: int = 15
    escalate_after_minutes: int = 30
    priority: str = ""
    channel_id: int | None = None
    calendar_id: int | None = None


class PolicyOut(PolicyIn):
    id: int

    @staticmethod
    def of(p: SlaPolicy) -> PolicyOut:
        return PolicyOut(id=p.pk, name=p.name, first_response_minutes=p.first_response_minutes,
                         next_response_minutes=p.next_response_minutes,
                         resolution_minutes=p.resolution_minutes,
                         warn_before_minutes=p.warn_before_minutes,
                         escalate_after_minutes=p.escalate_after_minutes, priority=p.priority,
                         channel_id=p.channel_id, calendar_id=p.calendar_id)


class ShiftIn(Schema):
    agent_id: int
    weekday: int
    start_hour: int
    end_hour: int
    time_zone: str = "UTC"


class ShiftOut(ShiftIn):
    id: int


class RotaOut(Schema):
    shifts: list[ShiftOut]
    on_shift: list[int]
    uncovered: list[tuple[int, int]]


class SavedReplyIn(Schema):
    title: str
    body: str


class SavedReplyOut(SavedReplyIn):
    id: int


@router.get("/care/policies", response=list[PolicyOut])
def list_policies(request: HttpRequest) -> list[PolicyOut]:
    _agent(request)
    return [PolicyOut.of(p) for p in SlaPolicy.objects.order_by("id")]


@router.post("/care/policies", response={201: PolicyOut})
def create_policy(request: HttpRequest, body: PolicyIn) -> Status[PolicyOut]:
    policy = setup.check_save_policy(
        _agent(request), name=body.name, first_response=body.first_response_minutes,
        next_response=body.next_response_minutes, resolution=body.resolution_minutes,
        warn_before=body.warn_before_minutes, escalate_after=body.escalate_after_minutes,
        priority=body.priority,
        channel_id=body.channel_id, calendar_id=body.calendar_id)
    return Status(201, PolicyOut.of(policy))


@router.delete("/care/policies/{policy_id}", response={204: None})
def delete_policy(request: HttpRequest, policy_id: int) -> Status[None]:
    agent = _agent(request)
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("No such policy.")
    setup.do_delete_policy(agent, policy)
    return Status(204, None)


@router.get("/care/rota", response=RotaOut)
def get_rota(request: HttpRequest) -> RotaOut:
    """The shifts, who is on shift now, and every uncovered (weekday, hour) in UTC."""
    _agent(request)
    return RotaOut(shifts=[ShiftOut(id=s.pk, agent_id=s.agent_id, weekday=s.weekday,
                                    start_hour=s.start_hour, end_hour=s.end_hour,
                                    time_zone=s.time_zone) for s in RotaShift.objects.all()],
                   on_shift=sorted(set(agents_on_shift())), uncovered=uncovered_hours())


@router.post("/care/rota", response={201: ShiftOut})
def add_shift(request: HttpRequest, body: ShiftIn) -> Status[ShiftOut]:
    s = setup.check_add_shift(_agent(request), agent_id=body.agent_id, weekday=body.weekday,
                              start_hour=body.start_hour, end_hour=body.end_hour,
                              time_zone=body.time_zone)
    return Status(201, ShiftOut(id=s.pk, agent_id=s.agent_id, weekday=s.weekday,
                                start_hour=s.start_hour, end_hour=s.end_hour,
                                time_zone=s.time_zone))


@router.delete("/care/rota/{shift_id}", response={204: None})
def remove_shift(request: HttpRequest, shift_id: int) -> Status[None]:
    agent = _agent(request)
    shift = RotaShift.objects.filter(pk=shift_id).first()
    if shift is None:
        raise NotFound("No such shift.")
    setup.do_remove_shift(agent, shift)
    return Status(204, None)


@router.get("/care/saved-replies", response=list[SavedReplyOut])
def list_saved_replies(request: HttpRequest) -> list[SavedReplyOut]:
    _agent(request)
    return [SavedReplyOut(id=r.pk, title=r.title, body=r.body)
            for r in SavedReply.objects.order_by("title")]


@router.post("/care/saved-replies", response={201: SavedReplyOut})
def create_saved_reply(request: HttpRequest, body: SavedReplyIn) -> Status[SavedReplyOut]:
    r = setup.check_save_reply(_agent(request), title=body.title, body=body.body)
    return Status(201, SavedReplyOut(id=r.pk, title=r.title, body=r.body))


@router.delete("/care/saved-replies/{reply_id}", response={204: None})
def delete_saved_reply(request: HttpRequest, reply_id: int) -> Status[None]:
    agent = _agent(request)
    reply = SavedReply.objects.filter(pk=reply_id).first()
    if reply is None:
        raise NotFound("No such saved reply.")
    setup.do_delete_saved_reply(agent, reply)
    return Status(204, None)


@router.post("/care/assign/round-robin")
def assign_round_robin(request: HttpRequest) -> dict[str, int]:
    """Unowned open conversations, most urgent first, to the agents on shift in turn;
    answers {agent id: conversations given}."""
    _agent(request)
    return {str(k): v for k, v in setup.do_assign_round_robin().items()}
