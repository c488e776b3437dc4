"""A conversation past its target is escalated within a minute, by the real scheduler.

The scheduler's loop runs as in production; only its sleep is replaced by moving a frozen
clock forward, so an hour of scheduling takes a second of test time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from fireside.care.models import Alert, Conversation
from fireside.listening import schedule
from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.testing import make_user

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class Stop(BaseException):
    """Ends the scheduler's endless loop (BaseException: its pass catches Exception)."""


def test_the_scheduler_escalates_a_breached_conversation_within_a_minute(
        monkeypatch: pytest.MonkeyPatch) -> None:
    agent = make_user("ada", role="agent")
    channel = do_create_channel("Support e-mail", "import")
    with freeze_time(START) as clock:
        ingest_batch(channel, [RawMessage("e1", "ana", "My grinder arrived broken, help!",
                                          START)])
        Conversation.objects.update(owner=agent)
        due = Conversation.objects.get().sla_due_at
        assert due == START + timedelta(minutes=60)
        clock.move_to(due - timedelta(minutes=20, seconds=7))  # off the sweep's beat
        seen: dict[str, datetime] = {}

        def sleep(seconds: float) -> None:
            for alert in Alert.objects.filter(recipient=agent):
                seen.setdefault(alert.kind, alert.created_at)
            if "breach" in seen or timezone.now() > due + timedelta(minutes=10):
                raise Stop
            clock.tick(timedelta(seconds=seconds))

        monkeypatch.setattr(schedule.time, "sleep", sleep)
        # The test's transaction holds the one connection: the loop must not recycle it.
        monkeypatch.setattr(schedule, "close_old_connections", lambda: None)
        with pytest.raises(Stop):
            schedule.run_forever()
    assert "breach" in seen, "never escalated"
    latency = seen["breach"] - due
    print(f"escalated {latency.total_seconds():.0f} s after the breach")
    assert timedelta(0) <= latency <= timedelta(minutes=1)
    # The warning came before the breach, within the policy's 15 minutes of it.
    assert due - timedelta(minutes=15) <= seen["warning"] < due
