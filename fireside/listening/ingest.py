"""The one ingest pipeline every source goes through, a batch at a time.

normalize -> drop duplicates -> read signals -> resolve people -> thread -> route -> store.

Each step is a handful of queries for the whole batch, never one per message. The batch
is one transaction: if anything fails nothing of it is stored, and a retry is harmless
because a message is unique by (channel, external_id) - looked up first, and guarded by
the unique constraint at insert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fireside.care.clock import reopen, wind
from fireside.care.models import Conversation, Priority, Status
from fireside.care.sla import PolicyBook
from fireside.listening.fastsql import insert_returning_ids, insert_rows, update_rows
from fireside.listening.models import (
    Channel,
    ChannelAccount,
    Direction,
    Identity,
    Message,
    OpenRule,
)
from fireside.people.models import Person
from fireside.signals import Signals, analyze_batch

ACTIONABLE_INTENTS = frozenset({"complaint", "question"})
MAX_ID = 191


@dataclass
class RawMessage:
    """A message as a connector or importer hands it over, before anything is resolved."""

    external_id: str
    author: str
    text: str
    created_at: datetime
    in_reply_to: str = ""
    url: str = ""
    author_name: str = ""
    outbound: bool = False  # written by one of the organization's own accounts
    user_id: int | None = None  # the member who wrote it, when known


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    opened: int = 0
    conversation_ids: set[int] = field(default_factory=set)

    def add(self, other: IngestResult) -> None:
        self.received += other.received
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.opened += other.opened
        self.conversation_ids |= other.conversation_ids


def ingest_batch(channel: Channel, raws: Sequence[RawMessage], *,
                 signals: Sequence[Signals] | None = None,
                 cursor: dict[str, Any] | None = None,
                 checkpoint: Callable[[], None] | None = None) -> IngestResult:
    """Store a batch of messages from one channel; returns what happened.

    `signals`, when given, are precomputed for `raws` in order (the importers compute them
    in other processes). `cursor` is saved on the channel and `checkpoint` is called in
    the same transaction, so a connector's or importer's position moves only with the data.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                result = _ingest(channel, raws, signals)
                if cursor is not None:
                    channel.cursor = cursor
                    Channel.objects.filter(pk=channel.pk).update(cursor=cursor)
                if checkpoint is not None:
                    checkpoint()
                return result
        except IntegrityError:
            # Another writer stored some of these (or their people) first: go again, and
            # the lookups now see its rows.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _normalize(raws: Sequence[RawMessage],
               signals: Sequence[Signals] | None) -> list[tuple[RawMessage, Signals | None]]:
    seen: set[str] = set()
    out = []
    for i, raw in enumerate(raws):
        raw.external_id = str(raw.external_id).strip()[:MAX_ID]
        if not raw.external_id or raw.external_id in seen:
            continue
        seen.add(raw.external_id)
        raw.author = (raw.author or "").strip()[:MAX_ID] or "unknown"
        raw.in_reply_to = (raw.in_reply_to or "").strip()[:MAX_ID]
        raw.author_name = (raw.author_name or "")[:120]
        raw.url = (raw.url or "")[:500]
        if timezone.is_naive(raw.created_at):
            raw.created_at = raw.created_at.replace(tzinfo=UTC)
        out.append((raw, signals[i] if signals is not None else None))
    return out


def _ingest(channel: Channel, raws: Sequence[RawMessage],
            signals: Sequence[Signals] | None) -> IngestResult:
    result = IngestResult(received=len(raws))
    batch = _normalize(raws, signals)
    existing = set(Message.objects.filter(
        channel=channel, external_id__in=[raw.external_id for raw, _ in batch]
    ).values_list("external_id", flat=True))
    fresh = [(raw, sig) for raw, sig in batch if raw.external_id not in existing]
    result.duplicates = len(raws) - len(fresh)
    if not fresh:
        return result
    fresh.sort(key=lambda pair: pair[0].created_at)
    missing = [i for i, (_raw, sig) in enumerate(fresh) if sig is None]
    if missing:
        computed = analyze_batch([fresh[i][0].text for i in missing])
        for i, sig in zip(missing, computed, strict=True):
            fresh[i] = (fresh[i][0], sig)
    now = timezone.now()

    accounts = _accounts(channel, {raw.author for raw, _ in fresh if raw.outbound})
    identities = _identities(channel, [raw for raw, _ in fresh if not raw.outbound], now)

    # Threading: a reply joins its parent's conversation; a new inbound message joins the
    # person's open conversation on this channel, or opens one if routing says so.
    parent_ids = {raw.in_reply_to for raw, _ in fresh if raw.in_reply_to}
    conv_of: dict[str, int | NewConversation | None] = dict(
        Message.objects.filter(channel=channel, external_id__in=parent_ids)
        .values_list("external_id", "conversation_id")) if parent_ids else {}
    person_ids = {identities[raw.author][1] for raw, _ in fresh if not raw.outbound}
    open_of: dict[int, int | NewConversation] = {}
    for owner_id, open_id in (Conversation.objects.filter(
            channel=channel, person_id__in=person_ids,
            status__in=(Status.OPEN, Status.WAITING)).order_by("id")
            .values_list("person_id", "id")):
        if owner_id is not None:
            open_of[owner_id] = open_id

    book = PolicyBook.load()
    new_convs: list[NewConversation] = []
    rows: list[tuple[Any, ...]] = []
    links: list[int | NewConversation | None] = []
    touched: set[int] = set()
    for raw, maybe in fresh:
        assert maybe is not None
        sig = maybe
        identity_id: int | None = None
        person_id = None
        if not raw.outbound:
            identity_id, person_id = identities[raw.author]
        conv: int | NewConversation | None = None
        if raw.in_reply_to:
            conv = conv_of.get(raw.in_reply_to)
        if conv is None and not raw.outbound and person_id is not None:
            conv = open_of.get(person_id)
            if conv is None and (channel.open_rule == OpenRule.ALL
                                 or sig.intent in ACTIONABLE_INTENTS):
                conv = _open(channel, person_id, raw, sig)
                new_convs.append(conv)
                open_of[person_id] = conv
        if isinstance(conv, NewConversation):
            conv.count(raw)
        elif conv is not None:
            touched.add(conv)
        conv_of[raw.external_id] = conv
        links.append(conv)
        rows.append((
            channel.pk, raw.external_id, Direction.OUT if raw.outbound else Direction.IN,
            person_id, identity_id, accounts.get(raw.author) if raw.outbound else None,
            raw.in_reply_to, raw.author, raw.author_name, raw.text, raw.url, raw.created_at,
            now, False, sig.sentiment, sig.sentiment_score, sig.intent, sig.complaint,
            sig.complaint_probability, sig.language, sig.guideline_flags,
        ))
    for new in new_convs:
        wind(new, book.targets(channel.pk, new.priority))
    ids = insert_returning_ids(Conversation, NewConversation.FIELDS,
                               [new.row() for new in new_convs])
    for new, pk in zip(new_convs, ids, strict=True):
        new.pk = pk
    assigned: dict[str, int] = {}
    final = []
    for row, conv in zip(rows, links, strict=True):
        conv_id = conv.pk if isinstance(conv, NewConversation) else conv
        if conv_id is not None:
            assigned[row[1]] = conv_id
        final.append((*row, conv_id))
    insert_rows(Message, MESSAGE_FIELDS, final)
    result.stored = len(final)
    result.opened = len(new_convs)
    touched |= _adopt_orphans(channel, assigned)
    if touched:
        _recount(touched, book, now)
    result.conversation_ids = touched | set(ids)
    return result


MESSAGE_FIELDS = (
    "channel", "external_id", "direction", "person", "identity", "account", "in_reply_to",
    "author_handle", "author_name", "text", "url", "created_at", "received_at",
    "sent_elsewhere", "sentiment", "sentiment_score", "intent", "complaint",
    "complaint_probability", "language", "flags", "conversation",
)


def _accounts(channel: Channel, handles: set[str]) -> dict[str, int]:
    if not handles:
        return {}
    known = dict(ChannelAccount.objects.filter(channel=channel, handle__in=handles)
                 .values_list("handle", "id"))
    for handle in handles - known.keys():
        known[handle] = ChannelAccount.objects.get_or_create(channel=channel, handle=handle)[0].pk
    return known


def _identities(channel: Channel, raws: list[RawMessage],
                now: datetime) -> dict[str, tuple[int, int]]:
    """handle -> (identity id, person id), creating people and identities in bulk."""
    wanted = {raw.author: raw for raw in raws}
    if not wanted:
        return {}
    found = {handle: (ident, person) for handle, ident, person in Identity.objects.filter(
        channel=channel, handle__in=wanted).values_list("handle", "id", "person_id")}
    new = [wanted[h] for h in wanted if h not in found]
    if new:
        members = {raw.user_id for raw in new if raw.user_id}
        of_user: dict[int, int | Person] = dict(
            Person.objects.filter(user_id__in=members).values_list("user_id", "id")
        ) if members else {}
        person_for: dict[str, int | Person] = {}
        people: list[Person] = []
        for raw in new:
            if raw.user_id and raw.user_id in of_user:
                person_for[raw.author] = of_user[raw.user_id]
                continue
            person = Person(display_name=raw.author_name or raw.author, user_id=raw.user_id,
                            created_at=now)
            people.append(person)
            person_for[raw.author] = person
            if raw.user_id:
                of_user[raw.user_id] = person
        person_ids = insert_returning_ids(
            Person, ("display_name", "user", "created_at"),
            [(p.display_name, p.user_id, now) for p in people])
        for person, pk in zip(people, person_ids, strict=True):
            person.pk = pk
        rows = []
        for raw in new:
            linked = person_for[raw.author]
            rows.append((channel.pk, raw.author, raw.author_name,
                         linked.pk if isinstance(linked, Person) else linked, now))
        ident_ids = insert_returning_ids(
            Identity, ("channel", "handle", "display_name", "person", "created_at"), rows)
        for row, pk in zip(rows, ident_ids, strict=True):
            found[row[1]] = (pk, row[3])
    return found


class NewConversation:
    """A conversation opened in this batch, before it is inserted (cheaper than a model)."""

    FIELDS = ("channel", "person", "subject", "status", "priority", "intent", "sentiment",
              "team", "tags", "message_count", "first_message_at", "last_message_at",
              "awaiting_since", "first_response_at", "last_response_at", "sla_due_at",
              "resolution_due_at", "first_response_met", "policy", "escalation_level",
              "created_at")
    __slots__ = (
        "_n",
        "awaiting_since",
        "channel_id",
        "first_message_at",
        "first_response_at",
        "first_response_met",
        "intent",
        "last_message_at",
        "last_response_at",
        "person_id",
        "pk",
        "policy_id",
        "priority",
        "resolution_due_at",
        "resolution_met",
        "resolved_at",
        "sentiment",
        "sla_due_at",
        "status",
        "subject",
        "team_id",
    )

    def __init__(self, channel: Channel, person_id: int, raw: RawMessage, sig: Signals,
                 priority: str) -> None:
        self.pk = 0
        self.channel_id, self.person_id, self.team_id = channel.pk, person_id, channel.team_id
        self.subject = " ".join(raw.text.split())[:120]
        self.status: str = Status.OPEN
        self.priority = priority
        self.intent, self.sentiment = sig.intent, sig.sentiment
        self.first_message_at = self.last_message_at = raw.created_at
        self.awaiting_since: datetime | None = None
        self.first_response_at: datetime | None = None
        self.last_response_at: datetime | None = None
        self.resolved_at: datetime | None = None
        self.sla_due_at: datetime | None = None
        self.resolution_due_at: datetime | None = None
        self.first_response_met: bool | None = None
        self.resolution_met: bool | None = None
        self.policy_id: int | None = None
        self._n = 0

    def count(self, raw: RawMessage) -> None:
        """Fold one of the batch's messages into the conversation's timestamps."""
        self._n += 1
        self.last_message_at = max(self.last_message_at, raw.created_at)
        if raw.outbound:
            if self.awaiting_since is not None:
                self.first_response_at = self.first_response_at or raw.created_at
                self.last_response_at = raw.created_at
                self.awaiting_since = None
        elif self.awaiting_since is None:
            self.awaiting_since = raw.created_at

    def row(self) -> tuple[Any, ...]:
        return (self.channel_id, self.person_id, self.subject, self.status, self.priority,
                self.intent, self.sentiment, self.team_id, [], self._n, self.first_message_at,
                self.last_message_at, self.awaiting_since, self.first_response_at,
                self.last_response_at, self.sla_due_at, self.resolution_due_at,
                self.first_response_met, self.policy_id, 0, self.first_message_at)


def _open(channel: Channel, person_id: int, raw: RawMessage, sig: Signals) -> NewConversation:
    """Routing: a new conversation's priority and team."""
    priority = Priority.NORMAL
    if sig.complaint and sig.sentiment_score <= -0.8:
        priority = Priority.HIGH
    elif sig.intent == "praise":
        priority = Priority.LOW
    return NewConversation(channel, person_id, raw, sig, priority)


def _adopt_orphans(channel: Channel, assigned: dict[str, int]) -> set[int]:
    """Replies stored before their parent arrived join the parent's conversation now."""
    touched: set[int] = set()
    for _level in range(4):
        if not assigned:
            break
        orphans = list(Message.objects.filter(
            channel=channel, conversation__isnull=True, in_reply_to__in=assigned)
            .values_list("id", "external_id", "in_reply_to"))
        next_round: dict[str, int] = {}
        by_conv: dict[int, list[int]] = {}
        for pk, external_id, parent in orphans:
            conv_id = assigned[parent]
            by_conv.setdefault(conv_id, []).append(pk)
            next_round[external_id] = conv_id
        for conv_id, ids in by_conv.items():
            Message.objects.filter(id__in=ids).update(conversation_id=conv_id)
            touched.add(conv_id)
        assigned = next_round
    return touched


_RECOUNT_FIELDS = ("status", "message_count", "last_message_at", "awaiting_since",
                   "first_response_at", "last_response_at", "resolved_at", "sla_due_at",
                   "resolution_due_at", "first_response_met", "resolution_met", "paused_at",
                   "policy", "sla_warned_at", "sla_breached_at")


_ATTNAMES = {"policy": "policy_id"}


def _recount(conv_ids: set[int], book: PolicyBook, now: datetime) -> None:
    """Rebuild the timestamps of conversations that gained messages, then their clocks."""
    convs = {c.pk: c for c in Conversation.objects.filter(id__in=conv_ids).only(
        "id", "channel_id", "priority", "status", "first_message_at", "resolution_due_at",
        "resolved_at", "first_response_met", "resolution_met", "first_response_at",
        "last_response_at", "paused_at", "sla_due_at", "policy_id", "awaiting_since",
        "sla_warned_at", "sla_breached_at")}
    rows = (Message.objects.filter(conversation_id__in=conv_ids)
            .order_by("conversation_id", "created_at", "id")
            .values_list("conversation_id", "direction", "created_at"))
    state: dict[int, list[Any]] = {}
    for conv_id, direction, created_at in rows:
        # count, last, awaiting_since, first_response, last_response, last_inbound
        s = state.setdefault(conv_id, [0, None, None, None, None, None])
        s[0] += 1
        s[1] = created_at
        if direction == Direction.IN:
            s[5] = created_at
            if s[2] is None:
                s[2] = created_at
        elif s[2] is not None:
            s[3] = s[3] or created_at
            s[4] = created_at
            s[2] = None
    updates = []
    for conv_id, (count, last, awaiting, first_resp, last_resp, last_in) in state.items():
        conv = convs[conv_id]
        if awaiting is not None and awaiting != conv.awaiting_since:
            # A new wait began: its clock may warn and escalate afresh.
            conv.sla_warned_at = conv.sla_breached_at = None
        conv.message_count, conv.last_message_at = count, last
        conv.awaiting_since, conv.last_response_at = awaiting, last_resp
        conv.first_response_at = conv.first_response_at or first_resp
        targets = book.targets(conv.channel_id, conv.priority)
        if awaiting is not None and conv.status != Status.OPEN and last_in == last:
            reopen(conv, targets, now)
        wind(conv, targets)
        updates.append([getattr(conv, _ATTNAMES.get(f, f)) for f in _RECOUNT_FIELDS]
                       + [conv_id])
    update_rows(Conversation, _RECOUNT_FIELDS, updates)
