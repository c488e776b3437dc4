"""The one ingest pipeline every source goes through, a batch at a time.

normalize -> drop duplicates -> read signals -> resolve people -> thread -> route -> store.

`prepare` does the part that needs no database (normalize, drop duplicates within the
batch, read signals, order by time), so the importers run it in worker processes;
`store` does the rest. Each step of `store` is a handful of queries for the whole batch,
never one per message. The batch is one transaction: if anything fails nothing of it is
stored, and a retry is harmless because a message is unique by (channel, external_id) -
looked up first, and guarded by the unique constraint at insert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from fireside.care.clock import reopen, wind
from fireside.care.models import Conversation, Priority, Status
from fireside.care.sla import PolicyBook, Targets
from fireside.listening.fastsql import (
    datetime_adapter,
    insert_returning_ids,
    insert_rows,
    json_text,
    select_in,
    table,
    update_rows,
)
from fireside.listening.models import (
    Channel,
    ChannelAccount,
    ChannelKind,
    Direction,
    Identity,
    Message,
    OpenRule,
)
from fireside.people.models import Person
from fireside.signals import Signals, analyze_batch

ACTIONABLE_INTENTS = frozenset({"complaint", "question"})
MAX_ID = 191
SUBJECT_CHARS = 120


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


# sentiment, sentiment_score, intent, complaint, complaint_probability, language, flags:
# a message's signals as its columns take them (cheap to send between processes).
Reading = tuple[str, float, str, bool, float, str, list[str]]


def reading(sig: Signals) -> Reading:
    return (sig.sentiment, sig.sentiment_score, sig.intent, sig.complaint,
            sig.complaint_probability, sig.language, sig.guideline_flags)


class Item(NamedTuple):
    """A normalized message, ready to store."""

    external_id: str
    author: str
    text: str
    created_at: datetime  # aware
    in_reply_to: str
    url: str
    author_name: str
    outbound: bool
    user_id: int | None
    subject: str  # the subject of the conversation an inbound message may open
    reading: Reading | None  # None: not read yet (`store` reads what it stores)


@dataclass
class Batch:
    """What `prepare` makes of a batch: distinct external ids, ordered by creation time."""

    received: int
    items: list[Item]


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

    `signals`, when given, are precomputed for `raws` in order. `cursor` is saved on the
    channel and `checkpoint` is called in the same transaction, so a connector's or
    importer's position moves only with the data.
    """
    return store(channel, prepare(raws, signals), cursor=cursor, checkpoint=checkpoint)


def prepare(raws: Sequence[RawMessage], signals: Sequence[Signals] | None = None, *,
            read: bool = False) -> Batch:
    """Normalize a batch and drop its repeated external ids (the first one stays), without
    touching the database. `read=True` computes the signals not given, for every message
    (worth it in a worker process; `store` otherwise reads only the ones it stores)."""
    if read and signals is None and raws:
        # All of them, duplicates too: scores are float32 sums, and a batch of other
        # texts could round their last digit differently.
        signals = analyze_batch([raw.text for raw in raws])
    seen: set[str] = set()
    kept: list[tuple[str, RawMessage, Signals | None]] = []
    for i, raw in enumerate(raws):
        external_id = str(raw.external_id).strip()[:MAX_ID]
        if not external_id or external_id in seen:
            continue
        seen.add(external_id)
        kept.append((external_id, raw, signals[i] if signals is not None else None))
    items = []
    for external_id, raw, sig in kept:
        created_at = raw.created_at
        if timezone.is_naive(created_at):
            created_at = created_at.replace(tzinfo=UTC)
        outbound = raw.outbound
        items.append(Item(
            external_id,
            (raw.author or "").strip()[:MAX_ID] or "unknown",
            raw.text, created_at, (raw.in_reply_to or "").strip()[:MAX_ID],
            (raw.url or "")[:500], (raw.author_name or "")[:120], outbound, raw.user_id,
            "" if outbound else subject_of(raw.text),
            reading(sig) if sig is not None else None,
        ))
    items.sort(key=_created)
    return Batch(len(raws), items)


def subject_of(text: str) -> str:
    """A conversation's subject: its first message on one line, cut at a word with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= SUBJECT_CHARS:
        return flat
    cut = flat[:SUBJECT_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > SUBJECT_CHARS // 2 else cut).rstrip(" ,;:.-") + "…"


def _created(item: Item) -> datetime:
    return item.created_at


def store(channel: Channel, batch: Batch, *, cursor: dict[str, Any] | None = None,
          checkpoint: Callable[[], None] | None = None) -> IngestResult:
    """Store a prepared batch in one transaction (see `ingest_batch`)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                result = _ingest(channel, batch)
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


_IN, _OUT = str(Direction.IN.value), str(Direction.OUT.value)
_OPEN_STATES = (str(Status.OPEN.value), str(Status.WAITING.value))


def _ingest(channel: Channel, batch: Batch) -> IngestResult:
    result = IngestResult(received=batch.received)
    items = batch.items
    if not items:
        result.duplicates = batch.received
        return result
    messages = table(Message)
    existing = {external_id for (external_id,) in select_in(
        f"SELECT external_id FROM {messages} WHERE channel_id = %s AND external_id IN %s",  # noqa: S608
        [channel.pk], [item.external_id for item in items])}
    fresh = [item for item in items if item.external_id not in existing] if existing else items
    result.duplicates = batch.received - len(fresh)
    if not fresh:
        return result
    missing = [i for i, item in enumerate(fresh) if item.reading is None]
    if missing:
        fresh = list(fresh)
        for i, signals in zip(missing, analyze_batch([fresh[i].text for i in missing]),
                              strict=True):
            fresh[i] = fresh[i]._replace(reading=reading(signals))
    now = timezone.now()
    to_db = datetime_adapter()

    accounts = _accounts(channel, {item.author for item in fresh if item.outbound})
    identities, new_people = _identities(channel, [item for item in fresh if not item.outbound],
                                         to_db(now))

    # Threading: a reply joins its parent's conversation; a new inbound message joins the
    # person's open conversation on this channel, or opens one if routing says so.
    parent_ids = {item.in_reply_to for item in fresh if item.in_reply_to}
    conv_of: dict[str, int | NewConversation | None] = dict(select_in(
        f"SELECT external_id, conversation_id FROM {messages} "  # noqa: S608
        "WHERE channel_id = %s AND external_id IN %s", [channel.pk], parent_ids))
    # People first heard from in this batch have no conversations yet.
    person_ids = {person for _identity, person in identities.values()} - new_people
    open_of: dict[int, int | NewConversation] = {}
    for owner_id, open_id in select_in(
            f"SELECT person_id, id FROM {table(Conversation)} "  # noqa: S608
            "WHERE channel_id = %s AND status IN (%s, %s) AND person_id IN %s ORDER BY id",
            [channel.pk, *_OPEN_STATES], person_ids):
        if owner_id is not None:
            open_of[owner_id] = open_id

    book = PolicyBook.load()
    targets: dict[str, Targets] = {}
    open_all = channel.open_rule == OpenRule.ALL
    # In the community a thread is the conversation: a member's new thread opens its own
    # (not the member's other open one), and a reply joins its thread's or, when the thread
    # had none and the reply calls for an answer, opens the thread's conversation.
    by_thread = channel.kind == ChannelKind.COMMUNITY
    if by_thread:  # threads whose conversation a reply opened: their roots have none
        lacking = {p for p in parent_ids if conv_of.get(p) is None}
        conv_of.update(select_in(
            f"SELECT in_reply_to, MIN(conversation_id) FROM {messages} "  # noqa: S608
            "WHERE channel_id = %s AND conversation_id IS NOT NULL AND in_reply_to IN %s "
            "GROUP BY in_reply_to", [channel.pk], lacking))
    channel_id, team_id = channel.pk, channel.team_id
    received_at = to_db(now)
    new_convs: list[NewConversation] = []
    rows: list[list[Any]] = []
    links: list[int | NewConversation | None] = []
    touched: set[int] = set()
    for item in fresh:
        (external_id, author, text, created_at, in_reply_to, url, author_name, outbound,
         _user_id, subject, sig) = item
        assert sig is not None
        sentiment, score, intent, complaint, complaint_probability, language, flags = sig
        conv: int | NewConversation | None = None
        if in_reply_to:
            conv = conv_of.get(in_reply_to)
        if outbound:
            identity_id = person_id = None
            account_id = accounts.get(author)
        else:
            identity_id, person_id = identities[author]
            account_id = None
            if conv is None:
                conv = None if by_thread else open_of.get(person_id)
                if conv is None and (open_all or intent in ACTIONABLE_INTENTS):
                    conv = NewConversation(channel_id, team_id, person_id, created_at, subject,
                                           intent, sentiment, _priority(complaint, score, intent))
                    new_convs.append(conv)
                    if not by_thread:
                        open_of[person_id] = conv
                    elif in_reply_to:
                        conv_of[in_reply_to] = conv
        if conv.__class__ is NewConversation:
            conv.count(outbound, created_at)  # type: ignore[union-attr]
        elif conv is not None:
            touched.add(conv)  # type: ignore[arg-type]
        conv_of[external_id] = conv
        links.append(conv)
        rows.append([
            channel_id, external_id, _OUT if outbound else _IN, person_id, identity_id,
            account_id, in_reply_to, author, author_name, text, url, to_db(created_at),
            received_at, False, sentiment, score, intent, complaint, complaint_probability,
            language, json_text(flags), None,
        ])
    for new in new_convs:
        found = targets.get(new.priority)
        if found is None:
            found = targets[new.priority] = book.targets(channel_id, new.priority)
        wind(new, found)
    ids = insert_returning_ids(Conversation, NewConversation.FIELDS,
                               [new.row(to_db) for new in new_convs], adapted=True)
    for new, pk in zip(new_convs, ids, strict=True):
        new.pk = pk
    assigned: dict[str, int] = {}
    for row, conv in zip(rows, links, strict=True):
        if conv is not None:
            conv_id = conv.pk if isinstance(conv, NewConversation) else conv
            row[-1] = assigned[row[1]] = conv_id
    insert_rows(Message, MESSAGE_FIELDS, rows, adapted=True)
    result.stored = len(rows)
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


def _identities(channel: Channel, items: list[Item],
                now: Any) -> tuple[dict[str, tuple[int, int]], set[int]]:
    """handle -> (identity id, person id), creating people and identities in bulk; and
    the ids of the people created. `now` is adapted (see fastsql.datetime_adapter)."""
    wanted = {item.author: item for item in items}  # the handle's last message names it
    if not wanted:
        return {}, set()
    found: dict[str, tuple[int, int]] = {
        handle: (ident, person) for handle, ident, person in select_in(
            f"SELECT handle, id, person_id FROM {table(Identity)} "  # noqa: S608
            "WHERE channel_id = %s AND handle IN %s", [channel.pk], wanted.keys())}
    new = [wanted[h] for h in wanted if h not in found]
    if not new:
        return found, set()
    members = {item.user_id for item in new if item.user_id}
    of_user: dict[int, int] = dict(
        Person.objects.filter(user_id__in=members).values_list("user_id", "id")
    ) if members else {}
    # A handle's person: an existing id, or the index of a row in `people` (-1 - index).
    person_for: dict[str, int] = {}
    people: list[tuple[str, int | None, Any]] = []
    for item in new:
        if item.user_id and item.user_id in of_user:
            person_for[item.author] = of_user[item.user_id]
            continue
        person_for[item.author] = -1 - len(people)
        if item.user_id:
            of_user[item.user_id] = -1 - len(people)
        people.append((item.author_name or item.author, item.user_id, now))
    person_ids = insert_returning_ids(Person, ("display_name", "user", "created_at"), people,
                                      adapted=True)
    rows = []
    for item in new:
        linked = person_for[item.author]
        rows.append((channel.pk, item.author, item.author_name,
                     person_ids[-1 - linked] if linked < 0 else linked, now))
    ident_ids = insert_returning_ids(
        Identity, ("channel", "handle", "display_name", "person", "created_at"), rows,
        adapted=True)
    for row, pk in zip(rows, ident_ids, strict=True):
        found[row[1]] = (pk, row[3])
    return found, set(person_ids)


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

    def __init__(self, channel_id: int, team_id: int | None, person_id: int,
                 created_at: datetime, subject: str, intent: str, sentiment: str,
                 priority: str) -> None:
        self.pk = 0
        self.channel_id, self.person_id, self.team_id = channel_id, person_id, team_id
        self.subject = subject
        self.status: str = _OPEN_STATES[0]
        self.priority = priority
        self.intent, self.sentiment = intent, sentiment
        self.first_message_at = self.last_message_at = created_at
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

    def count(self, outbound: bool, created_at: datetime) -> None:
        """Fold one of the batch's messages into the conversation's timestamps."""
        self._n += 1
        if created_at > self.last_message_at:
            self.last_message_at = created_at
        if outbound:
            if self.awaiting_since is not None:
                self.first_response_at = self.first_response_at or created_at
                self.last_response_at = created_at
                self.awaiting_since = None
        elif self.awaiting_since is None:
            self.awaiting_since = created_at

    def row(self, to_db: Callable[[datetime | None], Any]) -> tuple[Any, ...]:
        """The FIELDS, adapted for `insert_returning_ids(..., adapted=True)`."""
        first = to_db(self.first_message_at)
        return (self.channel_id, self.person_id, self.subject, self.status, self.priority,
                self.intent, self.sentiment, self.team_id, "[]", self._n, first,
                to_db(self.last_message_at), to_db(self.awaiting_since),
                to_db(self.first_response_at), to_db(self.last_response_at),
                to_db(self.sla_due_at), to_db(self.resolution_due_at),
                self.first_response_met, self.policy_id, 0, first)


_HIGH, _NORMAL, _LOW = (str(p.value) for p in (Priority.HIGH, Priority.NORMAL, Priority.LOW))


def _priority(complaint: bool, sentiment_score: float, intent: str) -> str:
    """Routing: a new conversation's priority."""
    if complaint and sentiment_score <= -0.8:
        return _HIGH
    if intent == "praise":
        return _LOW
    return _NORMAL


def _adopt_orphans(channel: Channel, assigned: dict[str, int]) -> set[int]:
    """Replies stored before their parent arrived join the parent's conversation now."""
    touched: set[int] = set()
    for _level in range(4):
        if not assigned:
            break
        orphans = select_in(
            f"SELECT id, external_id, in_reply_to FROM {table(Message)} "  # noqa: S608
            "WHERE channel_id = %s AND conversation_id IS NULL AND in_reply_to IN %s",
            [channel.pk], assigned.keys())
        next_round: dict[str, int] = {}
        adopted: list[tuple[int, int]] = []
        for pk, external_id, parent in orphans:
            conv_id = assigned[parent]
            adopted.append((conv_id, pk))
            touched.add(conv_id)
            next_round[external_id] = conv_id
        update_rows(Message, ("conversation",), adopted)
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
