"""Listening in the API: the signed inbound webhook (see docs/listening.md), the stream
and its volume over time."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from fireside.care.queries import is_agent
from fireside.errors import ActionError, Forbidden, NotFound
from fireside.listening import queries
from fireside.listening.importers import generic_message
from fireside.listening.ingest import ingest_batch
from fireside.listening.models import Channel, ChannelKind

router = Router(tags=["listening"])
MAX_MESSAGES = 1000


class WebhookOut(Schema):
    received: int
    stored: int
    duplicates: int


def verify(secret: str, body: bytes, signature: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(secret) and hmac.compare_digest(expected, signature.strip())


@router.post("/listening/webhook/{channel_id}", auth=None, response=WebhookOut)
def webhook(request: HttpRequest, channel_id: int) -> WebhookOut:
    channel = Channel.objects.filter(pk=channel_id, kind=ChannelKind.WEBHOOK,
                                     is_active=True).first()
    if channel is None:
        raise NotFound("No such webhook channel.")
    if not verify(channel.secret, request.body, request.headers.get("X-Fireside-Signature", "")):
        raise Forbidden("Bad signature: sign the raw body with HMAC-SHA256 and the secret.")
    try:
        payload = json.loads(request.body)
        rows = payload["messages"] if isinstance(payload, dict) else payload
        if len(rows) > MAX_MESSAGES:
            raise ActionError(f"At most {MAX_MESSAGES} messages per call.")
        raws = [generic_message(row) for row in rows]
    except (ValueError, KeyError, TypeError) as error:
        raise ActionError(f"Malformed payload: {error}") from error
    result = ingest_batch(channel, raws)
    return WebhookOut(received=result.received, stored=result.stored,
                      duplicates=result.duplicates)




class StreamMessageOut(Schema):
    id: int
    channel: str
    direction: str
    author: str
    text: str
    url: str
    created_at: datetime
    sentiment: str
    intent: str
    complaint: bool
    conversation_id: int | None


class VolumeOut(Schema):
    hours: list[datetime]
    negative: list[int]
    neutral: list[int]
    positive: list[int]


def _agent(request: HttpRequest) -> Any:
    user: Any = request.auth  # type: ignore[attr-defined]
    if not is_agent(user):
        raise Forbidden("Only staff can read the stream.")
    return user


@router.get("/listening/stream", response=list[StreamMessageOut])
def stream(request: HttpRequest, channel: int | None = None, sentiment: str = "",
           intent: str = "", before: int | None = None,
           limit: int = 50) -> list[StreamMessageOut]:
    """Messages newest first; page with `before` = the last id you received."""
    filters = queries.StreamFilter.of({"channel": channel, "sentiment": sentiment,
                                       "intent": intent})
    messages = queries.stream(_agent(request), filters, before_id=before,
                              limit=max(1, min(limit, 200)))
    return [StreamMessageOut(
        id=m.pk, channel=m.channel.name, direction=m.direction,
        author=m.author_name or m.author_handle, text=m.text, url=m.url,
        created_at=m.created_at, sentiment=m.sentiment, intent=m.intent,
        complaint=m.complaint, conversation_id=m.conversation_id) for m in messages]


@router.get("/listening/volume", response=VolumeOut)
def volume(request: HttpRequest, channel: int | None = None, sentiment: str = "",
           intent: str = "", hours: int = 24) -> VolumeOut:
    """Messages per hour over the last `hours` (at most 168), split by sentiment."""
    filters = queries.StreamFilter.of({"channel": channel, "sentiment": sentiment,
                                       "intent": intent})
    found = queries.volume(_agent(request), filters, hours=max(1, min(hours, 168)))
    return VolumeOut(hours=found.hours, **found.counts)
