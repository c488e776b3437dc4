"""Full-text search of threads and posts, within what the viewer may see.

SQLite uses an FTS5 index kept by triggers (see migration 0002); PostgreSQL uses GIN
indexes on `to_tsvector('english', ...)`. Both are ranked (bm25 / ts_rank) and both
apply the visibility filter inside the same query, so a private space never leaks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe

from fireside.community.models import Space
from fireside.community.queries import Viewer, visible_space_ids

_WORD_RE = re.compile(r"\w+", re.UNICODE)
START, STOP = "\x02", "\x03"

SQLITE_FTS_SETUP = [
    """CREATE VIRTUAL TABLE community_post_fts USING fts5(
        title, body, content='community_post_search', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE VIEW community_post_search AS
        SELECT p.id AS id,
               CASE WHEN p.is_opening THEN t.title ELSE '' END AS title,
               p.body_text AS body
        FROM community_post p JOIN community_thread t ON t.id = p.thread_id""",
    """CREATE TRIGGER community_post_fts_ins AFTER INSERT ON community_post BEGIN
        INSERT INTO community_post_fts(rowid, title, body) VALUES (new.id,
          CASE WHEN new.is_opening THEN
            COALESCE((SELECT title FROM community_thread WHERE id = new.thread_id), '')
          ELSE '' END, new.body_text);
    END""",
    """CREATE TRIGGER community_post_fts_del AFTER DELETE ON community_post BEGIN
        INSERT INTO community_post_fts(community_post_fts, rowid, title, body)
        VALUES ('delete', old.id, CASE WHEN old.is_opening THEN
            COALESCE((SELECT title FROM community_thread WHERE id = old.thread_id), '')
          ELSE '' END, old.body_text);
    END""",
    """CREATE TRIGGER community_post_fts_upd AFTER UPDATE OF body_text ON community_post BEGIN
        INSERT INTO community_post_fts(community_post_fts, rowid, title, body)
        VALUES ('delete', old.id, CASE WHEN old.is_opening THEN
            COALESCE((SELECT title FROM community_thread WHERE id = old.thread_id), '')
          ELSE '' END, old.body_text);
        INSERT INTO community_post_fts(rowid, title, body) VALUES (new.id,
          CASE WHEN new.is_opening THEN
            COALESCE((SELECT title FROM community_thread WHERE id = new.thread_id), '')
          ELSE '' END, new.body_text);
    END""",
    """CREATE TRIGGER community_thread_fts_title AFTER UPDATE OF title ON community_thread BEGIN
        INSERT INTO community_post_fts(community_post_fts, rowid, title, body)
          SELECT 'delete', p.id, old.title, p.body_text FROM community_post p
          WHERE p.thread_id = old.id AND p.is_opening;
        INSERT INTO community_post_fts(rowid, title, body)
          SELECT p.id, new.title, p.body_text FROM community_post p
          WHERE p.thread_id = new.id AND p.is_opening;
    END""",
]
SQLITE_FTS_TEARDOWN = [
    "DROP TRIGGER IF EXISTS community_thread_fts_title",
    "DROP TRIGGER IF EXISTS community_post_fts_upd",
    "DROP TRIGGER IF EXISTS community_post_fts_del",
    "DROP TRIGGER IF EXISTS community_post_fts_ins",
    "DROP VIEW IF EXISTS community_post_search",
    "DROP TABLE IF EXISTS community_post_fts",
]
# SQLite rebuilds a table to add or alter most columns, and refuses while a view or a
# trigger names it. A migration that changes community_post or community_thread must
# therefore drop these links first and create them again after (see migration 0006);
# the FTS5 index itself stays, since the rows keep their ids.
SQLITE_FTS_LINKS_DROP = SQLITE_FTS_TEARDOWN[:-1]
SQLITE_FTS_LINKS_CREATE = SQLITE_FTS_SETUP[1:]


def sqlite_fts_links(create: bool) -> Callable[[Any, Any], None]:
    """A RunPython function that drops (create=False) or creates the view and triggers."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in SQLITE_FTS_LINKS_CREATE if create else SQLITE_FTS_LINKS_DROP:
            schema_editor.execute(sql)

    return run


POSTGRES_FTS_SETUP = [
    "CREATE INDEX community_post_fts_gin ON community_post "
    "USING gin (to_tsvector('english'::regconfig, body_text))",
    "CREATE INDEX community_thread_title_fts_gin ON community_thread "
    "USING gin (to_tsvector('english'::regconfig, title))",
]
POSTGRES_FTS_TEARDOWN = [
    "DROP INDEX IF EXISTS community_post_fts_gin",
    "DROP INDEX IF EXISTS community_thread_title_fts_gin",
]


@dataclass(frozen=True)
class Hit:
    post_id: int
    thread_id: int
    thread_title: str
    space_name: str
    space_slug: str
    author_name: str
    created_at: datetime
    is_opening: bool
    snippet: SafeString


def _mark(raw: str) -> SafeString:
    escaped = html.escape(raw or "")
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def fts5_query(text: str) -> str:
    """Words of the query as quoted FTS5 terms, all required; the last is a prefix, so that
    search-as-you-type finds partial words. Operators typed by the user are not honoured."""
    words = _WORD_RE.findall(text.lower())[:12]
    if not words:
        return ""
    terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(terms)


def postgres_query(text: str) -> str:
    """The same query as `fts5_query` for PostgreSQL's `to_tsquery`: every word required,
    the last one a prefix. Words are \\w+ only, so no tsquery operator gets through."""
    words = _WORD_RE.findall(text.lower())[:12]
    if not words:
        return ""
    return " & ".join([*words[:-1], f"{words[-1]}:*"])


def search_posts(viewer: Viewer, text: str, *, space: Space | None = None,
                 limit: int = 30) -> list[Hit]:
    space_ids = visible_space_ids(viewer)
    if space is not None:
        space_ids = [s for s in space_ids if s == space.pk]
    if not space_ids or not text.strip():
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(text, space_ids, limit)
    return _search_sqlite(text, space_ids, limit)


_COMMON_WHERE = """
    AND NOT t.is_hidden AND NOT t.is_deleted AND NOT p.is_hidden AND NOT p.is_deleted
"""


def _search_sqlite(text: str, space_ids: list[int], limit: int) -> list[Hit]:
    match = fts5_query(text)
    if not match:
        return []
    placeholders = ",".join(["%s"] * len(space_ids))
    sql = f"""
        SELECT p.id, t.id, t.title, s.name, s.slug, u.display_name, p.created_at, p.is_opening,
               snippet(community_post_fts, 1, %s, %s, '…', 24)
        FROM community_post_fts f
        JOIN community_post p ON p.id = f.rowid
        JOIN community_thread t ON t.id = p.thread_id
        JOIN community_space s ON s.id = t.space_id
        JOIN people_user u ON u.id = p.author_id
        WHERE community_post_fts MATCH %s AND t.space_id IN ({placeholders}) {_COMMON_WHERE}
        ORDER BY bm25(community_post_fts, 4.0, 1.0)
        LIMIT %s
    """  # noqa: S608 - only placeholders are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, match, *space_ids, limit])
        rows = cursor.fetchall()
    return [_hit(row) for row in rows]


def _search_postgres(text: str, space_ids: list[int], limit: int) -> list[Hit]:
    query = postgres_query(text)
    if not query:
        return []
    sql = f"""
        WITH q AS (SELECT to_tsquery('english'::regconfig, %s) AS q),
        hits AS (
            SELECT p.id FROM community_post p, q
            WHERE to_tsvector('english'::regconfig, p.body_text) @@ q.q
            UNION
            SELECT p.id FROM community_thread t
            JOIN community_post p ON p.thread_id = t.id AND p.is_opening, q
            WHERE to_tsvector('english'::regconfig, t.title) @@ q.q
        )
        SELECT p.id, t.id, t.title, s.name, s.slug, u.display_name, p.created_at, p.is_opening,
               ts_headline('english'::regconfig, p.body_text, q.q,
                           'StartSel=' || chr(2) || ', StopSel=' || chr(3)
                           || ', MaxWords=30, MinWords=12')
        FROM hits
        JOIN community_post p ON p.id = hits.id
        JOIN community_thread t ON t.id = p.thread_id
        JOIN community_space s ON s.id = t.space_id
        JOIN people_user u ON u.id = p.author_id, q
        WHERE t.space_id = ANY(%s) {_COMMON_WHERE}
        ORDER BY ts_rank(
            setweight(to_tsvector('english'::regconfig,
                      CASE WHEN p.is_opening THEN t.title ELSE '' END), 'A')
            || to_tsvector('english'::regconfig, p.body_text), q.q) DESC, p.id DESC
        LIMIT %s
    """  # noqa: S608 - only placeholders are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, space_ids, limit])
        rows = cursor.fetchall()
    return [_hit(row) for row in rows]


def _hit(row: tuple[Any, ...]) -> Hit:
    created = row[6] if isinstance(row[6], datetime) else parse_datetime(str(row[6]))
    assert created is not None
    if timezone.is_naive(created):
        created = timezone.make_aware(created, UTC)
    return Hit(post_id=row[0], thread_id=row[1], thread_title=row[2], space_name=row[3],
               space_slug=row[4], author_name=row[5], created_at=created,
               is_opening=bool(row[7]), snippet=_mark(row[8]))


def rebuild_sqlite_index() -> None:
    """Rebuild the FTS5 index from the posts (after a restore, or a bulk load without triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO community_post_fts(community_post_fts) VALUES ('rebuild')")
