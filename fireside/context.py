"""Template context every page needs: the organization's name and the viewer's counters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fireside.people.organization import organization_name


def site(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"organization": organization_name()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # One cheap indexed count; the bell shows it on every page. Notifications about
        # threads a moderator removed are left out, as the list leaves them out.
        context["unread_count"] = user.notifications.filter(
            read_at__isnull=True, thread__is_hidden=False, thread__is_deleted=False).count()
        context["is_moderator"] = user.is_global_moderator or user.moderated_spaces.exists()
    return context
