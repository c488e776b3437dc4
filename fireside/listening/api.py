"""Listening in the API: the signed inbound webhook (see docs/listening.md)."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.http import HttpRequest
from ninja import Router, Schema

from fireside.errors import ActionError, Forbidden, NotFound
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


