"""Signal receivers that feed the stream from elsewhere in Fireside."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fireside.community.models import Post


def on_post_saved(sender: type[Post], instance: Post, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    from fireside.listening.tasks import ingest_community_post

    post_id = instance.pk
    transaction.on_commit(lambda: ingest_community_post.enqueue(post_id))
