"""Bulk reads and writes without building model instances: the ingest pipeline's hot path.

Django's bulk_create spends most of its time turning instances into SQL, and its `__in`
lookups most of theirs resolving each of thousands of parameters, which caps the pipeline
far below what the database takes. These helpers take plain tuples, convert only the
columns that need it (datetimes, JSON) the way the ORM would, and talk to the driver
directly: multi-row INSERT on SQLite, COPY on PostgreSQL (with ids drawn from the
table's sequence first when the caller needs them back).

Call them inside `transaction.atomic()`: they use the connection's current transaction,
and raise Django's database errors (IntegrityError and the rest) like the ORM does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from itertools import chain
from typing import Any

from django.db import connection, models

MAX_PARAMS = 30000  # under SQLite's 32,766 bound parameters


def sqlite_datetime(value: datetime | None) -> str | None:
    """What Django's SQLite backend stores for a datetime: naive UTC, as str() writes it
    ("YYYY-MM-DD HH:MM:SS[.ffffff]")."""
    if value is None:
        return None
    if value.tzinfo is UTC:
        # str() is isoformat(" "); an aware UTC value only adds "+00:00" to strip.
        return value.isoformat(" ")[:-6]
    return str(value.astimezone(UTC).replace(tzinfo=None))


_sqlite_datetime = sqlite_datetime  # the name bench/standing.py and older callers know


def json_text(value: Any) -> str:
    """A JSONField value as the ORM writes it (json.dumps, no custom encoder)."""
    if value == []:
        return "[]"
    return json.dumps(value)


def _same(value: Any) -> Any:
    return value


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def datetime_adapter() -> Callable[[datetime | None], Any]:
    """How to pass a datetime to the helpers below with `adapted=True`."""
    return _same if is_postgresql() else sqlite_datetime


def _converters(model: type[models.Model], names: Sequence[str]) -> list[Callable[[Any], Any]]:
    out: list[Callable[[Any], Any]] = []
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            out.append(datetime_adapter())
        elif isinstance(field, models.JSONField):
            assert field.encoder is None, "json_text writes with the default encoder"
            out.append(_json_or_null)
        else:
            out.append(_same)
    return out


def _json_or_null(value: Any) -> str | None:
    return None if value is None else json_text(value)


def _adapt(model: type[models.Model], names: Sequence[str],
           rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    convert = [(i, c) for i, c in enumerate(_converters(model, names)) if c is not _same]
    if not convert:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i, c in convert:
            values[i] = c(values[i])
        out.append(values)
    return out


@cache
def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def _columns(model: type[models.Model], names: Sequence[str]) -> str:
    qn = connection.ops.quote_name
    return ", ".join(qn(_column(model, n)) for n in names)


@contextmanager
def _cursor() -> Iterator[Any]:
    """The driver's own cursor on Django's connection, errors wrapped as the ORM's.

    On PostgreSQL it binds parameters on the server: Django's client-side binding
    formats every value into the SQL text in Python, which dominates a bulk statement.
    """
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        assert raw is not None
        if is_postgresql():
            import psycopg

            with psycopg.Cursor(raw) as cursor:
                yield cursor
        else:
            cursor = raw.cursor()
            try:
                yield cursor
            finally:
                cursor.close()


def insert_rows(model: type[models.Model], names: Sequence[str],
                rows: Sequence[Sequence[Any]], *, adapted: bool = False) -> None:
    """INSERT every row; no ids come back.

    `adapted=True` says datetimes already went through `datetime_adapter()` and JSON
    values through `json_text`, which saves a pass over the rows.
    """
    if rows:
        _insert(model, names, rows if adapted else _adapt(model, names, rows))


def insert_returning_ids(model: type[models.Model], names: Sequence[str],
                         rows: Sequence[Sequence[Any]], *, adapted: bool = False) -> list[int]:
    """INSERT every row and return the new ids in the rows' order."""
    if not rows:
        return []
    rows = rows if adapted else _adapt(model, names, rows)
    if is_postgresql():
        ids = _next_ids(model, len(rows))
        _insert(model, ("id", *names), [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
        return ids
    # SQLite: multi-row VALUES with RETURNING, as bulk_create does on SQLite >= 3.35.
    return _insert(model, names, rows, returning=True)


def _next_ids(model: type[models.Model], n: int) -> list[int]:
    with _cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [model._meta.db_table, n])
        return [row[0] for row in cursor.fetchall()]


def _insert(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]],
            *, returning: bool = False) -> list[int]:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, names)
    ids: list[int] = []
    with _cursor() as cursor:
        if is_postgresql():
            assert not returning
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return ids
        per = max(1, MAX_PARAMS // len(names))
        group = "(" + ", ".join(["?"] * len(names)) + ")"
        suffix = ' RETURNING "id"' if returning else ""
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            cursor.execute(f"INSERT INTO {table} ({columns}) "  # noqa: S608
                           f"VALUES {', '.join([group] * len(chunk))}{suffix}",
                           list(chain.from_iterable(chunk)))
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def select_in(sql: str, params: Sequence[Any], values: Collection[Any]) -> list[tuple[Any, ...]]:
    """Rows of `sql`, whose last condition is `{column} IN {values}`-shaped: write it as
    `... AND column IN %s`; `params` fill the %s placeholders before it.

    One statement for any number of values on PostgreSQL (`= ANY(array)`), one per
    MAX_PARAMS values on SQLite.
    """
    if not values:
        return []
    head, tail = sql.rsplit(" IN %s", 1)
    assert "%s" not in tail
    with _cursor() as cursor:
        if is_postgresql():
            cursor.execute(f"{head} = ANY(%s){tail}", [*params, list(values)])
            return list(cursor.fetchall())
        head = head.replace("%s", "?")
        ordered = list(values)
        out: list[tuple[Any, ...]] = []
        per = MAX_PARAMS - len(params)
        for start in range(0, len(ordered), per):
            chunk = ordered[start:start + per]
            cursor.execute(f"{head} IN ({', '.join(['?'] * len(chunk))}){tail}",
                           [*params, *chunk])
            out.extend(cursor.fetchall())
        return out


def table(model: type[models.Model]) -> str:
    """The model's table name, quoted for SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def update_rows(model: type[models.Model], names: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE by id: each row holds the values of `names`, then the id."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(_column(model, n))} = %s" for n in names)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn('id')} = %s"  # noqa: S608
    adapted = _adapt(model, [*names, "id"], rows)
    with _cursor() as cursor:
        if not is_postgresql():
            sql = sql.replace("%s", "?")
        cursor.executemany(sql, adapted)
