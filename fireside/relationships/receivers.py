"""Signal receivers: a member's new post may change their standing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fireside.community.models import Post
from fireside.people.models import Person


def on_post_saved(sender: type[Post], instance: Post, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    author_id = instance.author_id

    def enqueue() -> None:
        # Listening turns the post into a message first (its receiver runs before this
        # one); then only this person is recomputed.
        person_id = Person.objects.filter(user_id=author_id).values_list("id", flat=True).first()
        if person_id is not None:
            from fireside.relationships.tasks import recompute_standing

            recompute_standing.enqueue([person_id])

    transaction.on_commit(enqueue)
