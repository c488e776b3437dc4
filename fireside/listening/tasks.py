"""Background entry points for listening: ids in, actions called."""

from __future__ import annotations

from django_tasks import task

from fireside.listening import actions, poll


@task()
def ingest_community_post(post_id: int) -> int:
    """Bring a new community post into the stream; returns how many messages were stored."""
    return actions.do_ingest_community_post(post_id).stored


@task()
def poll_channels() -> int:
    """Periodic: claim every channel due for polling and poll each in its own task."""
    claimed = poll.claim_due()
    for channel_id in claimed:
        poll_channel.enqueue(channel_id)
    return len(claimed)


@task()
def poll_channel(channel_id: int) -> int:
    """Read what is new on one channel; returns how many messages were stored."""
    result = poll.poll_channel(channel_id)
    return result.stored if result is not None else 0
