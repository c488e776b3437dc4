"""Fixed-window rate limits kept in the shared cache, so every server process counts together."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from fireside.errors import RateLimited


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def hit(scope: str, ident: str) -> None:
    """Count one attempt for `ident` under `scope`; raise RateLimited past the limit."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit, window = settings.RATE_LIMITS[scope]
    bucket = int(time.time() // window)
    key = f"rl:{scope}:{ident}:{bucket}"
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
    if count > limit:
        minutes = max(1, window // 60)
        raise RateLimited(f"Too many attempts. Please wait up to {minutes} minutes and try again.")


def reset(scope: str, ident: str) -> None:
    _limit, window = settings.RATE_LIMITS[scope]
    cache.delete(f"rl:{scope}:{ident}:{int(time.time() // window)}")
