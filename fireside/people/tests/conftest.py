"""Fixtures for the people tests: members made through the real sign-up, and tokens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from fireside.people import actions
from fireside.people.models import User
from fireside.testing import make_user


@pytest.fixture
def member() -> User:
    return make_user("ada", display_name="Ada Lovelace")


@pytest.fixture
def bearer(member: User) -> dict[str, str]:
    """Request headers that authenticate as `member` with a fresh API token."""
    _token, secret = actions.do_create_token(member, "tests")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def rate_limits(settings: object) -> Iterator[None]:
    """Turn rate limits on, with an empty cache so that earlier tests do not count."""
    settings.RATE_LIMITS_ENABLED = True  # type: ignore[attr-defined]
    cache.clear()
    yield
    cache.clear()
