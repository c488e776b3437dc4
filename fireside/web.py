"""Helpers shared by the HTML views: turning action errors into pages or htmx answers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme

from fireside.errors import ActionError

View = TypeVar("View", bound=Callable[..., HttpResponse])


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def back(request: HttpRequest, fallback: str = "/") -> HttpResponseRedirect:
    target = request.POST.get("next") or request.headers.get("Referer") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target)


def action_errors(view: View) -> View:
    """Answer an ActionError with its status: JSON `detail` for htmx, a message otherwise."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ActionError as error:
            if is_htmx(request):
                return JsonResponse({"detail": error.detail}, status=error.status)
            messages.error(request, error.detail)
            response = back(request)
            return response

    return wrapper  # type: ignore[return-value]
