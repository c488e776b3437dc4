"""Background entry points for relationships: ids in, actions called."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from fireside.listening.models import Message
from fireside.relationships import actions, standing


@task()
def recompute_standing(person_ids: list[int]) -> int:
    """Recompute the standing of the people a new message or post touched."""
    return standing.recompute(person_ids).changed


@task()
def recompute_all_standings() -> int:
    """The nightly full pass: standings drift as messages age out of their weights."""
    return standing.recompute(None).changed


@task()
def standing_sweep(minutes: int = 5) -> int:
    """Recompute the people who received messages in the last `minutes` (what a
    scheduler runs every few minutes to follow the ingest pipeline)."""
    since = timezone.now() - timedelta(minutes=minutes)
    ids = list(Message.objects.filter(received_at__gte=since, person__isnull=False)
               .values_list("person_id", flat=True).distinct())
    return standing.recompute(ids).changed if ids else 0


@task()
def suggest_thanks(user_id: int, reason: str) -> int | None:
    """An outcome (accepted answer, shipped idea) asks staff to thank the member."""
    created = actions.do_suggest_thanks(user_id, reason)
    return created.pk if created else None
