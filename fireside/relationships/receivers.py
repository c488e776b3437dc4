"""Signal receivers: a member's new post may change their standing."""

from __future__ import annotations

from typing import Any

from fireside.people.models import Person


def on_post_created(sender: type, post_id: int, **kwargs: Any) -> None:
    """Recompute the author's standing (in the worker; listening has already turned the post
    into a message, its receiver being connected first)."""
    from fireside.relationships import standing

    person_id = (Person.objects.filter(user__posts__pk=post_id)
                 .values_list("id", flat=True).first())
    if person_id is not None:
        standing.recompute([person_id])
