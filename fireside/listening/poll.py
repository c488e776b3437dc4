"""Polling the connectors that fetch from the internet: RSS/Atom, Mastodon, Bluesky, IMAP.

Each connector's `fetch(channel)` reads what is new since `Channel.cursor` and returns the
messages with the cursor that follows them; `poll_channel` hands both to `ingest_batch`,
which saves the cursor in the batch's transaction. A crash anywhere before that commit
leaves the old cursor, so the next poll fetches the same items again (and dedupe by
external id drops any it had stored): a restart neither loses nor repeats a message.

A failing channel waits 1 min x 2^(failures - 1), at most an hour, before its next try;
one success resets it.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fireside.listening.ingest import IngestResult, RawMessage, ingest_batch
from fireside.listening.models import Channel, ChannelKind

log = logging.getLogger("fireside.listening")

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
# A claimed channel is left alone this long, so two workers never poll it at once; the
# poll itself sets the real next time when it ends.
LEASE = timedelta(minutes=5)
TIMEOUT = 20.0  # seconds for one HTTP request
USER_AGENT = "Fireside (+https://github.com/fireside)"


class PollError(Exception):
    """A connector could not read its source (bad answer, bad configuration)."""


@dataclass
class Fetched:
    messages: list[RawMessage]
    cursor: dict[str, Any]


Fetcher = Callable[[Channel], Fetched]


def _fetchers() -> dict[str, Fetcher]:
    from fireside.listening import bluesky, feeds, imap, mastodon

    return {ChannelKind.RSS: feeds.fetch, ChannelKind.MASTODON: mastodon.fetch,
            ChannelKind.BLUESKY: bluesky.fetch, ChannelKind.IMAP: imap.fetch}


POLLED_KINDS = (ChannelKind.RSS, ChannelKind.MASTODON, ChannelKind.BLUESKY, ChannelKind.IMAP)


def backoff(failures: int) -> timedelta:
    """How long a channel that failed `failures` times in a row waits before its next try."""
    if failures <= 0:
        return timedelta(0)
    return min(BACKOFF_BASE * 2 ** min(failures - 1, 16), BACKOFF_MAX)


def poll_channel(channel_id: int, *, now: datetime | None = None) -> IngestResult | None:
    """Fetch what is new on a channel and ingest it with the new cursor; None on failure
    (recorded on the channel, which then waits out its backoff)."""
    now = now or timezone.now()
    channel = Channel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None or channel.config.get("simulated"):
        return None
    fetcher = _fetchers().get(channel.kind)
    if fetcher is None:
        return None
    try:
        fetched = fetcher(channel)
        result = ingest_batch(channel, fetched.messages, cursor=fetched.cursor)
    except Exception as error:  # any failure: record it, back off, never crash the worker
        failures = channel.failures + 1
        wait = backoff(failures)
        Channel.objects.filter(pk=channel.pk).update(
            failures=failures, last_error=f"{type(error).__name__}: {error}"[:500],
            next_poll_at=now + wait)
        log.warning("polling channel %s failed %d time(s), next try in %s: %s",
                    channel.pk, failures, wait, error)
        return None
    Channel.objects.filter(pk=channel.pk).update(
        failures=0, last_error="", next_poll_at=now + timedelta(seconds=channel.poll_seconds))
    return result


def claim_due(now: datetime | None = None) -> list[int]:
    """Claim every active polled channel that is due; returns their ids.

    Claiming moves `next_poll_at` forward by a lease in one conditional UPDATE per channel,
    so a second scheduler pass or worker does not poll the same channel concurrently.
    """
    now = now or timezone.now()
    due = (Channel.objects.filter(is_active=True, kind__in=POLLED_KINDS)
           .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
           .values_list("id", "next_poll_at", "config"))
    claimed = []
    for pk, next_at, config in due:
        if isinstance(config, dict) and config.get("simulated"):
            continue  # the demo's channels: their messages come from the simulator
        if Channel.objects.filter(pk=pk, next_poll_at=next_at).update(
                next_poll_at=now + LEASE):
            claimed.append(pk)
    return claimed


def http_json(url: str, *, headers: Mapping[str, str] | None = None,
              body: Mapping[str, Any] | None = None) -> tuple[Any, Mapping[str, str]]:
    """GET (or POST `body` as JSON to) an http(s) URL; returns the parsed JSON and the
    response headers. Any non-2xx answer or unreadable body raises PollError."""
    if not url.startswith(("https://", "http://")):
        raise PollError(f"not an http(s) address: {url[:80]!r}")
    data = None
    sent = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=sent,  # noqa: S310 (checked)
                                     method="POST" if data is not None else "GET")
    raw, answer_headers = _open(request)
    try:
        return json.loads(raw or b"null"), answer_headers
    except ValueError:
        raise PollError(f"{url}: the answer is not JSON") from None


def http_bytes(url: str, *, headers: Mapping[str, str] | None = None) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise PollError(f"not an http(s) address: {url[:80]!r}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    return _open(request)[0]


def _open(request: urllib.request.Request) -> tuple[bytes, Mapping[str, str]]:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as error:
        detail = error.read()[:200].decode(errors="replace")
        raise PollError(f"{request.full_url}: HTTP {error.code} {detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise PollError(f"{request.full_url}: {error}") from None


def matches_rules(channel: Channel, text: str) -> bool:
    """Whether a text mentions one of the channel's terms or hashtags (all pass when the
    channel has neither)."""
    terms = [str(t).lower() for t in channel.rules.get("terms", []) if str(t).strip()]
    tags = [str(t).lower().lstrip("#") for t in channel.rules.get("hashtags", [])
            if str(t).strip()]
    if not terms and not tags:
        return True
    lowered = text.lower()
    return any(t in lowered for t in terms) or any(f"#{t}" in lowered for t in tags)
