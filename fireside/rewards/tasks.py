"""Background entry points for rewards: ids in, actions called."""

from __future__ import annotations

from django_tasks import task

from fireside.rewards import actions


@task()
def award_badges(user_id: int) -> int:
    """Re-check a member's automatic badges (after a rule or threshold changed)."""
    return len(actions.award_automatic_badges(user_id))
