"""The organization's own settings, read often and changed rarely."""

from __future__ import annotations

import time

from django.conf import settings

from fireside.people.models import Organization

_cached: tuple[float, str] | None = None
TTL_SECONDS = 30.0


def organization_name() -> str:
    """The name shown across the site; cached per process for TTL_SECONDS."""
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] > TTL_SECONDS:
        row = Organization.objects.filter(pk=1).values_list("name", flat=True).first()
        _cached = (now, row or settings.ORGANIZATION_NAME)
    return _cached[1]


def set_organization(name: str, vision: str = "") -> Organization:
    global _cached
    org, _ = Organization.objects.update_or_create(pk=1, defaults={"name": name,
                                                                   "vision": vision})
    _cached = None
    return org
