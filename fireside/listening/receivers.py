"""Signal receivers that feed the stream from elsewhere in Fireside."""

from __future__ import annotations

from typing import Any


def on_post_created(sender: type, post_id: int, **kwargs: Any) -> None:
    """A new community post enters the stream (in the worker, after the post committed)."""
    from fireside.listening.actions import do_ingest_community_post

    do_ingest_community_post(post_id)
