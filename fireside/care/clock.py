"""A conversation's clock, derived from its timestamps and its policy's targets.

`wind` is the one place that decides `sla_due_at`, `resolution_due_at` and whether the
first-response and resolution targets were met; the ingest pipeline, replies, state
changes and incidents all call it after changing a conversation's timestamps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from fireside.care.sla import Targets, add_minutes, minutes_between


class Clocked(Protocol):
    status: str
    first_message_at: datetime
    awaiting_since: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    sla_due_at: datetime | None
    resolution_due_at: datetime | None
    first_response_met: bool | None
    resolution_met: bool | None
    policy_id: int | None


def wind(conv: Clocked, targets: Targets) -> None:
    """Set the due times for the conversation's current state (see docs/care.md)."""
    conv.policy_id = targets.policy_id
    first_due = add_minutes(conv.first_message_at, targets.first_response, targets.hours)
    if conv.first_response_at is not None and conv.first_response_met is None:
        conv.first_response_met = conv.first_response_at <= first_due
    if conv.status == "resolved":
        conv.sla_due_at = None
        if conv.resolution_met is None and conv.resolved_at is not None:
            due = conv.resolution_due_at or add_minutes(
                conv.first_message_at, targets.resolution, targets.hours)
            conv.resolution_met = conv.resolved_at <= due
        conv.resolution_due_at = None
        return
    if conv.resolution_due_at is None:
        conv.resolution_due_at = add_minutes(conv.first_message_at, targets.resolution,
                                             targets.hours)
    if conv.status == "waiting" or conv.awaiting_since is None:
        conv.sla_due_at = None  # the clock pauses while we wait on the customer
    elif conv.first_response_at is None:
        conv.sla_due_at = first_due
    else:
        conv.sla_due_at = add_minutes(conv.awaiting_since, targets.next_response, targets.hours)


def reopen(conv: Clocked, targets: Targets, now: datetime) -> None:
    """The customer wrote again: the conversation is open, and a paused resolution clock
    resumes, its due time pushed back by the working time spent waiting on them."""
    paused_at = getattr(conv, "paused_at", None)
    if conv.status == "waiting" and paused_at is not None and conv.resolution_due_at:
        waited = minutes_between(paused_at, now, targets.hours)
        conv.resolution_due_at = add_minutes(conv.resolution_due_at, waited, targets.hours)
    if conv.status == "resolved":
        conv.resolution_due_at = None
        conv.resolution_met = None
    conv.status = "open"
    conv.resolved_at = None
    conv.paused_at = None  # type: ignore[attr-defined]
