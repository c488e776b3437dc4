"""Replies that fail to go out are recorded, retried with backoff and retried by hand.

The connectors post to the same local server answering recorded responses that the
listening tests use; here it fails first, then succeeds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from fireside.care import delivery
from fireside.care.actions import do_reply
from fireside.care.models import Conversation
from fireside.care.tasks import retry_replies
from fireside.listening import poll
from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.listening.models import Channel, Delivery, Message
from fireside.listening.tests.test_connectors import FAILURE, FakeServer, empty, fixture
from fireside.people.models import User
from fireside.testing import make_user

pytestmark = pytest.mark.django_db

STATUSES = "/api/v1/statuses"
ANA = "113912504312345678"  # the status in the recorded Mastodon answers


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    thread = threading.Thread(target=fake.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()


@pytest.fixture
def agent() -> User:
    return make_user("ada", role="agent")


@pytest.fixture
def mastodon(server: FakeServer) -> Channel:
    return do_create_channel("Mastodon", "mastodon", secret="token-123",
                             config={"base_url": server.url, "account": "embercoffee"})


def _conversation(channel: Channel) -> Conversation:
    ingest_batch(channel, [RawMessage(ANA, "ana@fosstodon.org", "@embercoffee my grinder "
                                      "arrived broken. Can you help?", timezone.now())])
    return Conversation.objects.get()


def _reply(agent: User, conv: Conversation, capture: Any) -> Message:
    """A reply as an agent sends it: its task runs once the request's transaction commits."""
    with capture(execute=True):
        reply = do_reply(agent, conv, "So sorry! A new grinder ships today.")
    reply.refresh_from_db()
    return reply


def _fresh(message: Message) -> Message:
    message.refresh_from_db()
    return message


def test_a_reply_that_goes_out_is_recorded_as_sent(
        server: FakeServer, mastodon: Channel, agent: User,
        django_capture_on_commit_callbacks: Any) -> None:
    server.on("POST", STATUSES, fixture("mastodon-status.json"))
    reply = _reply(agent, _conversation(mastodon), django_capture_on_commit_callbacks)
    assert reply.delivery == Delivery.SENT and reply.delivery_attempts == 1
    assert reply.external_id == "113913000055554444" and reply.next_delivery_at is None


def test_a_failed_reply_is_retried_with_backoff_until_it_is_sent(
        server: FakeServer, mastodon: Channel, agent: User,
        django_capture_on_commit_callbacks: Any) -> None:
    server.on("POST", STATUSES, FAILURE, FAILURE, fixture("mastodon-status.json"))
    reply = _reply(agent, _conversation(mastodon), django_capture_on_commit_callbacks)
    assert reply.delivery == Delivery.FAILED and reply.delivery_attempts == 1
    assert "HTTP 500" in reply.delivery_error
    assert reply.external_id.startswith("fireside:")
    failed_at = reply.next_delivery_at
    assert failed_at is not None

    assert delivery.do_retry_due(failed_at - timedelta(seconds=1)) == 0
    assert delivery.do_retry_due(failed_at) == 1  # a minute after the first failure
    reply = _fresh(reply)
    assert reply.delivery == Delivery.FAILED and reply.delivery_attempts == 2
    assert reply.next_delivery_at == failed_at + timedelta(minutes=5)

    assert delivery.do_retry_due(failed_at + timedelta(minutes=4)) == 0
    assert delivery.do_retry_due(failed_at + timedelta(minutes=5)) == 1
    reply = _fresh(reply)
    assert reply.delivery == Delivery.SENT and reply.delivery_attempts == 3
    assert reply.delivery_error == "" and reply.next_delivery_at is None
    assert reply.external_id == "113913000055554444"
    posted = server.to(STATUSES)
    assert len(posted) == 3
    # Every attempt carries the same key, so Mastodon posts a retried reply once.
    assert {r.headers["Idempotency-Key"] for r in posted} == {f"fireside-{reply.pk}"}
    assert delivery.do_retry_due(failed_at + timedelta(days=1)) == 0


def test_after_five_failures_a_reply_waits_for_an_agent(
        server: FakeServer, mastodon: Channel, agent: User,
        django_capture_on_commit_callbacks: Any) -> None:
    server.on("POST", STATUSES, FAILURE)
    reply = _reply(agent, _conversation(mastodon), django_capture_on_commit_callbacks)
    now = timezone.now()
    waits = []
    for _ in range(10):
        before = _fresh(reply).next_delivery_at
        if before is None:
            break
        waits.append(round((before - now).total_seconds() / 60))
        now = before
        delivery.do_retry_due(now)
    assert waits == [1, 5, 15, 60]
    reply = _fresh(reply)
    assert reply.delivery == Delivery.FAILED and reply.delivery_attempts == 5
    assert reply.next_delivery_at is None
    assert len(server.to(STATUSES)) == 5


def test_a_reply_being_sent_is_claimed_once(
        server: FakeServer, mastodon: Channel, agent: User) -> None:
    server.on("POST", STATUSES, fixture("mastodon-status.json"))
    reply = do_reply(agent, _conversation(mastodon), "On it!")  # its task has not run
    assert reply.delivery == Delivery.PENDING
    assert delivery.do_deliver(reply.pk) == Delivery.SENT
    assert delivery.do_deliver(reply.pk) == ""  # the task again, say: nothing to do
    assert len(server.to(STATUSES)) == 1


def test_a_reply_whose_task_never_ran_or_whose_worker_died_is_sent_by_the_sweep(
        server: FakeServer, mastodon: Channel, agent: User) -> None:
    server.on("POST", STATUSES, fixture("mastodon-status.json"))
    conv = _conversation(mastodon)
    lost = do_reply(agent, conv, "On it!")
    now = timezone.now()
    assert delivery.do_retry_due(now) == 0  # its task may still come
    assert delivery.do_retry_due(now + delivery.GRACE) == 1
    assert _fresh(lost).delivery == Delivery.SENT

    server.on("POST", STATUSES, empty('{"id": "2", "url": "https://m.example/2"}'))
    stuck = do_reply(agent, conv, "Any news?")
    Message.objects.filter(pk=stuck.pk).update(delivery=Delivery.SENDING,
                                               next_delivery_at=now + delivery.LEASE)
    assert delivery.do_retry_due(now + delivery.GRACE) == 0  # someone holds it
    assert delivery.do_retry_due(now + delivery.LEASE) == 1
    assert _fresh(stuck).delivery == Delivery.SENT


def test_the_retry_sweep_is_a_task_taking_no_arguments() -> None:
    assert retry_replies.call() == 0


def test_a_failed_bluesky_reply_is_sent_on_the_retry(
        server: FakeServer, agent: User, django_capture_on_commit_callbacks: Any) -> None:
    cache.clear()  # no Bluesky session left over from another test
    server.on("POST", "/xrpc/com.atproto.server.createSession",
              fixture("bluesky-session.json"))
    server.on("GET", "/xrpc/app.bsky.notification.listNotifications",
              fixture("bluesky-notifications.json"))
    server.on("GET", "/xrpc/app.bsky.feed.searchPosts", fixture("bluesky-search.json"))
    server.on("GET", "/xrpc/app.bsky.feed.getPosts", fixture("bluesky-getposts.json"))
    server.on("POST", "/xrpc/com.atproto.repo.createRecord", FAILURE,
              fixture("bluesky-createrecord.json"))
    bluesky = do_create_channel("Bluesky", "bluesky", secret="abcd-efgh-ijkl-mnop",
                                config={"base_url": server.url,
                                        "identifier": "embercoffee.bsky.social"},
                                rules={"terms": ["ember coffee"]})
    poll.poll_channel(bluesky.pk)
    conv = Conversation.objects.get(messages__author_handle="dana.bsky.social")
    reply = _reply(agent, conv, django_capture_on_commit_callbacks)
    assert reply.delivery == Delivery.FAILED
    assert reply.next_delivery_at is not None
    assert delivery.do_retry_due(reply.next_delivery_at) == 1
    reply = _fresh(reply)
    assert reply.delivery == Delivery.SENT
    assert reply.external_id.endswith("/app.bsky.feed.post/3lj3ourreply99")
    assert len(server.to("/xrpc/com.atproto.repo.createRecord")) == 2


def test_a_failed_reply_shows_on_the_page_and_retry_now_sends_it(
        client: Client, server: FakeServer, mastodon: Channel, agent: User,
        django_capture_on_commit_callbacks: Any) -> None:
    server.on("POST", STATUSES, FAILURE, fixture("mastodon-status.json"))
    conv = _conversation(mastodon)
    reply = _reply(agent, conv, django_capture_on_commit_callbacks)
    client.force_login(agent)
    page = client.get(f"/care/c/{conv.pk}").content.decode()
    assert 'data-testid="delivery-failed"' in page and "HTTP 500" in page
    assert "Retry now" in page

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/care/c/{conv.pk}/retry", {"message": reply.pk},
                             HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert f'id="message-{reply.pk}"' in answer.content.decode()
    assert _fresh(reply).delivery == Delivery.SENT
    page = client.get(f"/care/c/{conv.pk}").content.decode()
    assert 'data-testid="delivery-failed"' not in page


def test_retry_now_works_without_javascript(
        client: Client, server: FakeServer, mastodon: Channel, agent: User,
        django_capture_on_commit_callbacks: Any) -> None:
    server.on("POST", STATUSES, FAILURE, fixture("mastodon-status.json"))
    conv = _conversation(mastodon)
    reply = _reply(agent, conv, django_capture_on_commit_callbacks)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/care/c/{conv.pk}/retry", {"message": reply.pk})
    assert answer.status_code == 302 and answer["Location"] == f"/care/c/{conv.pk}"
    assert _fresh(reply).delivery == Delivery.SENT


def test_the_api_shows_a_failed_reply_and_retries_it(
        client: Client, server: FakeServer, mastodon: Channel, agent: User,
        django_capture_on_commit_callbacks: Any) -> None:
    server.on("POST", STATUSES, FAILURE, fixture("mastodon-status.json"))
    conv = _conversation(mastodon)
    reply = _reply(agent, conv, django_capture_on_commit_callbacks)
    client.force_login(agent)
    listed = client.get(f"/api/v1/care/conversations/{conv.pk}/messages").json()
    ours = next(m for m in listed if m["id"] == reply.pk)
    assert ours["delivery"] == "failed" and ours["delivery_attempts"] == 1
    assert "HTTP 500" in ours["delivery_error"] and ours["next_delivery_at"]

    url = f"/api/v1/care/conversations/{conv.pk}/messages/{reply.pk}/retry"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url)
    assert answer.status_code == 202 and answer.json()["delivery"] == "pending"
    assert _fresh(reply).delivery == Delivery.SENT
    again = client.post(url)
    assert again.status_code == 409 and "detail" in again.json()
    assert client.post(f"/api/v1/care/conversations/{conv.pk}/messages/999999/retry"
                       ).status_code == 404


def test_only_agents_see_or_retry_replies(
        client: Client, server: FakeServer, mastodon: Channel, agent: User) -> None:
    server.on("POST", STATUSES, FAILURE)
    conv = _conversation(mastodon)
    reply = do_reply(agent, conv, "On it!")
    client.force_login(make_user("mo"))
    assert client.get(f"/api/v1/care/conversations/{conv.pk}/messages").status_code == 403
    assert client.post(f"/care/c/{conv.pk}/retry", {"message": reply.pk}).status_code == 404
    assert client.get(f"/care/c/{conv.pk}/m/{reply.pk}").status_code == 404


def test_a_reply_being_sent_is_polled_until_it_settles(
        client: Client, server: FakeServer, mastodon: Channel, agent: User) -> None:
    conv = _conversation(mastodon)
    reply = do_reply(agent, conv, "On it!")
    client.force_login(agent)
    fragment = client.get(f"/care/c/{conv.pk}/m/{reply.pk}").content.decode()
    assert 'hx-trigger="every 3s"' in fragment and "sending…" in fragment
    server.on("POST", STATUSES, empty('{"id": "1", "url": "https://m.example/1"}'))
    delivery.do_deliver(reply.pk)
    fragment = client.get(f"/care/c/{conv.pk}/m/{reply.pk}").content.decode()
    assert "hx-trigger" not in fragment and "sent" in fragment
