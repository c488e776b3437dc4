"""A small scheduler for periodic tasks, since django-tasks has none.

`fireside scheduler` (started by `fireside serve`) wakes every few seconds and enqueues
each job whose `PeriodicJob.next_run_at` has passed. A job is claimed by moving its
`next_run_at` forward in one conditional UPDATE, so two schedulers never enqueue the
same run. It only enqueues: the tasks run on whatever backend is configured (the database
queue or RQ), so it works unchanged in both profiles.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

from fireside.listening.models import PeriodicJob

log = logging.getLogger("fireside.scheduler")
INTERVAL = 5.0  # seconds between the scheduler's checks


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # "module:attribute" of a django-tasks task taking no arguments
    every: timedelta


JOBS: tuple[Job, ...] = (
    Job("poll-channels", "fireside.listening.tasks:poll_channels", timedelta(seconds=15)),
    Job("sla-sweep", "fireside.care.tasks:sla_sweep", timedelta(seconds=15)),
    Job("retry-replies", "fireside.care.tasks:retry_replies", timedelta(seconds=30)),
    Job("detect-incidents", "fireside.care.tasks:detect_incidents", timedelta(seconds=30)),
    Job("rota-check", "fireside.care.tasks:rota_check", timedelta(minutes=5)),
    Job("measure-rollup", "fireside.measure.tasks:roll_up", timedelta(minutes=2)),
    Job("standing-sweep", "fireside.relationships.tasks:standing_sweep", timedelta(minutes=2)),
    Job("measure-weekly-report", "fireside.measure.tasks:send_weekly_report",
        timedelta(hours=1)),
)


def _task(path: str) -> Callable[..., object]:
    module, name = path.split(":")
    task: Callable[..., object] = getattr(import_module(module), name)
    return task


def enqueue_due(jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Enqueue every due job once; returns the names enqueued."""
    now = timezone.now()
    started = []
    for job in jobs:
        row, _ = PeriodicJob.objects.get_or_create(name=job.name,
                                                   defaults={"next_run_at": now})
        if row.next_run_at > now:
            continue
        claimed = PeriodicJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=now + job.every, last_run_at=now)
        if not claimed:
            continue  # another scheduler took it
        try:
            _task(job.task).enqueue()  # type: ignore[attr-defined]
        except (ImportError, AttributeError):
            log.warning("periodic job %s: no task %s", job.name, job.task)
            continue
        started.append(job.name)
    return started


def checkpoint_sqlite() -> None:
    """Copy SQLite's write-ahead log back into the database, off the requests' path. PASSIVE
    never waits for readers or writers: whatever is busy is left for the next pass."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except OperationalError as error:  # locked by a writer right now: next pass
        log.debug("checkpoint skipped: %s", error)


def run_forever(interval: float = INTERVAL, once: bool = False) -> None:
    while True:
        close_old_connections()
        try:
            enqueue_due()
            checkpoint_sqlite()
        except Exception:  # keep the antenna up: log, wait, try again
            log.exception("scheduler pass failed")
        if once:
            return
        time.sleep(interval)
