"""The ledger under real concurrency on PostgreSQL: 1,000 awards from 32 threads at once,
each thread on its own connection, and every total equals the sum of its ledger rows."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import Sum

from fireside.rewards import actions
from fireside.rewards.models import ALL_SPACES, EventKind, PointsEntry, Score
from fireside.testing import make_space, make_user

AWARDS = 1000
THREADS = 32
MEMBERS = 20

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def test_a_thousand_concurrent_awards_keep_every_total_equal_to_its_ledger_rows():
    members = [make_user().pk for _ in range(MEMBERS)]
    spaces = [make_space().pk, make_space().pk]
    rng = random.Random(7)
    # Few members, so that many awards race for the same Score rows; every 10th award
    # repeats an earlier event, which must not count twice.
    plan = [(rng.choice(members), rng.choice(spaces), rng.randint(1, 30), f"e{i}")
            for i in range(AWARDS)]
    plan += [(user, space, points, key) for user, space, points, key in plan[::10]]
    rng.shuffle(plan)
    barrier = threading.Barrier(THREADS)
    local = threading.local()

    def award(item: tuple[int, int, int, str]) -> bool:
        if not getattr(local, "ready", False):
            local.ready = True
            barrier.wait()  # start together
        user, space, points, key = item
        return actions.do_award(user, EventKind.STAFF_AWARD, event_key=key, points=points,
                                space_id=space) is not None

    def run(chunk: list[tuple[int, int, int, str]]) -> int:
        try:
            return sum(award(item) for item in chunk)
        finally:
            connections.close_all()

    chunks = [plan[i::THREADS] for i in range(THREADS)]
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        stored = sum(pool.map(run, chunks))
    elapsed = time.perf_counter() - started
    print(f"\n{len(plan)} awards ({AWARDS} distinct) from {THREADS} threads in {elapsed:.2f}s")

    assert stored == AWARDS
    assert PointsEntry.objects.count() == AWARDS
    expected = {user: 0 for user in members}
    by_space: dict[tuple[int, int], int] = {}
    for user, space, points, _key in set(plan):  # each distinct event once
        expected[user] += points
        by_space[(user, space)] = by_space.get((user, space), 0) + points
    for user in members:
        ledger = PointsEntry.objects.filter(user_id=user).aggregate(s=Sum("points"))["s"] or 0
        assert ledger == expected[user]
        assert actions.total_points(user) == ledger
        for prefix in ("w", "m"):  # the week and month buckets add up to the same
            buckets = Score.objects.filter(user_id=user, space_key=ALL_SPACES,
                                           period__startswith=prefix)
            assert buckets.aggregate(s=Sum("points"))["s"] == ledger
    for (user, space), points in by_space.items():
        assert Score.objects.get(user_id=user, space_key=space, period="all").points == points
