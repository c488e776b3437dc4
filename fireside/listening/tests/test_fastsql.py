from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.utils.timezone import make_naive

from fireside.listening.fastsql import json_text, sqlite_datetime


@pytest.mark.parametrize("value", [
    datetime(2017, 10, 31, 23, 36, 20, tzinfo=UTC),
    datetime(2017, 10, 31, 23, 36, 20, 125, tzinfo=UTC),
    datetime(2017, 10, 31, 23, 36, 20, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2017, 10, 31, 23, 36, 20, 999999, tzinfo=timezone(-timedelta(hours=8))),
])
def test_datetimes_are_written_as_djangos_sqlite_backend_writes_them(value: datetime) -> None:
    # DatabaseOperations.adapt_datetimefield_value: make_naive in the connection's zone, str()
    assert sqlite_datetime(value) == str(make_naive(value, UTC))


@pytest.mark.parametrize("value", [[], ["email", "offensive"], {"a": [1, "é"]}])
def test_json_is_written_as_the_orm_writes_it(value: object) -> None:
    from django.db.backends.base.operations import BaseDatabaseOperations

    assert json_text(value) == BaseDatabaseOperations.adapt_json_value(None, value, None)  # type: ignore[arg-type]
