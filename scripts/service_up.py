"""Exit 0 if the service behind a URL answers, 1 if not: `service_up.py postgres URL`."""

from __future__ import annotations

import sys


def postgres_up(url: str) -> bool:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(base, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    ok = postgres_up(url) if kind == "postgres" else redis_up(url)
    sys.exit(0 if ok else 1)
