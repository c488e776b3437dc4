"""Fixed-window rate limits kept where every server process counts together: Redis on
the scale profile, a table of their own on the embedded one (settings.RATE_LIMIT_STORE)."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from fireside.errors import RateLimited

SWEEP_CHANCE = 0.01  # of an attempt also deleting the expired windows


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _window(scope: str, ident: str) -> tuple[int, int, int, str]:
    """The scope's limit and window in seconds, the current window's number and its key."""
    limit, window = settings.RATE_LIMITS[scope]
    bucket = int(time.time() // window)
    return limit, window, bucket, f"rl:{scope}:{ident}:{bucket}"


def hit(scope: str, ident: str) -> None:
    """Count one attempt for `ident` under `scope`; raise RateLimited past the limit."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit, window, bucket, key = _window(scope, ident)
    if settings.RATE_LIMIT_STORE == "database":
        count = _count_in_table(key, (bucket + 1) * window)
    else:
        count = _count_in_cache(key, window)
    if count > limit:
        _refuse(window)


def check(scope: str, ident: str) -> None:
    """Raise RateLimited when `ident` has used up `scope`'s attempts, without counting
    one: for limits on failures only (log-in counts wrong passwords, not log-ins)."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit, window, _bucket, key = _window(scope, ident)
    if settings.RATE_LIMIT_STORE == "database":
        from fireside.people.models import RateLimitWindow

        count = RateLimitWindow.objects.filter(key=key).values_list("hits", flat=True).first()
    else:
        count = cache.get(key)
    if count is not None and int(count) >= limit:
        _refuse(window)


def _refuse(window: int) -> None:
    minutes = max(1, window // 60)
    raise RateLimited(f"Too many attempts. Please wait up to {minutes} minutes and try again.")


def _count_in_table(key: str, window_end: float) -> int:
    """One upsert that returns the window's count (SQLite >= 3.35 and PostgreSQL)."""
    from fireside.people.models import RateLimitWindow

    table = connection.ops.quote_name(RateLimitWindow._meta.db_table)
    expires = datetime.fromtimestamp(window_end, tz=UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, hits, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key, expires])
        count = int(cursor.fetchone()[0])
        if random.random() < SWEEP_CHANCE:
            RateLimitWindow.objects.filter(expires_at__lt=timezone.now()).delete()
    return count


def _count_in_cache(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
    return int(count)


def reset(scope: str, ident: str) -> None:
    key = _window(scope, ident)[3]
    if settings.RATE_LIMIT_STORE == "database":
        from fireside.people.models import RateLimitWindow

        RateLimitWindow.objects.filter(key=key).delete()
    else:
        cache.delete(key)
