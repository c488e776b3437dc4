"""The REST API under /api/v1: one NinjaAPI, one router per app, errors as {"detail": ...}.

Integrations authenticate with a personal token (`Authorization: Bearer fs_...`); the
browser uses its session, with the CSRF token on writes. Reads of public content need no
authentication at all.
"""

from __future__ import annotations

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
