"""Counts page views of threads for the traffic factor: one UPDATE of the thread's
view_count and one upsert of its space's day, after a successful GET. Crawlers (by
User-Agent), staff and htmx fragment requests are not counted."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

BOTS = re.compile(r"bot|crawl|spider|slurp|fetch|preview|monitor|curl|wget|python-requests|"
                  r"headless|lighthouse|facebookexternalhit", re.IGNORECASE)


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOTS.search(user_agent))


def record_view(thread_id: int) -> bool:
    """Count one view of a thread; False when the thread does not exist."""
    from fireside.community.models import Thread
    from fireside.measure.models import PageViewDay

    space_id = Thread.objects.filter(pk=thread_id).values_list("space_id", flat=True).first()
    if space_id is None:
        return False
    day = timezone.now().date()
    Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + 1)
    if not PageViewDay.objects.filter(day=day, space_id=space_id).update(views=F("views") + 1):
        try:
            with transaction.atomic():
                PageViewDay.objects.create(day=day, space_id=space_id, views=1)
        except IntegrityError:  # another request created the row first
            PageViewDay.objects.filter(day=day, space_id=space_id).update(views=F("views") + 1)
    return True


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
            record_view(int(match.kwargs["thread_id"]))
        return response
