"""The scheduler's pass: due jobs enqueued once, and SQLite's log checkpointed."""

from __future__ import annotations

import pytest

from fireside.listening.models import PeriodicJob
from fireside.listening.schedule import JOBS, Job, checkpoint_sqlite, enqueue_due

pytestmark = pytest.mark.django_db


def test_a_due_job_is_enqueued_once_until_its_interval_has_passed() -> None:
    jobs = tuple(job for job in JOBS if job.name == "rota-check")
    assert enqueue_due(jobs) == ["rota-check"]
    assert enqueue_due(jobs) == []
    assert PeriodicJob.objects.get(name="rota-check").last_run_at is not None


def test_a_job_naming_a_missing_task_is_skipped_not_fatal() -> None:
    from datetime import timedelta

    assert enqueue_due((Job("ghost", "fireside.listening.tasks:no_such_task",
                            timedelta(minutes=1)),)) == []


def test_the_checkpoint_runs_on_either_database_and_leaves_the_data_alone() -> None:
    PeriodicJob.objects.create(name="written", next_run_at="2026-01-01T00:00:00Z")
    checkpoint_sqlite()  # inside a transaction it waits for the next pass
    assert PeriodicJob.objects.filter(name="written").exists()


def test_every_periodic_job_names_a_task_that_exists() -> None:
    from fireside.listening.schedule import _task

    for job in JOBS:
        assert callable(_task(job.task).enqueue), job.name  # type: ignore[attr-defined]
