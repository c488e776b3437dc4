"""Bulk inserts without building model instances: the ingest pipeline's hot path.

Django's bulk_create spends most of its time turning instances into SQL, which caps the
pipeline far below what the database takes. These helpers take plain tuples, convert
only the columns that need it (datetimes, JSON) the way the ORM would, and insert with
one statement per chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models

MAX_PARAMS = 30000  # under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters


def _sqlite_datetime(value: datetime | None) -> str | None:
    # What Django's SQLite backend stores: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    if value is None:
        return None
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _json(field: models.JSONField) -> Callable[[Any], Any]:
    empty = field.get_db_prep_save([], connection)

    def convert(value: Any) -> Any:
        if value == []:
            return empty
        return field.get_db_prep_save(value, connection)
    return convert


def _same(value: Any) -> Any:
    return value


def _converters(model: type[models.Model], names: Sequence[str]) -> list[Callable[[Any], Any]]:
    out: list[Callable[[Any], Any]] = []
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            out.append(_sqlite_datetime if connection.vendor == "sqlite" else _same)
        elif isinstance(field, models.JSONField):
            out.append(_json(field))
        else:
            out.append(_same)
    return out


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def _columns(model: type[models.Model], names: Sequence[str]) -> str:
    qn = connection.ops.quote_name
    return ", ".join(qn(_column(model, n)) for n in names)


def insert_rows(model: type[models.Model], names: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """INSERT every row, many per statement; no ids come back."""
    _insert(model, names, rows, returning=False)


def insert_returning_ids(model: type[models.Model], names: Sequence[str],
                         rows: Sequence[Sequence[Any]]) -> list[int]:
    """INSERT every row and return the new ids in the rows' order (multi-row VALUES with
    RETURNING, as bulk_create does on SQLite >= 3.35 and PostgreSQL)."""
    return _insert(model, names, rows, returning=True)


def _insert(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]],
            *, returning: bool) -> list[int]:
    if not rows:
        return []
    convert = _converters(model, names)
    qn = connection.ops.quote_name
    per = max(1, MAX_PARAMS // len(names))
    group = "(" + ", ".join(["%s"] * len(names)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            params = [c(v) for row in chunk for c, v in zip(convert, row, strict=True)]
            sql = (f"INSERT INTO {qn(model._meta.db_table)} ({_columns(model, names)}) "  # noqa: S608
                   f"VALUES {', '.join([group] * len(chunk))}")
            if returning:
                cursor.execute(f"{sql} RETURNING {qn('id')}", params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def update_rows(model: type[models.Model], names: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE by id: each row holds the values of `names`, then the id."""
    if not rows:
        return
    convert = [*_converters(model, names), _same]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(_column(model, n))} = %s" for n in names)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn('id')} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(c(v) for c, v in zip(convert, row, strict=True))
                                 for row in rows])
