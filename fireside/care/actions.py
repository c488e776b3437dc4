"""Every write in care: replies, states, owners, notes, escalation and incidents.

`check_*` validates what a person sent and calls `do_*`; `do_*` writes and fires the side
effects. Replies are messages in listening's table (direction "out"), so the stream,
the conversation page and the metrics read one history.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fireside.care import delivery
from fireside.care.clock import reopen, wind
from fireside.care.models import (
    Alert,
    Conversation,
    EscalationHook,
    Incident,
    Note,
    Priority,
    Status,
)
from fireside.care.sla import PolicyBook, add_minutes
from fireside.errors import ActionError, Conflict
from fireside.listening.models import Delivery, Direction, Message
from fireside.people.models import User

VIEWING_GUARD = timedelta(minutes=2)


def _wind(conv: Conversation) -> None:
    wind(conv, PolicyBook.load().targets(conv.channel_id, conv.priority))


def do_reply(agent: User, conv: Conversation, text: str, *, at: datetime | None = None,
             incident: Incident | None = None) -> Message:
    """Record the organization's reply; it goes out through the connector when the
    channel can post, otherwise it is marked as answered elsewhere."""
    now = at or timezone.now()
    channel = conv.channel
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conv.pk)
        last = conv.messages.order_by("-created_at", "-id").first()
        message = Message.objects.create(
            channel=channel, external_id=f"fireside:{conv.pk}:{now.timestamp():.6f}:{agent.pk}",
            direction=Direction.OUT, agent=agent, conversation=conv, text=text,
            in_reply_to=last.external_id if last else "", author_handle=agent.username,
            author_name=agent.name, created_at=now, received_at=now,
            sent_elsewhere=not channel.can_post, intent="other", sentiment="neutral",
            delivery=Delivery.PENDING if channel.can_post else Delivery.NONE,
            next_delivery_at=now + delivery.GRACE if channel.can_post else None)
        conv.message_count += 1
        conv.last_message_at = now
        if conv.awaiting_since is not None:
            conv.first_response_at = conv.first_response_at or now
            conv.last_response_at = now
            conv.awaiting_since = None
            conv.sla_warned_at = conv.sla_breached_at = conv.escalation_due_at = None
            conv.escalation_level = 0
        if conv.owner_id is None and incident is None:
            conv.owner = agent
        _wind(conv)
        conv.save()
    if channel.can_post:
        from fireside.care.tasks import deliver_reply

        transaction.on_commit(lambda: deliver_reply.enqueue(message.pk))
    return message


def check_reply(agent: User, conv: Conversation, text: str) -> Message:
    text = text.strip()
    if not text:
        raise ActionError("Write a reply first.")
    if len(text) > 5000:
        raise ActionError("A reply can be at most 5,000 characters.")
    return do_reply(agent, conv, text)


def do_set_status(conv: Conversation, status: str) -> Conversation:
    now = timezone.now()
    targets = PolicyBook.load().targets(conv.channel_id, conv.priority)
    if status == Status.OPEN and conv.status != Status.OPEN:
        reopen(conv, targets, now)
    elif status == Status.WAITING:
        conv.status, conv.paused_at = Status.WAITING, now
    elif status == Status.RESOLVED:
        conv.status, conv.resolved_at = Status.RESOLVED, now
    wind(conv, targets)
    conv.save()
    return conv


def check_set_status(conv: Conversation, status: str) -> Conversation:
    if status not in Status.values:
        raise ActionError(f"Unknown state {status!r}.")
    return do_set_status(conv, status)


def check_update(conv: Conversation, *, owner: User | None = None, clear_owner: bool = False,
                 priority: str | None = None, tags: Iterable[str] | None = None,
                 team_id: int | None = None) -> Conversation:
    if priority is not None:
        if priority not in Priority.values:
            raise ActionError(f"Unknown priority {priority!r}.")
        conv.priority = priority
        conv.resolution_due_at = None  # recomputed under the new priority's targets
    if owner is not None:
        if not owner.is_staff_member:
            raise ActionError("Only staff can own a conversation.")
        conv.owner = owner
    if clear_owner:
        conv.owner = None
    if tags is not None:
        conv.tags = sorted({t.strip().lower()[:40] for t in tags if t.strip()})
    if team_id is not None:
        conv.team_id = team_id
    _wind(conv)
    conv.save()
    return conv


def check_note(agent: User, conv: Conversation, body: str) -> Note:
    body = body.strip()
    if not body:
        raise ActionError("A note cannot be empty.")
    return Note.objects.create(conversation=conv, author=agent, body=body[:5000])


def do_open(agent: User, conv: Conversation) -> User | None:
    """Mark the agent as looking at the conversation; returns another agent who opened it
    in the last two minutes, so the page can warn of a collision."""
    now = timezone.now()
    other = None
    if (conv.viewing_agent_id not in (None, agent.pk) and conv.viewing_since
            and now - conv.viewing_since < VIEWING_GUARD):
        other = conv.viewing_agent
    Conversation.objects.filter(pk=conv.pk).update(viewing_agent=agent, viewing_since=now)
    return other


def check_claim(agent: User, conv: Conversation) -> Conversation:
    if conv.owner_id not in (None, agent.pk):
        raise Conflict("Another agent owns this conversation; ask them or reassign it.")
    conv.owner = agent
    conv.save(update_fields=["owner"])
    return conv


# Escalation ---------------------------------------------------------------------------

class Mailbag:
    """A sweep's alert e-mails, one per person: a sweep that finds forty conversations
    breached at once (after an outage, say) sends each person one list, not forty mails."""

    WORDS = {Alert.Kind.BREACH: "breached", Alert.Kind.ESCALATION: "escalated",
             Alert.Kind.WARNING: "due soon"}

    def __init__(self) -> None:
        self.items: dict[str, list[tuple[str, str, int]]] = {}  # address: (kind, text, pk)

    def add(self, people: list[User], conv: Conversation, kind: str, text: str) -> None:
        for u in people:
            if u.email and u.notify_by_email:
                self.items.setdefault(u.email, []).append((kind, text, conv.pk))

    def messages(self) -> list[tuple[str, str, str, list[str]]]:
        out = []
        for address, items in self.items.items():
            lines = [f"{text}\n{settings.SITE_URL}/care/c/{pk}" for _kind, text, pk in items]
            if len(items) == 1:
                subject = items[0][1]
            else:
                kinds = [kind for kind, _text, _pk in items]
                tally = ", ".join(f"{kinds.count(kind)} {word}"
                                  for kind, word in self.WORDS.items() if kind in kinds)
                subject = f"{len(items)} conversations need you ({tally})"
                lines.append(f"The inbox: {settings.SITE_URL}/care/")
            out.append((f"[Fireside] {subject}", "\n\n".join(lines),
                        settings.DEFAULT_FROM_EMAIL, [address]))
        return out

    def send(self) -> int:
        messages = self.messages()
        if messages:
            send_mass_mail(messages, fail_silently=True)
        return len(messages)


def _notify(recipients: Iterable[User], conv: Conversation, kind: str, text: str,
            mailbag: Mailbag, level: int = 0) -> None:
    people = [u for u in recipients if u is not None]
    Alert.objects.bulk_create([Alert(recipient=u, kind=kind, conversation=conv, text=text)
                               for u in people])
    mailbag.add(people, conv, kind, text)
    hooks = list(EscalationHook.objects.filter(is_active=True).values_list("pk", flat=True))
    if hooks:
        from fireside.care.tasks import call_escalation_hook

        payload = {"event": kind, "conversation": conv.pk, "text": text, "level": level,
                   "recipients": [u.username for u in people],
                   "due_at": conv.sla_due_at.isoformat() if conv.sla_due_at else None}
        def enqueue(pk: int) -> None:
            transaction.on_commit(lambda: call_escalation_hook.enqueue(pk, payload))

        for pk in hooks:
            enqueue(pk)


def care_leads() -> list[User]:
    """Whoever leads care: told when nobody is named, and last in every chain."""
    return list(User.objects.filter(role__in=("admin", "community_manager"),
                                    is_active=True).order_by("id")[:3])


def escalation_stages(conv: Conversation, leads: list[User]) -> list[list[User]]:
    """Who is told at each level: the owner, then the team lead, then the care leads,
    skipping whoever is missing or already told. Level n goes to stage n (the last stage
    again when the chain is shorter)."""
    stages: list[list[User]] = []
    if conv.owner is not None:
        stages.append([conv.owner])
    lead = conv.team.lead if conv.team is not None else None
    if lead is not None and lead.pk != conv.owner_id:
        stages.append([lead])
    named = {u.pk for stage in stages for u in stage}
    rest = [u for u in leads if u.pk not in named]
    if rest or not stages:
        stages.append(rest)
    return stages


def do_sweep_clocks(now: datetime | None = None) -> tuple[int, int]:
    """Warn before a breach and escalate in stages: returns (warned, escalated), where
    escalated counts the conversations that reached a new level.

    Level 1 at the breach tells the owner (or the team lead, or the care leads); level 2,
    the policy's `escalate_after_minutes` later if the wait is still unanswered, tells the
    next in the chain. Each level is claimed by a conditional UPDATE, so overlapping
    sweeps never notify twice. A reply clears the levels; a new wait (the customer writes
    again after a reply) clears `sla_breached_at`, so its breach starts again at level 1.
    Breaches found more than a day late (an old import, say) are recorded without paging.
    Every conversation gets its own alert; each person gets one e-mail per sweep.
    """
    now = now or timezone.now()
    warned = escalated = 0
    mailbag = Mailbag()
    stale = now - timedelta(days=1)
    Conversation.objects.filter(status=Status.OPEN, sla_due_at__lt=stale,
                                sla_breached_at__isnull=True).update(
        sla_breached_at=now, escalation_level=0, escalation_due_at=None)
    book = PolicyBook.load()
    leads: list[User] | None = None

    def stages(conv: Conversation) -> list[list[User]]:
        nonlocal leads
        if leads is None:
            leads = care_leads()
        return escalation_stages(conv, leads)

    breached = (Conversation.objects.filter(status=Status.OPEN, sla_due_at__lte=now,
                                            sla_breached_at__isnull=True)
                .select_related("owner", "team__lead")[:500])
    for conv in breached:
        targets = book.targets(conv.channel_id, conv.priority)
        next_at = add_minutes(now, targets.escalate_after, targets.hours)
        with transaction.atomic():
            if not Conversation.objects.filter(pk=conv.pk, sla_breached_at__isnull=True).update(
                    sla_breached_at=now, escalation_level=1, escalation_due_at=next_at):
                continue  # another sweep took it
            _notify(stages(conv)[0], conv, Alert.Kind.BREACH,
                    f"SLA breached: “{conv.subject[:80]}” waited past its target", mailbag,
                    level=1)
        escalated += 1

    due = Conversation.objects.filter(escalation_due_at__lte=now)
    # Still unanswered: open, its wait past due, level 1 reached in this very wait.
    unanswered = Q(status=Status.OPEN, escalation_level=1, sla_breached_at__isnull=False,
                   sla_due_at__lte=now)
    for conv in due.filter(unanswered).select_related("owner", "team__lead")[:500]:
        with transaction.atomic():
            if not Conversation.objects.filter(
                    pk=conv.pk, escalation_level=1,
                    escalation_due_at=conv.escalation_due_at).update(
                    escalation_level=2, escalation_due_at=None):
                continue
            chain = stages(conv)
            assert conv.sla_breached_at is not None
            late = int((now - conv.sla_breached_at).total_seconds() // 60)
            _notify(chain[min(1, len(chain) - 1)], conv, Alert.Kind.ESCALATION,
                    f"Escalated: “{conv.subject[:80]}” is still unanswered {late} min "
                    "after its breach", mailbag, level=2)
        escalated += 1
    # Answered, paused, resolved or waiting afresh since: that stage is off.
    due.exclude(unanswered).update(escalation_due_at=None)

    soon = (Conversation.objects.filter(status=Status.OPEN, sla_due_at__gt=now,
                                        sla_due_at__lte=now + timedelta(hours=2),
                                        sla_warned_at__isnull=True)
            .select_related("owner", "team__lead")[:500])
    for conv in soon:
        targets = book.targets(conv.channel_id, conv.priority)
        assert conv.sla_due_at is not None
        if conv.sla_due_at - now > timedelta(minutes=targets.warn_before):
            continue
        with transaction.atomic():
            if not Conversation.objects.filter(pk=conv.pk, sla_warned_at__isnull=True).update(
                    sla_warned_at=now):
                continue
            recipients = [conv.owner] if conv.owner else stages(conv)[0]
            _notify(recipients, conv, Alert.Kind.WARNING,
                    f"SLA due soon: “{conv.subject[:80]}”", mailbag)
        warned += 1
    mailbag.send()
    return warned, escalated


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload_bytes(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, sort_keys=True).encode()
