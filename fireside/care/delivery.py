"""Replies on their way out: each one's delivery state, retries with backoff, retry by hand.

A reply on a channel that can post starts `pending`. An attempt first claims the message
(`sending`, with a lease) in one conditional UPDATE, so the reply's task, the retry sweep
and an agent's "Retry now" never post the same reply twice at once; then it posts through
the connector and records `sent`, or `failed` with the error and when the sweep tries
again: 1, 5, 15 and 60 minutes after the first four failures. After the fifth it waits for
an agent. A claim older than its lease was lost with its worker and is taken up again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fireside.care.models import Conversation
from fireside.errors import Conflict, NotFound
from fireside.listening.connectors import DeliveryRefused, deliver
from fireside.listening.models import Delivery, Direction, Message
from fireside.listening.poll import PollError
from fireside.people.models import User

log = logging.getLogger("fireside.care")

BACKOFF_MINUTES = (1, 5, 15, 60)  # after the 1st, 2nd, 3rd and 4th failed attempt
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)  # longer than any connector's timeouts
GRACE = timedelta(minutes=2)  # a pending reply whose task never ran: the sweep sends it
SWEEP_BATCH = 20


def _claim(message_id: int, allowed: Q, now: datetime) -> bool:
    return bool(Message.objects.filter(allowed, pk=message_id, direction=Direction.OUT).update(
        delivery=Delivery.SENDING, delivery_attempts=F("delivery_attempts") + 1,
        next_delivery_at=now + LEASE))


def _attempt(message_id: int, now: datetime) -> str:
    """Post a claimed reply and record the outcome; returns the new state."""
    error, retry = "", True
    try:
        posted = deliver(message_id)
    except DeliveryRefused as refused:
        error, retry = str(refused), False
    except PollError as failed:
        error = str(failed)
    except Exception as failed:  # a connector's bug must not leave the reply claimed
        log.exception("delivering reply %s failed", message_id)
        error = f"{type(failed).__name__}: {failed}"
    if not error:
        # False: nothing to post, the connector recorded it as answered elsewhere.
        state = Delivery.SENT if posted else Delivery.NONE
        Message.objects.filter(pk=message_id).update(delivery=state, delivery_error="",
                                                     next_delivery_at=None)
        return state
    attempts = Message.objects.filter(pk=message_id).values_list(
        "delivery_attempts", flat=True).first() or MAX_ATTEMPTS
    next_at = None
    if retry and attempts < MAX_ATTEMPTS:
        next_at = now + timedelta(minutes=BACKOFF_MINUTES[min(attempts, 4) - 1])
    log.warning("reply %s not delivered (attempt %s): %s", message_id, attempts, error)
    Message.objects.filter(pk=message_id).update(
        delivery=Delivery.FAILED, delivery_error=error[:300], next_delivery_at=next_at)
    return Delivery.FAILED


def do_deliver(message_id: int, now: datetime | None = None) -> str:
    """The reply's first attempt (its task); returns the state it leaves the reply in,
    or "" when someone else holds it or it was sent already."""
    now = now or timezone.now()
    if not _claim(message_id, Q(delivery=Delivery.PENDING), now):
        return ""
    return _attempt(message_id, now)


def do_retry_due(now: datetime | None = None) -> int:
    """The sweep: try every reply whose next attempt is due; returns how many were tried."""
    now = now or timezone.now()
    due = Q(next_delivery_at__lte=now, delivery_attempts__lt=MAX_ATTEMPTS,
            delivery__in=(Delivery.PENDING, Delivery.SENDING, Delivery.FAILED))
    ids = list(Message.objects.filter(due).order_by("next_delivery_at")
               .values_list("id", flat=True)[:SWEEP_BATCH])
    tried = 0
    for message_id in ids:
        if _claim(message_id, due, now):
            _attempt(message_id, now)
            tried += 1
    return tried


def check_retry(agent: User, conv: Conversation, message_id: int,
                now: datetime | None = None) -> Message:
    """An agent's "Retry now" on a failed reply of the conversation: it goes back to
    pending and its task sends it once this commits."""
    now = now or timezone.now()
    message = conv.messages.filter(pk=message_id, direction=Direction.OUT).first()
    if message is None:
        raise NotFound("No such reply in this conversation.")
    if message.delivery != Delivery.FAILED:
        raise Conflict("This reply is not waiting for a retry.")
    with transaction.atomic():
        if not Message.objects.filter(pk=message.pk, delivery=Delivery.FAILED).update(
                delivery=Delivery.PENDING, next_delivery_at=now + GRACE):
            raise Conflict("Someone retried this reply already.")
        from fireside.care.tasks import deliver_reply

        transaction.on_commit(lambda: deliver_reply.enqueue(message.pk))
    log.info("agent %s retries reply %s", agent.pk, message.pk)
    message.refresh_from_db()
    return message
