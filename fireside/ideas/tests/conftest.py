"""Fixtures for the ideas tests; data comes from the factories, which call the actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache

from fireside.community.models import Space
from fireside.ideas import similar
from fireside.ideas.models import Campaign
from fireside.ideas.testing import make_campaign
from fireside.people import actions as people_actions
from fireside.people.models import User
from fireside.testing import make_space, make_user


@pytest.fixture(autouse=True)
def _fresh_similar_index() -> Iterator[None]:
    cache.clear()
    similar.reset_index()
    yield
    similar.reset_index()


@pytest.fixture
def space() -> Space:
    return make_space("flavours", name="Flavours", purpose="Tell us what to brew next.")


@pytest.fixture
def host() -> User:
    return make_user("host", role="community_manager", kind="employee", display_name="Hannah Host")


@pytest.fixture
def member() -> User:
    return make_user("member", display_name="Mia Member")


@pytest.fixture
def other() -> User:
    return make_user("other", display_name="Oscar Other")


@pytest.fixture
def campaign(space: Space, host: User) -> Campaign:
    return make_campaign(space, host, title="What should our next flavour be?",
                         description="Tell us what to brew for winter.")


@pytest.fixture
def bearer_for() -> Callable[[User], dict[str, str]]:
    def _bearer(user: User) -> dict[str, str]:
        _token, secret = people_actions.do_create_token(user, "tests")
        return {"Authorization": f"Bearer {secret}"}

    return _bearer
