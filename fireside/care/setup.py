"""Writes for how care is run: SLA policies, the rota, saved replies, round-robin.

Only care leads (admins and community managers) change policies and the rota; any agent
may keep saved replies and assign round-robin.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from fireside.care.models import (
    BusinessCalendar,
    Conversation,
    Priority,
    RotaShift,
    SavedReply,
    SlaPolicy,
    Status,
)
from fireside.care.rota import agents_on_shift
from fireside.errors import ActionError, Forbidden
from fireside.people.models import User

LEADS = ("admin", "community_manager")


def is_lead(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in LEADS)


def _require_lead(user: User) -> None:
    if not is_lead(user):
        raise Forbidden("Only admins and community managers change how care is run.")


def _minutes(value: object, what: str) -> int:
    try:
        minutes = int(str(value))
    except ValueError:
        raise ActionError(f"{what} must be a whole number of minutes.") from None
    if not 1 <= minutes <= 60 * 24 * 90:
        raise ActionError(f"{what} must be between 1 minute and 90 days.")
    return minutes


def check_save_policy(lead: User, *, name: str, first_response: object,
                      next_response: object, resolution: object, warn_before: object = 15,
                      priority: str = "", channel_id: int | None = None,
                      calendar_id: int | None = None, policy: SlaPolicy | None = None,
                      escalate_after: object = 30) -> SlaPolicy:
    _require_lead(lead)
    name = name.strip()
    if not name or len(name) > 80:
        raise ActionError("A policy needs a name of at most 80 characters.")
    if priority not in ("", *Priority.values):
        raise ActionError(f"Unknown priority {priority!r}.")
    if calendar_id and not BusinessCalendar.objects.filter(pk=calendar_id).exists():
        raise ActionError("No such business calendar.")
    clash = SlaPolicy.objects.filter(priority=priority, channel__isnull=channel_id is None)
    if channel_id is not None:
        clash = clash.filter(channel_id=channel_id)
    if policy is not None:
        clash = clash.exclude(pk=policy.pk)
    if clash.exists():
        raise ActionError("Another policy covers this channel and priority already.")
    policy = policy or SlaPolicy()
    policy.name, policy.priority, policy.channel_id = name, priority, channel_id
    policy.first_response_minutes = _minutes(first_response, "First response")
    policy.next_response_minutes = _minutes(next_response, "Next response")
    policy.resolution_minutes = _minutes(resolution, "Resolution")
    policy.warn_before_minutes = _minutes(warn_before, "Warning")
    policy.escalate_after_minutes = _minutes(escalate_after, "Escalation to the team lead")
    policy.calendar_id = calendar_id
    policy.save()
    return policy


def do_delete_policy(lead: User, policy: SlaPolicy) -> None:
    _require_lead(lead)
    policy.delete()


def check_add_shift(lead: User, *, agent_id: int, weekday: int, start_hour: int,
                    end_hour: int, time_zone: str = "UTC") -> RotaShift:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    _require_lead(lead)
    agent = User.objects.filter(pk=agent_id, is_active=True).first()
    if agent is None or not agent.is_staff_member:
        raise ActionError("Only staff can be on the rota.")
    if not 0 <= weekday <= 6:
        raise ActionError("The weekday is 0 (Monday) to 6 (Sunday).")
    if not 0 <= start_hour < end_hour <= 24:
        raise ActionError("A shift starts before it ends, within one day (0 to 24).")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ActionError(f"Unknown time zone {time_zone!r}.") from None
    return RotaShift.objects.create(agent=agent, weekday=weekday, start_hour=start_hour,
                                    end_hour=end_hour, time_zone=time_zone)


def do_remove_shift(lead: User, shift: RotaShift) -> None:
    _require_lead(lead)
    shift.delete()


def check_save_reply(agent: User, *, title: str, body: str) -> SavedReply:
    title, body = title.strip(), body.strip()
    if not title or len(title) > 100:
        raise ActionError("A saved reply needs a title of at most 100 characters.")
    if not body or len(body) > 5000:
        raise ActionError("A saved reply needs a text of at most 5,000 characters.")
    if SavedReply.objects.filter(title=title).exists():
        raise ActionError(f"A saved reply titled {title!r} exists already.")
    return SavedReply.objects.create(title=title, body=body)


def do_delete_saved_reply(agent: User, reply: SavedReply) -> None:
    reply.delete()


def do_assign_round_robin(limit: int = 500) -> dict[int, int]:
    """Give unowned open conversations, most urgent first, to the agents on shift in
    turn; the turn carries over between calls. Returns {agent id: conversations given}."""
    agents = sorted(set(agents_on_shift()))
    if not agents:
        return {}
    last = cache.get("care:round-robin:last")
    start = next((i + 1 for i, pk in enumerate(agents) if pk == last), 0)
    order = agents[start:] + agents[:start]
    waiting = list(Conversation.objects.filter(status=Status.OPEN, owner__isnull=True)
                   .order_by("sla_due_at", "id").values_list("id", flat=True)[:limit])
    given: dict[int, list[int]] = {}
    for i, conv_id in enumerate(waiting):
        given.setdefault(order[i % len(order)], []).append(conv_id)
    for agent_id, ids in given.items():
        # Only still-unowned ones: an agent may have taken one meanwhile.
        Conversation.objects.filter(id__in=ids, owner__isnull=True).update(owner_id=agent_id)
    if waiting:
        cache.set("care:round-robin:last", order[(len(waiting) - 1) % len(order)], None)
    return {agent_id: len(ids) for agent_id, ids in given.items()}

