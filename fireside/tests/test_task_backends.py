"""Both deployment profiles run background work for real: the database queue on one
machine, and RQ workers on Redis across machines."""

from __future__ import annotations

import os

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from fireside.community import tasks
from fireside.community.models import Notification
from fireside.testing import make_reply, make_space, make_thread, make_user

REDIS_URL = os.environ.get("FIRESIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _notification() -> Notification:
    asker = make_user("asker")
    thread = make_thread(make_space(), asker, title="Kettle leaks")
    make_reply(thread, make_user("helper"), body="Check the seal.")
    return Notification.objects.get(recipient=asker)


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_worker_sends_a_notification_email() -> None:
    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=backend):
        notification = _notification()
        mail.outbox.clear()
        result = tasks.email_notifications.enqueue([notification.pk])
        assert not mail.outbox
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        result.refresh()
    assert result.status == "SUCCESSFUL"
    assert len(mail.outbox) == 1 and "Kettle leaks" in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("verbose", [False, True])
def test_fireside_worker_writes_a_line_per_task_only_when_asked(
        verbose: bool, capfd: pytest.CaptureFixture[str]) -> None:
    """`make run` shows the demo log-ins and the e-mails: periodic tasks run every few
    seconds and would bury them, so the worker is quiet about tasks that went well."""
    from fireside.cli import main

    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=backend):
        notification = _notification()
        mail.outbox.clear()
        result = tasks.email_notifications.enqueue([notification.pk])
        assert main(["worker", "--batch", *(["--verbose"] if verbose else [])]) == 0
        result.refresh()
    assert result.status == "SUCCESSFUL" and len(mail.outbox) == 1
    out, err = capfd.readouterr()
    task_lines = [line for line in (out + err).splitlines() if line.startswith("Task id=")]
    if verbose:
        assert any("state=SUCCESSFUL" in line for line in task_lines)
    else:
        assert task_lines == []


@pytest.mark.django_db(transaction=True)
def test_an_rq_worker_on_redis_sends_a_notification_email() -> None:
    if not _redis_available():
        if os.environ.get("FIRESIDE_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required here but {REDIS_URL} does not answer")
        pytest.skip(f"!!! Redis not reachable at {REDIS_URL}: RQ profile not tested !!!")
    import django_rq

    backend = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queues = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    with override_settings(TASKS=backend, RQ_QUEUES=queues):
        notification = _notification()
        mail.outbox.clear()
        django_rq.get_queue("default").empty()
        tasks.email_notifications.enqueue([notification.pk])
        assert not mail.outbox, "the task must wait for the worker"
        # SimpleWorker runs jobs in this process, so it sees the test database and outbox.
        call_command("rqworker", "default", burst=True, worker_class="rq.SimpleWorker",
                     job_class="django_tasks_rq.Job", verbosity=0)
    assert len(mail.outbox) == 1 and "Kettle leaks" in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None
