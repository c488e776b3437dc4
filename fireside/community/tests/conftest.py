"""Fixtures for the community tests; data comes from the factories, which call the actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache

from fireside.community.models import Space
from fireside.people import actions as people_actions
from fireside.people.models import User
from fireside.testing import make_space, make_user


@pytest.fixture
def space() -> Space:
    return make_space("general", name="General", purpose="Questions about our espresso machines.")


@pytest.fixture
def asker() -> User:
    return make_user("asker", display_name="Alice Asker")


@pytest.fixture
def answerer() -> User:
    return make_user("answerer", display_name="Bob Answerer")


@pytest.fixture
def moderator() -> User:
    return make_user("mod", role="moderator", display_name="Mo Derator")


def _bearer(user: User) -> dict[str, str]:
    _token, secret = people_actions.do_create_token(user, "tests")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def bearer_for() -> Callable[[User], dict[str, str]]:
    """Makes the headers that authenticate as a member through a fresh API token."""
    return _bearer


@pytest.fixture
def rate_limits(settings: object) -> Iterator[None]:
    settings.RATE_LIMITS_ENABLED = True  # type: ignore[attr-defined]
    cache.clear()
    yield
    cache.clear()
