"""Factories for relationships tests and benchmarks: messages enter through the real
ingest pipeline, with the real signals reader."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from fireside.listening.actions import channel_named
from fireside.listening.ingest import IngestResult, RawMessage, ingest_batch
from fireside.listening.models import Channel, Identity
from fireside.people.models import Person, User

_seq = itertools.count(1)
PRAISE = ["I love the new Ember grinder, it is fantastic!",
          "Thanks so much, your support team is wonderful",
          "Best coffee ever, great service"]
COMPLAINT = "My order never arrived and nobody answers. Terrible."


def hear(texts: Iterable[str], *, handle: str, member: User | None = None,
         channel: Channel | None = None, hours_ago: float = 1.0) -> IngestResult:
    """Messages from `handle` on `channel` (a Mastodon channel by default), one an hour
    apart ending `hours_ago` ago; linked to `member` when given."""
    channel = channel or channel_named("Mastodon", "mastodon")
    texts = list(texts)
    now = timezone.now()
    raws = [RawMessage(external_id=f"test-{next(_seq)}", author=handle, text=text,
                       created_at=now - timedelta(hours=hours_ago + len(texts) - 1 - i),
                       user_id=member.pk if member else None)
            for i, text in enumerate(texts)]
    return ingest_batch(channel, raws)


def person_of(handle: str) -> Person:
    return Identity.objects.select_related("person").get(handle=handle).person
