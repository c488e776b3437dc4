"""Fixtures for the relationships tests: people made through the real actions."""

from __future__ import annotations

import pytest

from fireside.people.models import User
from fireside.testing import make_user


@pytest.fixture
def member() -> User:
    return make_user("mia", display_name="Mia Member")


@pytest.fixture
def manager() -> User:
    return make_user("hannah", role="community_manager", kind="employee",
                     display_name="Hannah Host")
