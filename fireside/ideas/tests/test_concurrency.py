"""Votes under real concurrency on PostgreSQL: many members voting and withdrawing on one
idea at once over HTTP, and one member racing their own vote budget."""

from __future__ import annotations

import http.client
import json
import os
import random
import socketserver
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection, connections

from fireside.errors import Conflict
from fireside.ideas import actions
from fireside.ideas.models import Idea, Vote
from fireside.ideas.testing import make_campaign, make_idea
from fireside.people import actions as people_actions
from fireside.people.models import User
from fireside.testing import make_user

VOTERS = 200
SECONDS = float(os.environ.get("FIRESIDE_VOTE_TEST_SECONDS", "30"))

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _BoundedServer(ThreadedWSGIServer):
    """A thread per request, at most `slots` at once, so that 200 clients do not need 200
    database connections; the others wait in the listen backlog as they would at gunicorn."""

    request_queue_size = 1024

    def __init__(self, *args: object, slots: int = 24, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._slots = threading.BoundedSemaphore(slots)

    def process_request(self, request: object, client_address: object) -> None:
        self._slots.acquire()
        super().process_request(request, client_address)  # type: ignore[arg-type]

    def process_request_thread(self, request: object, client_address: object) -> None:
        try:
            super().process_request_thread(request, client_address)  # type: ignore[arg-type]
        finally:
            self._slots.release()


def _serve() -> tuple[socketserver.BaseServer, int]:
    server = _BoundedServer(("127.0.0.1", 0), _QuietHandler)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def _call(port: int, method: str, path: str, token: str) -> tuple[int, dict[str, object], float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers={"Authorization": f"Bearer {token}",
                                            "Connection": "close"})
        response = conn.getresponse()
        body = json.loads(response.read() or b"{}")
    finally:
        conn.close()
    return response.status, body, time.perf_counter() - started


def test_two_hundred_concurrent_voters_are_each_counted_exactly_once() -> None:
    campaign = make_campaign(title="Which winter flavour?")
    idea = make_idea(campaign, title="Cinnamon roll latte")
    tokens = [people_actions.do_create_token(make_user(f"voter{n}"), "load")[1]
              for n in range(VOTERS)]
    server, port = _serve()
    path = f"/api/v1/ideas/{idea.pk}/vote"
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + SECONDS

    def voter(token: str) -> bool:
        """Vote and withdraw at random until the deadline, then vote once more."""
        rng = random.Random(token)
        voted = False
        while time.monotonic() < deadline:
            method = "DELETE" if voted and rng.random() < 0.5 else "PUT"
            status, body, took = _call(port, method, path, token)
            latencies.append(took)
            if status != 200:
                errors.append(f"{status} {body}")
                continue
            voted = bool(body["voted"])
        status, body, took = _call(port, "PUT", path, token)
        latencies.append(took)
        return status == 200 and bool(body["voted"])

    try:
        with ThreadPoolExecutor(max_workers=VOTERS) as pool:
            final = list(pool.map(voter, tokens))
    finally:
        server.shutdown()
        server.server_close()
        connections.close_all()
    idea.refresh_from_db()
    stored = Vote.objects.filter(idea=idea).count()
    distinct = Vote.objects.filter(idea=idea).values("voter").distinct().count()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    print(f"\n{len(latencies)} vote requests from {VOTERS} concurrent voters in {SECONDS:.0f}s: "
          f"client-side p50 {p50:.1f} ms, p95 {p95:.1f} ms; stored count {idea.vote_count}, "
          f"vote rows {stored}, distinct voters {distinct}")
    assert not errors, errors[:5]
    assert all(final)
    assert idea.vote_count == stored == distinct == VOTERS


def test_a_member_racing_their_own_budget_never_exceeds_it() -> None:
    campaign = make_campaign(title="Pick three", vote_budget=3)
    ideas = [make_idea(campaign, title=f"Option {n}") for n in range(12)]
    member = make_user("racer")
    barrier = threading.Barrier(len(ideas))

    def cast(idea: Idea) -> str:
        try:
            barrier.wait()
            me = User.objects.get(pk=member.pk)
            actions.do_vote(me, Idea.objects.select_related("campaign").get(pk=idea.pk))
            return "ok"
        except Conflict:
            return "over budget"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(ideas)) as pool:
        outcomes = list(pool.map(cast, ideas))
    assert outcomes.count("ok") == 3
    assert Vote.objects.filter(voter=member).count() == 3
    assert sum(Idea.objects.filter(campaign=campaign).values_list("vote_count", flat=True)) == 3
