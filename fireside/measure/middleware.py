"""Counts page views of threads for the traffic factor, after a successful GET. Crawlers
(by User-Agent), staff and htmx fragment requests are not counted.

Views are counted in the server process and written in one short transaction every few
seconds (FIRESIDE_VIEW_FLUSH_SECONDS; 0 writes each at once), not by two writes on every
page: on SQLite every write takes the database's one write lock, which the people posting
need. A process killed without its exit handlers loses at most those seconds of counts,
which are traffic figures, never anything a member wrote.
"""

from __future__ import annotations

import atexit
import contextlib
import re
import threading
import time
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

BOTS = re.compile(r"bot|crawl|spider|slurp|fetch|preview|monitor|curl|wget|python-requests|"
                  r"headless|lighthouse|facebookexternalhit", re.IGNORECASE)
# Set by the thread page on its request, so counting needs no query for the space.
SPACE_ATTRIBUTE = "fireside_thread_space_id"


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOTS.search(user_agent))


class _Views:
    """The views counted since the last write, by (thread id, space id or None)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: Counter[tuple[int, int | None]] = Counter()
        self.last_flush = time.monotonic()


_views = _Views()
MAX_PENDING = 1000


def record_view(thread_id: int, space_id: int | None = None) -> None:
    """Count one view of a thread (its space's id saves a lookup when the caller knows it)."""
    with _views.lock:
        _views.pending[thread_id, space_id] += 1
        due = (time.monotonic() - _views.last_flush >= settings.FIRESIDE_VIEW_FLUSH_SECONDS
               or len(_views.pending) >= MAX_PENDING)
    if due:
        flush_views()


def flush_views() -> int:
    """Write the counted views: one UPDATE a thread and one upsert a space's day, in one
    transaction. Returns the number of views written."""
    from fireside.community.models import Thread
    from fireside.measure.models import PageViewDay

    with _views.lock:
        pending, _views.pending = _views.pending, Counter()
        _views.last_flush = time.monotonic()
    if not pending:
        return 0
    by_thread: Counter[int] = Counter()
    space_of: dict[int, int] = {}
    for (thread_id, space_id), n in pending.items():
        by_thread[thread_id] += n
        if space_id is not None:
            space_of[thread_id] = space_id
    unknown = [t for t in by_thread if t not in space_of]
    if unknown:
        space_of.update(Thread.objects.filter(pk__in=unknown).values_list("id", "space_id"))
    by_space: Counter[int] = Counter()
    for thread_id, n in by_thread.items():
        if thread_id in space_of:  # a thread deleted meanwhile counts nowhere
            by_space[space_of[thread_id]] += n
    qn = connection.ops.quote_name
    threads, days = qn(Thread._meta.db_table), qn(PageViewDay._meta.db_table)
    day = timezone.now().date()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {threads} SET view_count = view_count + %s WHERE id = %s",  # noqa: S608
            [(n, t) for t, n in sorted(by_thread.items())])
        cursor.executemany(
            f"INSERT INTO {days} (day, space_id, views) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (day, space_id) DO UPDATE SET views = {days}.views + excluded.views",
            [(day, s, n) for s, n in sorted(by_space.items())])
    return sum(by_space.values())


def _flush_at_exit() -> None:
    # The process is going away (its database may be too): nobody to report a failure to.
    with contextlib.suppress(Exception):
        flush_views()


atexit.register(_flush_at_exit)


class PageViewMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (request.method == "GET" and response.status_code == 200 and match is not None
                and match.url_name == "thread" and "HTTP_HX_REQUEST" not in request.META
                and not getattr(request.user, "is_staff_member", False)
                and not is_bot(request.META.get("HTTP_USER_AGENT", ""))):
            record_view(int(match.kwargs["thread_id"]), getattr(request, SPACE_ATTRIBUTE, None))
        return response
