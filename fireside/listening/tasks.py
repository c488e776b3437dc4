"""Background entry points for listening: ids in, actions called."""

from __future__ import annotations

from django_tasks import task

from fireside.listening import actions


@task()
def ingest_community_post(post_id: int) -> int:
    """Bring a new community post into the stream; returns how many messages were stored."""
    return actions.do_ingest_community_post(post_id).stored
