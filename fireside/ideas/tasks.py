"""Background entry points for ideas: ids in, actions called.

Closing runs three ways, all idempotent: a `close_campaign` task deferred to each
campaign's end date, a `close_due_campaigns` sweep that re-enqueues itself every few
minutes, and a nudge from the pages when they see a due campaign still open. Votes never
depend on them: a campaign stops taking votes at its end date whatever the tasks do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = timedelta(minutes=5)


def _defer(the_task: Any, run_after: datetime, *args: Any) -> bool:
    """Enqueue for later where the backend can; the immediate backend (tests) cannot."""
    if not the_task.get_backend().supports_defer:
        return False
    the_task.using(run_after=run_after).enqueue(*args)
    return True


def schedule_closing(campaign_id: int, closes_at: datetime) -> None:
    if not _defer(close_campaign, closes_at, campaign_id):
        return
    start_sweeps()


def start_sweeps() -> None:
    """Make sure a sweep is queued; at most one new chain per sweep interval."""
    if cache.add("ideas:sweep-chain", 1, timeout=int(SWEEP_EVERY.total_seconds())):
        _defer(close_due_campaigns, timezone.now() + SWEEP_EVERY)


def nudge_due(campaign_ids: list[int]) -> None:
    """Pages call this when they show a due campaign that is not closed yet."""
    for cid in campaign_ids:
        if cache.add(f"ideas:nudge:{cid}", 1, timeout=60):
            close_campaign.enqueue(cid)


def nudge_index() -> None:
    """The similar search calls this: new threads (and any idea whose indexing task was
    lost) get their entries within half a minute, without touching the reply path."""
    if cache.add("ideas:index-new", 1, timeout=30):
        index_new_items.enqueue()


@task()
def close_campaign(campaign_id: int) -> bool:
    from fireside.ideas.actions import do_close_campaign

    return do_close_campaign(campaign_id)


@task()
def close_due_campaigns() -> list[int]:
    """Close every due campaign, then queue the next sweep."""
    from fireside.ideas.actions import close_due_campaigns as close_due

    closed = close_due()
    cache.delete("ideas:sweep-chain")
    start_sweeps()
    return closed


@task()
def index_similarity(kind: str, ids: list[int]) -> int:
    from fireside.ideas import similar

    if kind == "idea":
        return similar.index_ideas(ids)
    return similar.index_threads(ids)


@task()
def index_new_items() -> int:
    """Give the threads and ideas added since the last run their entries, in batches."""
    from fireside.ideas import similar

    total = 0
    for find, index in ((similar.unindexed_thread_ids, similar.index_threads),
                        (similar.unindexed_idea_ids, similar.index_ideas)):
        while ids := find(1000):
            done = index(ids)
            total += done
            if len(ids) < 1000 or not done:
                break
    return total
