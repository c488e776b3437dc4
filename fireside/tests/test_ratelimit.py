"""Rate limits count the same in the table and in the cache, across every process."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from fireside import ratelimit
from fireside.errors import RateLimited
from fireside.people.models import RateLimitWindow

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "try": (2, 3600)}
    cache.clear()
    return settings


@pytest.mark.parametrize("store", ["database", "cache"])
def test_the_third_attempt_in_a_window_is_refused_and_a_reset_starts_again(
        limits: Any, store: str) -> None:
    limits.RATE_LIMIT_STORE = store
    ratelimit.hit("try", "ana")
    ratelimit.hit("try", "ana")
    ratelimit.hit("try", "bo")  # someone else counts apart
    with pytest.raises(RateLimited, match="wait up to 60 minutes"):
        ratelimit.hit("try", "ana")
    assert RateLimitWindow.objects.count() == (2 if store == "database" else 0)
    ratelimit.reset("try", "ana")
    ratelimit.hit("try", "ana")


def test_the_table_keeps_one_row_a_window_and_sweeps_expired_ones(
        limits: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    limits.RATE_LIMIT_STORE = "database"
    RateLimitWindow.objects.create(key="rl:try:old:1", hits=9,
                                   expires_at=timezone.now() - timedelta(minutes=1))
    ratelimit.hit("try", "ana")
    ratelimit.hit("try", "ana")
    (window,) = RateLimitWindow.objects.exclude(key="rl:try:old:1")
    assert window.hits == 2 and window.expires_at > timezone.now()
    monkeypatch.setattr(ratelimit, "SWEEP_CHANCE", 1.0)
    ratelimit.hit("try", "bo")
    assert not RateLimitWindow.objects.filter(key="rl:try:old:1").exists()
