"""The RSS 2.0 and Atom connector: `config.url` is the feed.

An item's external id is its `guid` (RSS) or `id` (Atom), else its link. The cursor keeps
the newest published date seen and the ids seen lately: an item older than that date, or
already seen, is skipped. The channel's rules (terms, hashtags), when set, filter items.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from fireside.listening.ingest import RawMessage
from fireside.listening.models import Channel
from fireside.listening.poll import Fetched, PollError, http_bytes, matches_rules

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SEEN_KEPT = 500
_TAG = re.compile(r"<[^>]+>")


def fetch(channel: Channel) -> Fetched:
    url = str(channel.config.get("url", ""))
    if not url:
        raise PollError("the feed channel has no config.url")
    items = parse(http_bytes(url, headers={"Accept": "application/rss+xml, "
                                           "application/atom+xml, application/xml"}))
    newest = channel.cursor.get("newest")
    since = datetime.fromisoformat(newest) if newest else None
    seen = list(channel.cursor.get("seen", []))
    known = set(seen)
    fresh = [raw for raw in items if raw.external_id not in known
             and (since is None or raw.created_at >= since)]
    fresh.sort(key=lambda raw: raw.created_at)
    seen.extend(raw.external_id for raw in fresh)
    dates = [raw.created_at for raw in fresh] + ([since] if since else [])
    cursor: dict[str, Any] = {"seen": seen[-SEEN_KEPT:]}
    if dates:
        cursor["newest"] = max(dates).isoformat()
    return Fetched([raw for raw in fresh if matches_rules(channel, raw.text)], cursor)


def parse(body: bytes) -> list[RawMessage]:
    """The items of an RSS 2.0 or Atom document."""
    if b"<!ENTITY" in body:
        # Feeds never need entity declarations; refusing them rules out expansion bombs.
        raise PollError("the feed declares XML entities")
    try:
        root = ET.fromstring(body)  # noqa: S314 (no entity declarations, checked above)
    except ET.ParseError as error:
        raise PollError(f"the feed is not well-formed XML: {error}") from None
    if root.tag == f"{ATOM}feed":
        return [_atom_entry(entry) for entry in root.iter(f"{ATOM}entry")]
    if root.tag == "rss":
        return [_rss_item(item) for item in root.iter("item")]
    raise PollError(f"not an RSS or Atom feed (root element {root.tag!r})")


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _plain(markup: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def _joined(title: str, summary: str) -> str:
    return f"{title}\n\n{summary}" if title and summary else title or summary or "(empty)"


def _rss_item(item: ET.Element) -> RawMessage:
    link = _text(item.find("link"))
    published = _text(item.find("pubDate")) or _text(item.find(f"{DC}date"))
    try:
        created = parsedate_to_datetime(published) if published else datetime.now(UTC)
    except (TypeError, ValueError):
        created = _iso(published)
    author = _text(item.find("author")) or _text(item.find(f"{DC}creator"))
    return RawMessage(
        external_id=_text(item.find("guid")) or link,
        author=author or "feed", author_name=author,
        text=_joined(_plain(_text(item.find("title"))),
                     _plain(_text(item.find("description")))),
        created_at=created if created.tzinfo else created.replace(tzinfo=UTC), url=link)


def _atom_entry(entry: ET.Element) -> RawMessage:
    link = ""
    for candidate in entry.findall(f"{ATOM}link"):
        if candidate.get("rel", "alternate") == "alternate":
            link = candidate.get("href", "")
            break
    published = _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
    author = _text(entry.find(f"{ATOM}author/{ATOM}name"))
    summary = _text(entry.find(f"{ATOM}summary")) or _text(entry.find(f"{ATOM}content"))
    return RawMessage(
        external_id=_text(entry.find(f"{ATOM}id")) or link, author=author or "feed",
        author_name=author, text=_joined(_plain(_text(entry.find(f"{ATOM}title"))),
                                         _plain(summary)),
        created_at=_iso(published), url=link)


def _iso(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
