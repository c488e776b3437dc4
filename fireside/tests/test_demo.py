"""`fireside demo`: the demo organization loads, a second run adds nothing, and its
scorecard has something to show in every dimension."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import F, Min

from fireside.demo import load_demo
from fireside.measure.scorecard import scorecard
from fireside.people.models import User
from fireside.relationships.models import StaffTask, TaskKind, TaskStatus

# Committed for real, so after-commit work and the (immediate) task backend run as in
# `fireside demo`.
pytestmark = pytest.mark.django_db(transaction=True)

# Bookkeeping rather than the organization's data: queued background work.
NOT_DATA = {"django_tasks_database.DBTaskResult"}


def _counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.db_table in tables and model._meta.label not in NOT_DATA}


def test_the_demo_loads_with_a_scorecard_to_show_and_a_second_run_adds_nothing(
        settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # the demo keeps its log-ins there
    first = load_demo()
    counts = _counts()
    assert counts["community.Post"] > 100 and counts["care.Conversation"] > 50

    card = scorecard()
    for dimension in card["dimensions"]:
        assert len(dimension.evidence) >= 2, dimension.key
        assert dimension.score > 0, (dimension.key, dimension.evidence)
    # Tom has worked part of the list; Alex's thank-you and Rosa's help wait for a newcomer.
    done = StaffTask.objects.filter(status=TaskStatus.DONE)
    assert done.filter(kind=TaskKind.HELP).exists() and done.filter(kind=TaskKind.THANK).exists()
    waiting = StaffTask.objects.filter(status=TaskStatus.OPEN)
    assert waiting.filter(kind=TaskKind.THANK, person__user__username="alex").exists()
    assert waiting.filter(kind=TaskKind.HELP, person__user__username="rosa").exists()

    # The history is dated back, and so is each author's "member since".
    assert not User.objects.annotate(first=Min("posts__created_at")).filter(
        date_joined__gt=F("first")).exists()

    # The inbox opens on a live backlog, not weeks of it: the community's dated-back
    # history was handled, and only the few missed conversations wait since hours.
    from django.utils import timezone

    from fireside.care.models import Conversation, Status

    waiting = Conversation.objects.filter(status=Status.OPEN, sla_due_at__isnull=False)
    assert waiting.filter(sla_due_at__gt=timezone.now()).exists()  # some still on time
    assert waiting.filter(sla_due_at__lt=timezone.now() - timedelta(hours=3)).count() <= 20
    assert not waiting.filter(channel__kind="community",
                              last_message_at__lt=timezone.now() - timedelta(days=2)).exists()

    second = load_demo()
    assert _counts() == counts
    assert [(r.email, r.password) for r in second.rows] == \
        [(r.email, r.password) for r in first.rows]  # the same log-ins, still valid


def test_the_demos_history_waits_in_the_bell_and_is_not_e_mailed(
        settings: Any, tmp_path: Path) -> None:
    """With the queue `make run` uses, the worker finds the demo's notification e-mails
    already settled: a newcomer's terminal shows the log-ins, not a hundred messages."""
    from django.core import mail
    from django.core.management import call_command

    from fireside.community.models import Notification

    settings.DATA_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    load_demo()
    mail.outbox.clear()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert Notification.objects.filter(recipient__username="maya").exists()
    assert Notification.objects.filter(read_at__isnull=True).exists()
    notification_mails = [m.subject for m in mail.outbox
                          if " replied in " in m.subject or " mentioned you " in m.subject]
    assert notification_mails == []
