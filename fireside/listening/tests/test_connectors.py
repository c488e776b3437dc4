"""The polling connectors against a local server answering recorded API responses.

Each fixture in fixtures/ follows its API's documented format (RSS 2.0, Atom, Mastodon's
REST API, the AT Protocol's XRPC); the server replays them and records every request.
"""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from fireside.care.actions import do_reply
from fireside.care.models import Conversation
from fireside.listening import poll
from fireside.listening.actions import do_create_channel
from fireside.listening.connectors import deliver
from fireside.listening.feeds import parse
from fireside.listening.ingest import ingest_batch
from fireside.listening.models import Channel, Direction, Message
from fireside.listening.schedule import JOBS, _task
from fireside.listening.tests.conftest import raw
from fireside.testing import make_user

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Reply = tuple[int, bytes, dict[str, str]]


class FakeServer:
    """Answers each (method, path) with its queued replies in order, the last one again
    once the queue is down to it; records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[Request] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def on(self, method: str, path: str, *replies: Reply) -> None:
        self.routes[(method, path)] = list(replies)

    def to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _answer(self, method: str, path: str) -> Reply:
        queue = self.routes.get((method, path))
        if not queue:
            return 404, b'{"error":"NotFound"}', {"Content-Type": "application/json"}
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append(Request(
                    self.command, split.path, parse_qs(split.query),
                    dict(self.headers.items()), self.rfile.read(length)))
                status, body, headers = server._answer(self.command, split.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def fixture(name: str, status: int = 200, **headers: str) -> Reply:
    kind = "application/json" if name.endswith(".json") else "application/xml"
    return status, (FIXTURES / name).read_bytes(), {"Content-Type": kind, **headers}


def empty(body: str = "[]") -> Reply:
    return 200, body.encode(), {"Content-Type": "application/json"}


FAILURE: Reply = (500, b"<h1>Internal Server Error</h1>", {"Content-Type": "text/html"})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    thread = threading.Thread(target=fake.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()


def texts(channel: Channel) -> list[str]:
    return list(channel.messages.order_by("created_at").values_list("text", flat=True))


# The poller: cursor, crash safety, backoff --------------------------------------------

@pytest.fixture
def feed(server: FakeServer) -> Channel:
    server.on("GET", "/feed.xml", fixture("feed.rss"))
    return do_create_channel("Reviews", "rss", config={"url": f"{server.url}/feed.xml"},
                             rules={"terms": ["Ember"]})


def test_a_feed_is_read_through_the_rules_and_its_cursor_saved(feed: Channel) -> None:
    result = poll.poll_channel(feed.pk)
    assert result is not None and result.stored == 2
    assert texts(feed) == [
        "Why I switched to an Ember Coffee subscription\n\n"
        "Fresh beans every two weeks, and pausing it is easy.",
        "Ember Coffee's new grinder: loud, and the burrs wobble\n\n"
        "We tested the Ember grinder for a week. It is loud & the burrs wobble.",
    ]
    grinder = feed.messages.get(external_id="reviews.example.org/post/1842")
    assert grinder.author_handle == "Priya Raman"
    assert grinder.url == "https://reviews.example.org/2025/03/ember-grinder"
    feed.refresh_from_db()
    assert feed.cursor["newest"] == "2025-03-04T10:15:00+00:00"
    assert len(feed.cursor["seen"]) == 3
    assert feed.failures == 0 and feed.next_poll_at is not None


def test_polling_again_stores_only_what_is_new(feed: Channel, server: FakeServer) -> None:
    poll.poll_channel(feed.pk)
    again = poll.poll_channel(feed.pk)
    assert again is not None and again.received == 0
    server.on("GET", "/feed.xml", fixture("feed-newer.rss"))
    newer = poll.poll_channel(feed.pk)
    assert newer is not None and newer.received == 1 and newer.stored == 1
    assert feed.messages.count() == 3
    assert feed.messages.filter(external_id="reviews.example.org/post/1850").exists()


def test_a_crash_between_fetch_and_commit_neither_loses_nor_repeats_a_message(
        feed: Channel, server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash() -> None:
        raise RuntimeError("worker killed mid-batch")

    def ingest_then_crash(channel: Channel, raws: Any, *, cursor: Any) -> Any:
        return ingest_batch(channel, raws, cursor=cursor, checkpoint=crash)

    monkeypatch.setattr(poll, "ingest_batch", ingest_then_crash)
    assert poll.poll_channel(feed.pk) is None
    feed.refresh_from_db()
    assert feed.messages.count() == 0 and feed.cursor == {}
    assert feed.failures == 1 and "worker killed" in feed.last_error

    monkeypatch.undo()
    server.on("GET", "/feed.xml", fixture("feed-newer.rss"))
    poll.poll_channel(feed.pk)
    poll.poll_channel(feed.pk)
    ids = list(feed.messages.values_list("external_id", flat=True))
    assert sorted(ids) == ["reviews.example.org/post/1842", "reviews.example.org/post/1850"]


def test_a_failing_source_backs_off_and_one_success_resets_it(
        feed: Channel, server: FakeServer) -> None:
    server.on("GET", "/feed.xml", FAILURE, FAILURE, fixture("feed.rss"))
    now = timezone.now()
    assert poll.poll_channel(feed.pk, now=now) is None
    feed.refresh_from_db()
    assert feed.failures == 1 and "HTTP 500" in feed.last_error
    assert feed.next_poll_at == now + timedelta(minutes=1)
    assert poll.claim_due(now) == []  # waiting out its backoff

    poll.poll_channel(feed.pk, now=now)
    feed.refresh_from_db()
    assert feed.failures == 2 and feed.next_poll_at == now + timedelta(minutes=2)

    assert poll.poll_channel(feed.pk, now=now) is not None
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_error == ""
    assert feed.next_poll_at == now + timedelta(seconds=feed.poll_seconds)
    assert feed.messages.count() == 2


def test_backoff_doubles_from_a_minute_up_to_an_hour() -> None:
    assert [poll.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 6, 7, 50)] == [
        1, 2, 4, 32, 60, 60]


def test_due_channels_are_claimed_once_and_simulated_ones_never(feed: Channel) -> None:
    do_create_channel("Demo Mastodon", "mastodon", config={"simulated": True})
    do_create_channel("Uploads", "import")
    now = timezone.now()
    assert poll.claim_due(now) == [feed.pk]
    assert poll.claim_due(now) == []
    assert poll.claim_due(now + poll.LEASE) == [feed.pk]


def test_polling_is_a_periodic_job_of_the_scheduler() -> None:
    job = next(job for job in JOBS if job.name == "poll-channels")
    assert callable(_task(job.task).enqueue)  # type: ignore[attr-defined]


def test_an_atom_feed_gives_entries_with_their_ids_links_and_dates() -> None:
    first, second = parse((FIXTURES / "feed.atom").read_bytes())
    assert first.external_id == "tag:brewnotes.example.net,2025:entry-77"
    assert first.url == "https://brewnotes.example.net/2025/ember-app"
    assert first.text == ("The Ember app would not load this morning\n\n"
                          "Tried to order beans at 8am: the app showed a blank screen.")
    assert first.author == "Mara Olsen"
    assert first.created_at.isoformat() == "2025-03-04T12:30:00+00:00"
    assert second.created_at.isoformat() == "2025-03-01T07:00:00+01:00"


def test_a_feed_that_declares_entities_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel/></rss>'
    with pytest.raises(poll.PollError):
        parse(bomb)


# Mastodon -----------------------------------------------------------------------------

@pytest.fixture
def mastodon(server: FakeServer) -> Channel:
    server.on("GET", "/api/v1/notifications", fixture("mastodon-notifications.json",
              Link=f'<{server.url}/api/v1/notifications?max_id=412850>; rel="next", '
                   f'<{server.url}/api/v1/notifications?min_id=412897>; rel="prev"'),
              empty())
    server.on("GET", "/api/v1/timelines/tag/embercoffee", fixture("mastodon-tag.json"),
              empty())
    return do_create_channel("Mastodon", "mastodon", secret="token-123",
                             config={"base_url": server.url, "account": "embercoffee"},
                             rules={"hashtags": ["#embercoffee"]})


def test_mastodon_mentions_and_hashtags_are_ingested_once_each(
        mastodon: Channel, server: FakeServer) -> None:
    result = poll.poll_channel(mastodon.pk)
    assert result is not None and result.stored == 4
    ana = mastodon.messages.get(external_id="113912504312345678")
    assert ana.author_handle == "ana@fosstodon.org" and ana.author_name == "Ana Souza"
    assert ana.text == ("@embercoffee my grinder arrived broken, the hopper is cracked. "
                        "Order 4471. Can you help?")
    assert ana.url == "https://fosstodon.org/@ana/113912504312345678"
    cai = mastodon.messages.get(external_id="113912700011112222")
    assert cai.text == "Third morning in a row the #EmberCoffee app won't load.\nAnyone else?"
    ours = mastodon.messages.get(external_id="113912721099990000")
    assert ours.direction == Direction.OUT and ours.conversation_id == cai.conversation_id
    assert {r.headers["Authorization"] for r in server.requests} == {"Bearer token-123"}
    assert server.requests[0].query["types[]"] == ["mention"]
    mastodon.refresh_from_db()
    assert mastodon.cursor == {"mentions": "412897",
                               "tags": {"embercoffee": "113912721099990000"}}

    again = poll.poll_channel(mastodon.pk)
    assert again is not None and again.received == 0
    assert server.to("/api/v1/notifications")[-1].query["min_id"] == ["412897"]
    assert server.to("/api/v1/timelines/tag/embercoffee")[-1].query["min_id"] == [
        "113912721099990000"]
    assert mastodon.messages.count() == 4


def test_a_mastodon_reply_is_posted_and_named_after_the_new_status(
        mastodon: Channel, server: FakeServer) -> None:
    server.on("POST", "/api/v1/statuses", fixture("mastodon-status.json"))
    poll.poll_channel(mastodon.pk)
    conv = Conversation.objects.get(messages__external_id="113912504312345678")
    reply = do_reply(make_user("ada", role="agent"), conv,
                     "So sorry! A new grinder ships today.")
    assert deliver(reply.pk) is True
    posted = server.to("/api/v1/statuses")
    assert len(posted) == 1
    assert posted[0].json() == {"status": "@ana@fosstodon.org So sorry! A new grinder ships "
                                          "today.", "in_reply_to_id": "113912504312345678"}
    assert posted[0].headers["Authorization"] == "Bearer token-123"
    assert posted[0].headers["Idempotency-Key"] == f"fireside-{reply.pk}"
    reply.refresh_from_db()
    assert reply.external_id == "113913000055554444" and not reply.sent_elsewhere
    assert reply.url == "https://mastodon.social/@embercoffee/113913000055554444"


# Bluesky ------------------------------------------------------------------------------

@pytest.fixture
def bluesky(server: FakeServer) -> Channel:
    cache.clear()  # no session left over from another test
    server.on("POST", "/xrpc/com.atproto.server.createSession",
              fixture("bluesky-session.json"))
    server.on("GET", "/xrpc/app.bsky.notification.listNotifications",
              fixture("bluesky-notifications.json"))
    server.on("GET", "/xrpc/app.bsky.feed.searchPosts", fixture("bluesky-search.json"))
    return do_create_channel("Bluesky", "bluesky", secret="abcd-efgh-ijkl-mnop",
                             config={"base_url": server.url,
                                     "identifier": "embercoffee.bsky.social"},
                             rules={"terms": ["ember coffee"]})


def test_bluesky_mentions_replies_and_searches_are_ingested_once_each(
        bluesky: Channel, server: FakeServer) -> None:
    result = poll.poll_channel(bluesky.pk)
    assert result is not None and result.stored == 3  # the like is not a message
    dana = bluesky.messages.get(
        external_id="at://did:plc:dana3k2j4h5g6f7d8s9a0qwe/app.bsky.feed.post/3lj3xyzmention1")
    assert dana.author_handle == "dana.bsky.social" and dana.author_name == "Dana Lee"
    assert dana.url == "https://bsky.app/profile/dana.bsky.social/post/3lj3xyzmention1"
    eli = bluesky.messages.get(author_handle="eli.example.com")
    assert eli.in_reply_to.endswith("/app.bsky.feed.post/3lj2abcd2sk2x")
    session = server.to("/xrpc/com.atproto.server.createSession")
    assert session[0].json() == {"identifier": "embercoffee.bsky.social",
                                 "password": "abcd-efgh-ijkl-mnop"}
    search = server.to("/xrpc/app.bsky.feed.searchPosts")[0]
    assert search.query["q"] == ["ember coffee"]
    assert search.headers["Authorization"].startswith("Bearer eyJ0eXAiOiJhdCtqd3Qi")
    bluesky.refresh_from_db()
    assert bluesky.cursor == {"notifications": "2025-03-04T09:45:02.310Z",
                              "searches": {"ember coffee": "2025-03-04T10:10:00.777Z"}}

    again = poll.poll_channel(bluesky.pk)
    assert again is not None and again.stored == 0
    assert bluesky.messages.count() == 3
    assert len(session) == 1  # the session is reused from the cache


def test_a_bluesky_reply_carries_root_and_parent_refs(
        bluesky: Channel, server: FakeServer) -> None:
    server.on("GET", "/xrpc/app.bsky.feed.getPosts", fixture("bluesky-getposts.json"))
    server.on("POST", "/xrpc/com.atproto.repo.createRecord",
              fixture("bluesky-createrecord.json"))
    poll.poll_channel(bluesky.pk)
    conv = Conversation.objects.get(messages__author_handle="dana.bsky.social")
    reply = do_reply(make_user("ada", role="agent"), conv, "Sorry Dana! DM us your order?")
    assert deliver(reply.pk) is True
    parent = "at://did:plc:dana3k2j4h5g6f7d8s9a0qwe/app.bsky.feed.post/3lj3xyzmention1"
    assert server.to("/xrpc/app.bsky.feed.getPosts")[0].query["uris"] == [parent]
    created = server.to("/xrpc/com.atproto.repo.createRecord")[0].json()
    assert created["repo"] == "did:plc:ember4coffee7xq2vn3kz5lw"
    assert created["collection"] == "app.bsky.feed.post"
    record = created["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == "Sorry Dana! DM us your order?"
    ref = {"uri": parent, "cid": "bafyreidana1mentionaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
    assert record["reply"] == {"root": ref, "parent": ref}
    reply.refresh_from_db()
    assert reply.external_id == ("at://did:plc:ember4coffee7xq2vn3kz5lw/app.bsky.feed.post/"
                                 "3lj3ourreply99")
    assert Message.objects.filter(direction=Direction.OUT).count() == 1


def test_a_reply_on_a_channel_without_an_account_is_answered_elsewhere() -> None:
    channel = do_create_channel("Mastodon", "mastodon")
    ingest_batch(channel, [raw(external_id="1101")])
    reply = do_reply(make_user("ada", role="agent"), Conversation.objects.get(), "On it!")
    assert deliver(reply.pk) is False
    reply.refresh_from_db()
    assert reply.sent_elsewhere and reply.external_id.startswith("fireside:")


# IMAP in, SMTP out --------------------------------------------------------------------

class FakeMail(socketserver.StreamRequestHandler):
    """Just enough IMAP4rev1 (RFC 3501) or SMTP (RFC 5321) for the connector, answering
    as the RFCs' examples do; `server.mails` is the mailbox by UID, `server.log` records."""

    server: Any

    def handle(self) -> None:
        if self.server.smtp:
            self._smtp()
            return
        self._send(b"* OK [CAPABILITY IMAP4rev1] fake IMAP ready")
        while line := self.rfile.readline():
            tag, command, *args = line.decode().rstrip("\r\n").split(" ")
            self.server.log.append(" ".join([command, *args]))
            if command == "CAPABILITY":
                self._send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN")
            elif command == "EXAMINE":
                self._send(f"* {len(self.server.mails)} EXISTS".encode())
                self._send(b"* OK [UIDVALIDITY 3857529045] UIDs valid")
            elif command == "UID" and args[0] == "SEARCH":
                low = int(args[2].split(":")[0])
                uids = [u for u in self.server.mails if u >= low] or list(self.server.mails)[-1:]
                self._send(("* SEARCH " + " ".join(map(str, uids))).strip().encode())
            elif command == "UID" and args[0] == "FETCH":
                for n, uid in enumerate(map(int, args[1].split(",")), start=1):
                    body = self.server.mails[uid]
                    self.wfile.write(f"* {n} FETCH (UID {uid} RFC822 {{{len(body)}}}\r\n"
                                     .encode() + body + b")\r\n")
            elif command == "LOGOUT":
                self._send(b"* BYE logging out")
            self._send(f"{tag} OK {command} completed".encode())
            if command == "LOGOUT":
                return

    def _smtp(self) -> None:
        self._send(b"220 smtp.fake ESMTP ready")
        while line := self.rfile.readline():
            command = line.decode().strip()
            self.server.log.append(command)
            verb = command.split(" ")[0].upper()
            if verb == "EHLO":
                self._send(b"250-smtp.fake\r\n250 AUTH PLAIN")
            elif verb == "DATA":
                self._send(b"354 end with <CRLF>.<CRLF>")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.server.sent.append(data)
                self._send(b"250 OK queued")
            elif verb == "AUTH":
                self._send(b"235 2.7.0 Authentication successful")
            elif verb == "QUIT":
                self._send(b"221 bye")
                return
            else:
                self._send(b"250 OK")

    def _send(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")


def mail_server(smtp: bool) -> Any:
    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    httpd: Any = Server(("127.0.0.1", 0), FakeMail)
    httpd.smtp, httpd.log, httpd.sent = smtp, [], []
    httpd.mails = {7: (FIXTURES / "mail-1.eml").read_bytes(),
                   9: (FIXTURES / "mail-2.eml").read_bytes()}
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


@pytest.fixture
def mailbox() -> Iterator[tuple[Channel, Any, Any]]:
    imap, smtp = mail_server(smtp=False), mail_server(smtp=True)
    channel = do_create_channel("Support e-mail", "imap", secret="app-password", config={
        "host": "127.0.0.1", "port": imap.server_address[1], "ssl": False,
        "username": "support@embercoffee.example", "address": "support@embercoffee.example",
        "smtp_host": "127.0.0.1", "smtp_port": smtp.server_address[1],
        "smtp_starttls": False})
    yield channel, imap, smtp
    for server in (imap, smtp):
        server.shutdown()
        server.server_close()


def test_a_mailbox_is_read_once_by_uid_without_marking_anything_seen(
        mailbox: tuple[Channel, Any, Any]) -> None:
    channel, imap, _ = mailbox
    result = poll.poll_channel(channel.pk)
    assert result is not None and result.stored == 2
    ana = channel.messages.get(author_handle="ana.souza@example.com")
    assert ana.external_id == "<CAHx7Kq2Q0vY3@mail.example.com>"
    assert ana.author_name == "Ana Souza"
    assert ana.text == ("Grinder arrived broken (order 4471)\n\nHello,\n\nmy grinder arrived "
                        "today and the hopper is cracked. Can you send a replacement?\n\nAna")
    ben = channel.messages.get(author_handle="ben@example.org")
    assert ben.text == "Re: Your subscription\n\nThanks, but how do I pause it while I'm away?"
    assert ben.in_reply_to == "<ember-reply-1@embercoffee.example>"
    assert 'LOGIN support@embercoffee.example "app-password"' in imap.log
    assert "EXAMINE INBOX" in imap.log  # read-only: nothing is marked as seen
    channel.refresh_from_db()
    assert channel.cursor == {"uidvalidity": "3857529045", "uid": 9}

    again = poll.poll_channel(channel.pk)
    assert again is not None and again.received == 0
    assert "UID SEARCH UID 10:*" in imap.log
    assert channel.messages.count() == 2


def test_an_e_mail_reply_goes_out_over_smtp_threaded_to_the_customer(
        mailbox: tuple[Channel, Any, Any]) -> None:
    channel, _, smtp = mailbox
    poll.poll_channel(channel.pk)
    conv = Conversation.objects.get(messages__author_handle="ana.souza@example.com")
    reply = do_reply(make_user("ada", role="agent"), conv, "A new grinder ships today.")
    assert deliver(reply.pk) is True
    said = [line.lower() for line in smtp.log]
    assert "mail from:<support@embercoffee.example>" in said
    assert "rcpt to:<ana.souza@example.com>" in said
    sent = email.message_from_bytes(smtp.sent[0], policy=email.policy.default)
    assert sent["Subject"] == "Re: Grinder arrived broken (order 4471)"
    assert sent["In-Reply-To"] == "<CAHx7Kq2Q0vY3@mail.example.com>"
    assert sent.get_content().strip() == "A new grinder ships today."
    reply.refresh_from_db()
    assert reply.external_id == sent["Message-ID"]
