"""The REST API under /api/v1: one NinjaAPI, one router per app, errors as {"detail": ...}.

Integrations authenticate with a personal token (`Authorization: Bearer fs_...`); the
browser uses its session, with the CSRF token on writes. Reads of public content need no
authentication at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from fireside.api_auth import AUTH
from fireside.errors import ActionError

api = NinjaAPI(
    title="Fireside API",
    version="1.0.0",
    description="The community, people and everything else Fireside keeps, as JSON.",
    auth=AUTH,
    urls_namespace="api-1.0.0",
)


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail}, status=exc.status)


def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Any other address under /api/v1 answers in JSON too, as integrations expect."""
    return JsonResponse({"detail": "Not Found"}, status=404)


class JsonMethodNotAllowed:
    """Middleware: a wrong method on an API address answers 405 in JSON with a `detail`,
    as every other API error does, keeping the Allow header (the router's answer is an
    empty HTML response)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code == 405 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            allowed = response.get("Allow", "")
            detail = f"Method {request.method} not allowed here"
            response = JsonResponse({"detail": f"{detail}; use {allowed}." if allowed
                                     else f"{detail}."}, status=405)
            if allowed:
                response["Allow"] = allowed
        return response


def _mount() -> None:
    from fireside.community.api import router as community_router
    from fireside.ideas.api import router as ideas_router
    from fireside.people.api import router as people_router

    api.add_router("/", people_router)
    api.add_router("/", community_router)
    from fireside.care.api import router as care_router
    from fireside.listening.api import router as listening_router

    api.add_router("/", listening_router)
    api.add_router("/", care_router)
    api.add_router("/", ideas_router)
    from fireside.relationships.api import router as relationships_router
    from fireside.rewards.api import router as rewards_router

    api.add_router("/", rewards_router)
    api.add_router("/", relationships_router)
    from fireside.measure.api import router as measure_router

    api.add_router("/", measure_router)


_mount()
