"""The Bluesky connector, through the AT Protocol's XRPC endpoints.

`config.base_url` is the account's PDS (https://bsky.social), `config.identifier` the
organization's handle or DID, `secret` an app password; `rules.terms` are searched.
A session (`com.atproto.server.createSession`) is opened once and kept in the cache
until the server says it expired, since session creation is rate limited per account.

Both listings it reads page backwards (newest first, the API's `cursor` leading to older
posts), so the channel's cursor is a watermark per source: the newest `indexedAt` read.
A poll pages back until it reaches the watermark (at most `MAX_PAGES` pages); items at
the watermark itself are read again and dropped by dedupe, so none is skipped.
"""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache

from fireside.listening.ingest import RawMessage
from fireside.listening.models import Channel, Message
from fireside.listening.poll import Fetched, PollError, http_json

PAGE = 50
MAX_PAGES = 5
SESSION_SECONDS = 60 * 60  # access tokens live about two hours
REASONS = frozenset({"mention", "reply", "quote"})


class Session:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.base = str(channel.config.get("base_url", "https://bsky.social")).rstrip("/")
        self.identifier = str(channel.config.get("identifier", "")).lstrip("@")
        if not self.identifier or not channel.secret:
            raise PollError("the Bluesky channel needs config.identifier and an app "
                            "password (secret)")
        self.key = f"fireside:bluesky-session:{channel.pk}:{self.identifier}"
        self.did, self.handle, self.jwt = "", "", ""

    def open(self, *, fresh: bool = False) -> None:
        saved = None if fresh else cache.get(self.key)
        if saved is None:
            answer, _ = http_json(f"{self.base}/xrpc/com.atproto.server.createSession",
                                  body={"identifier": self.identifier,
                                        "password": self.channel.secret})
            saved = {"did": answer["did"], "handle": answer["handle"],
                     "jwt": answer["accessJwt"]}
            cache.set(self.key, saved, SESSION_SECONDS)
        self.did, self.handle, self.jwt = saved["did"], saved["handle"], saved["jwt"]

    def call(self, method: str, params: dict[str, str] | None = None,
             body: dict[str, Any] | None = None) -> Any:
        """One XRPC call; an expired session is opened afresh once."""
        if not self.jwt:
            self.open()
        url = f"{self.base}/xrpc/{method}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            return http_json(url, headers={"Authorization": f"Bearer {self.jwt}"},
                             body=body)[0]
        except PollError as error:
            if "HTTP 401" not in str(error) and "ExpiredToken" not in str(error):
                raise
        self.open(fresh=True)
        return http_json(url, headers={"Authorization": f"Bearer {self.jwt}"}, body=body)[0]


def is_configured(channel: Channel) -> bool:
    return bool(channel.config.get("identifier") and channel.secret)


def fetch(channel: Channel) -> Fetched:
    session = Session(channel)
    session.open()
    cursor: dict[str, Any] = {"notifications": channel.cursor.get("notifications", ""),
                              "searches": dict(channel.cursor.get("searches", {}))}
    posts: dict[str, RawMessage] = {}
    notes, cursor["notifications"] = _pages(
        session, "app.bsky.notification.listNotifications", {}, "notifications",
        cursor["notifications"])
    for note in notes:
        if note.get("reason") in REASONS and note.get("record", {}).get("text") is not None:
            raw = _raw(note, session)
            posts[raw.external_id] = raw
    for term in channel.rules.get("terms", []):
        term = str(term).strip()
        if not term:
            continue
        found, cursor["searches"][term] = _pages(
            session, "app.bsky.feed.searchPosts", {"q": term, "sort": "latest"}, "posts",
            cursor["searches"].get(term, ""))
        for post in found:
            raw = _raw(post, session)
            posts[raw.external_id] = raw
    return Fetched(list(posts.values()), cursor)


def _pages(session: Session, method: str, params: dict[str, str], key: str,
           mark: str) -> tuple[list[dict[str, Any]], str]:
    """Items indexed at or after the watermark `mark`, and the new watermark."""
    items: list[dict[str, Any]] = []
    newest = mark
    page_cursor = ""
    for _page in range(MAX_PAGES):
        query = {**params, "limit": str(PAGE)}
        if page_cursor:
            query["cursor"] = page_cursor
        answer = session.call(method, query)
        page = answer.get(key, []) if isinstance(answer, dict) else []
        reached = False
        for item in page:
            indexed = str(item.get("indexedAt", ""))
            if mark and _when(indexed) < _when(mark):
                reached = True
                continue
            items.append(item)
            if not newest or _when(indexed) > _when(newest):
                newest = indexed
        page_cursor = str(answer.get("cursor") or "")
        if reached or not page_cursor or not mark:
            break  # the first poll starts from the newest page only
    return items, newest


def _when(stamp: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _raw(item: dict[str, Any], session: Session) -> RawMessage:
    """A notification or a post view as a message; both carry uri, author and record."""
    author = item.get("author") or {}
    record = item.get("record") or {}
    handle = str(author.get("handle", ""))
    uri = str(item["uri"])
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri", "")
    return RawMessage(
        external_id=uri, author=handle, author_name=str(author.get("displayName") or ""),
        text=str(record.get("text") or "(empty)"),
        created_at=_when(str(record.get("createdAt") or item.get("indexedAt", ""))),
        in_reply_to=str(parent), url=web_url(handle, uri),
        outbound=author.get("did") == session.did or handle == session.handle)


def web_url(handle: str, uri: str) -> str:
    """bsky.app's address of a post: at://did/app.bsky.feed.post/rkey."""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def post_reply(message: Message) -> tuple[str, str]:
    """Post an outbound message as a reply to its parent; returns the new post's at-uri
    and web address. The parent is read first for its cid and its thread's root."""
    session = Session(message.channel)
    session.open()
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": message.text,
                              "createdAt": datetime.now(UTC).isoformat().replace(
                                  "+00:00", "Z")}
    if message.in_reply_to.startswith("at://"):
        found = session.call("app.bsky.feed.getPosts", {"uris": message.in_reply_to})
        views = found.get("posts", []) if isinstance(found, dict) else []
        if not views:
            raise PollError(f"the post {message.in_reply_to} is gone")
        parent = {"uri": views[0]["uri"], "cid": views[0]["cid"]}
        root = (views[0].get("record", {}).get("reply") or {}).get("root") or parent
        record["reply"] = {"root": {"uri": root["uri"], "cid": root["cid"]},
                           "parent": parent}
    created = session.call("com.atproto.repo.createRecord", body={
        "repo": session.did, "collection": "app.bsky.feed.post", "record": record})
    return str(created["uri"]), web_url(session.handle, str(created["uri"]))
