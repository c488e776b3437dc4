from __future__ import annotations

import pytest

from fireside.people.models import User
from fireside.testing import make_user


@pytest.fixture
def staff(db: object) -> User:
    return make_user("tom", role="community_manager", kind="employee", display_name="Tom Reyes")


@pytest.fixture
def member(db: object) -> User:
    return make_user("alex", display_name="Alex Kim")
