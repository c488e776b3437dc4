"""The Mastodon connector, through the server's REST API.

`config.base_url` is the server (https://mastodon.social), `config.account` the
organization's handle there, `secret` an access token (scopes read:notifications,
read:statuses, write:statuses). It reads the account's mentions
(`GET /api/v1/notifications?types[]=mention`) and each of the channel's hashtags
(`rules.hashtags`, `GET /api/v1/timelines/tag/{tag}`), and posts replies with
`POST /api/v1/statuses`.

The cursor is the newest id read per source. Requests ask for `min_id`, the page right
after it, rather than `since_id`, which answers the newest page and so would skip the
middle when more than a page arrived between polls; up to `MAX_PAGES` pages are read per
poll, following the `Link` header's `rel="prev"` (the next newer page).
"""

from __future__ import annotations

import html
import re
import urllib.parse
from datetime import datetime
from typing import Any

from fireside.listening.ingest import RawMessage
from fireside.listening.models import Channel, Direction, Message
from fireside.listening.poll import Fetched, PollError, http_json

PAGE = 40  # the API's maximum
MAX_PAGES = 5
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p>", re.IGNORECASE)
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')


def _base(channel: Channel) -> str:
    base = str(channel.config.get("base_url", "")).rstrip("/")
    if not base:
        raise PollError("the Mastodon channel has no config.base_url")
    return base


def _auth(channel: Channel) -> dict[str, str]:
    if not channel.secret:
        raise PollError("the Mastodon channel has no access token (secret)")
    return {"Authorization": f"Bearer {channel.secret}"}


def is_configured(channel: Channel) -> bool:
    return bool(channel.config.get("base_url") and channel.secret)


def fetch(channel: Channel) -> Fetched:
    base, auth = _base(channel), _auth(channel)
    cursor: dict[str, Any] = {"mentions": channel.cursor.get("mentions", ""),
                              "tags": dict(channel.cursor.get("tags", {}))}
    statuses: dict[str, dict[str, Any]] = {}
    notes, cursor["mentions"] = _read(
        f"{base}/api/v1/notifications?types[]=mention", cursor["mentions"], auth)
    for note in notes:
        if note.get("type") == "mention" and isinstance(note.get("status"), dict):
            statuses[str(note["status"]["id"])] = note["status"]
    for tag in channel.rules.get("hashtags", []):
        tag = str(tag).lstrip("#").strip()
        if not tag:
            continue
        found, cursor["tags"][tag] = _read(
            f"{base}/api/v1/timelines/tag/{urllib.parse.quote(tag)}",
            cursor["tags"].get(tag, ""), auth)
        for status in found:
            statuses[str(status["id"])] = status
    own = str(channel.config.get("account", "")).lstrip("@").lower()
    return Fetched([_raw(status, own) for status in statuses.values()], cursor)


def _read(url: str, since: str, auth: dict[str, str]) -> tuple[list[dict[str, Any]], str]:
    """Everything after id `since` (oldest page first), and the newest id read."""
    items: list[dict[str, Any]] = []
    sep = "&" if "?" in url else "?"
    next_url = f"{url}{sep}limit={PAGE}" + (f"&min_id={since}" if since else "")
    newest = since
    for _page in range(MAX_PAGES):
        page, headers = http_json(next_url, headers=auth)
        if not isinstance(page, list):
            raise PollError(f"{url}: expected a list")
        items.extend(page)
        for item in page:
            if _newer(str(item["id"]), newest):
                newest = str(item["id"])
        if len(page) < PAGE or not since:
            break  # caught up (or the first poll: start from the newest page only)
        prev = _links(headers.get("Link") or headers.get("link") or "").get("prev")
        if not prev:
            break
        next_url = prev
    return items, newest


def _newer(a: str, b: str) -> bool:
    """Whether Mastodon id `a` is after `b` (ids are numeric strings of growing length)."""
    return not b or (len(a), a) > (len(b), b)


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in _LINK.findall(header)}


def plain(content: str) -> str:
    """A status's HTML content as text."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content))).strip()


def _raw(status: dict[str, Any], own: str) -> RawMessage:
    account = status.get("account") or {}
    acct = str(account.get("acct", ""))
    text = plain(str(status.get("content", "")))
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}"
    return RawMessage(
        external_id=str(status["id"]), author=acct,
        author_name=str(account.get("display_name") or ""), text=text or "(empty)",
        created_at=datetime.fromisoformat(str(status["created_at"])),
        in_reply_to=str(status.get("in_reply_to_id") or ""), url=str(status.get("url") or ""),
        outbound=bool(own) and acct.lower() in (own, own.split("@")[0]))


def post_reply(message: Message) -> tuple[str, str]:
    """Post an outbound message as a reply to its parent; returns the new status's id and
    URL. The parent's author is mentioned, as Mastodon delivers replies to those mentioned.
    """
    channel = message.channel
    text = message.text
    parent = Message.objects.filter(channel=channel, external_id=message.in_reply_to,
                                    direction=Direction.IN).values_list("author_handle", flat=True)
    mention = f"@{parent[0]}" if parent else ""
    if mention and mention.lower() not in text.lower():
        text = f"{mention} {text}"
    body: dict[str, Any] = {"status": text}
    if message.in_reply_to and not message.in_reply_to.startswith("fireside:"):
        body["in_reply_to_id"] = message.in_reply_to
    # The key makes a retried delivery post once: Mastodon answers the same status again.
    headers = {**_auth(channel), "Idempotency-Key": f"fireside-{message.pk}"}
    status, _ = http_json(f"{_base(channel)}/api/v1/statuses", headers=headers, body=body)
    if not isinstance(status, dict) or "id" not in status:
        raise PollError("the server did not answer a status")
    return str(status["id"]), str(status.get("url") or "")
