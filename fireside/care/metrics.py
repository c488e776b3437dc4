"""Care metrics as the field defines them (docs/care.md): response and resolution times,
SLA attainment and the distribution of first response times, per group.

Times are working minutes under each conversation's SLA policy: business hours when the
policy has a calendar, calendar hours otherwise (or always, with `hours="calendar"`).
Conversations are counted in the period their first customer message falls in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from fireside.care.models import Conversation, SlaPolicy, Status
from fireside.care.sla import Hours, add_minutes, minutes_between
from fireside.listening.models import Direction, Message

GROUPINGS = ("channel", "account", "agent", "team")
BUCKETS = (("0-1 h", 60), ("1-4 h", 240), ("4-8 h", 480), ("8-24 h", 1440),
           ("over 24 h", math.inf))
DEFAULT_FIRST_RESPONSE = 60  # minutes, as care.sla.DEFAULT_TARGETS
JSON_KEYS = ("group", "conversations", "answered", "first_response_median_minutes",
             "first_response_p90_minutes", "resolution_median_minutes", "sla_attainment")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), interpolating linearly between the closest ranks
    (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def bucket_of(minutes: float) -> str:
    for name, upper in BUCKETS:
        if minutes < upper:
            return name
    return BUCKETS[-1][0]  # pragma: no cover - the last bound is infinite


@dataclass
class Group:
    name: str
    conversations: int = 0
    first_responses: list[float] = field(default_factory=list)
    next_responses: list[float] = field(default_factory=list)
    resolutions: list[float] = field(default_factory=list)
    met: int = 0
    missed: int = 0

    def row(self) -> dict[str, Any]:
        """The JSON keys of `fireside report care`, in their order."""
        decided = self.met + self.missed
        return {
            "group": self.name,
            "conversations": self.conversations,
            "answered": len(self.first_responses),
            "first_response_median_minutes": _round(percentile(self.first_responses, 50)),
            "first_response_p90_minutes": _round(percentile(self.first_responses, 90)),
            "resolution_median_minutes": _round(percentile(self.resolutions, 50)),
            "sla_attainment": round(self.met / decided, 4) if decided else None,
        }

    def wide_row(self) -> dict[str, Any]:
        """The JSON keys, then next response and the first-response buckets."""
        row = self.row()
        row["next_response_median_minutes"] = _round(percentile(self.next_responses, 50))
        counts = dict.fromkeys((name for name, _ in BUCKETS), 0)
        for minutes in self.first_responses:
            counts[bucket_of(minutes)] += 1
        row.update(counts)
        return row


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def care_report(*, since: datetime | None = None, until: datetime | None = None,
                by: str | None = None, hours: str = "policy",
                now: datetime | None = None) -> list[Group]:
    """One `Group` per value of `by` (channel, account, agent, team), or one named "all".

    A conversation counts as answered once the organization replied; its first-response
    target is met or missed once decided, and an unanswered conversation whose target has
    passed (by `now`) counts as missed.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"--by must be one of {', '.join(GROUPINGS)}")
    now = now or timezone.now()
    convs = Conversation.objects.all()
    if since is not None:
        convs = convs.filter(first_message_at__gte=since)
    if until is not None:
        convs = convs.filter(first_message_at__lt=until)
    rows = list(convs.order_by("id").values_list(
        "id", "channel__name", "owner__username", "team__name", "policy_id",
        "first_message_at", "first_response_at", "resolved_at", "status",
        "first_response_met"))
    policies = {p.pk: p for p in SlaPolicy.objects.select_related("calendar")}
    hours_of: dict[int | None, Hours | None] = {None: None}
    for pk, policy in policies.items():
        hours_of[pk] = (Hours.of(policy.calendar) if policy.calendar and hours == "policy"
                        else None)
    ids = [row[0] for row in rows]
    replies = _replies(ids)
    groups: dict[str, Group] = {}
    for (pk, channel, owner, team, policy_id, first_at, first_resp, resolved_at, status,
         met) in rows:
        work = hours_of.get(policy_id)
        first_replier = replies.get(pk, ReplyInfo())
        name = {"channel": channel, "team": team or "(no team)",
                "agent": owner or first_replier.agent or "(unassigned)",
                "account": first_replier.account or "(none)"}.get(by or "", "all")
        group = groups.setdefault(name, Group(name))
        group.conversations += 1
        if first_resp is not None:
            group.first_responses.append(minutes_between(first_at, first_resp, work))
        if status == Status.RESOLVED and resolved_at is not None:
            group.resolutions.append(minutes_between(first_at, resolved_at, work))
        group.next_responses.extend(
            minutes_between(a, b, work) for a, b in first_replier.next_pairs)
        if met is None and first_resp is None:
            found = policies.get(policy_id) if policy_id else None
            target = found.first_response_minutes if found else DEFAULT_FIRST_RESPONSE
            if add_minutes(first_at, target, work) < now:
                met = False
        if met is True:
            group.met += 1
        elif met is False:
            group.missed += 1
    return sorted(groups.values(), key=lambda g: (-g.conversations, g.name))


@dataclass
class ReplyInfo:
    agent: str = ""
    account: str = ""
    # (customer message that followed a reply, the next reply) pairs
    next_pairs: list[tuple[datetime, datetime]] = field(default_factory=list)


def _replies(conv_ids: Iterable[int]) -> dict[int, ReplyInfo]:
    """Who first answered each conversation, and its next-response intervals."""
    out: dict[int, ReplyInfo] = {}
    ids = list(conv_ids)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        messages = (Message.objects.filter(conversation_id__in=chunk)
                    .order_by("conversation_id", "created_at", "id")
                    .values_list("conversation_id", "direction", "created_at",
                                 "agent__username", "account__handle"))
        state: dict[int, tuple[bool, datetime | None]] = {}  # answered once, waiting since
        for conv_id, direction, created_at, agent, account in messages:
            info = out.setdefault(conv_id, ReplyInfo())
            answered, waiting = state.get(conv_id, (False, None))
            if direction == Direction.IN:
                if waiting is None:
                    waiting = created_at
            else:
                if not answered:
                    info.agent, info.account = agent or "", account or ""
                elif waiting is not None:
                    info.next_pairs.append((waiting, created_at))
                answered, waiting = True, None
            state[conv_id] = (answered, waiting)
    return out
