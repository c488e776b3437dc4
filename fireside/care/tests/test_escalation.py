"""A conversation past its target is escalated within a minute, by the real scheduler.

The scheduler's loop runs as in production; only its sleep is replaced by moving a frozen
clock forward, so an hour of scheduling takes a second of test time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from fireside.care import actions
from fireside.care.models import Alert, Conversation, EscalationHook, SlaPolicy, Team
from fireside.listening import schedule
from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.listening.models import Channel
from fireside.people.models import User
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


# Staged escalation, through the real actions with time passed as arguments -------------

DUE = START + timedelta(minutes=60)  # the built-in first-response target


@pytest.fixture
def support() -> Channel:
    return do_create_channel("Support e-mail", "import")


@pytest.fixture
def owner() -> User:
    return make_user("ada", role="agent")


@pytest.fixture
def lead() -> User:
    return make_user("lin", role="agent")


@pytest.fixture
def care_lead() -> User:
    return make_user("cora", role="community_manager")


def _complaint(channel: Channel, *, owner: User | None = None, lead: User | None = None,
               external_id: str = "e1") -> Conversation:
    ingest_batch(channel, [RawMessage(external_id, "ana", "My grinder arrived broken, help!",
                                      START)])
    conv = Conversation.objects.get(messages__external_id=external_id)
    team = Team.objects.create(name=f"Care {external_id}", lead=lead) if lead else None
    return actions.check_update(conv, owner=owner, team_id=team.pk if team else None)


def _told(kind: str) -> list[str]:
    return sorted(Alert.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_breach_tells_the_owner_and_the_team_lead_only_a_stage_later(
        support: Channel, owner: User, lead: User, care_lead: User) -> None:
    conv = _complaint(support, owner=owner, lead=lead)
    assert actions.do_sweep_clocks(DUE - timedelta(seconds=1))[1] == 0
    assert actions.do_sweep_clocks(DUE) == (0, 1)
    assert _told("breach") == ["ada"] and _told("escalation") == []
    conv.refresh_from_db()
    assert conv.current_escalation == 1
    assert conv.escalation_due_at == DUE + timedelta(minutes=30)

    assert actions.do_sweep_clocks(DUE + timedelta(minutes=29)) == (0, 0)
    assert actions.do_sweep_clocks(DUE + timedelta(minutes=30)) == (0, 1)
    assert _told("breach") == ["ada"] and _told("escalation") == ["lin"]
    conv.refresh_from_db()
    assert conv.current_escalation == 2 and conv.escalation_due_at is None


def test_each_stage_is_sent_once_however_often_the_sweep_runs(
        support: Channel, owner: User, lead: User) -> None:
    _complaint(support, owner=owner, lead=lead)
    for minute in range(0, 180, 1):
        actions.do_sweep_clocks(DUE + timedelta(minutes=minute, seconds=7))
    assert _told("breach") == ["ada"] and _told("escalation") == ["lin"]


def test_the_stage_interval_is_the_policys(support: Channel, owner: User, lead: User) -> None:
    SlaPolicy.objects.create(name="Everything", escalate_after_minutes=5)
    _complaint(support, owner=owner, lead=lead)
    actions.do_sweep_clocks(DUE)
    assert actions.do_sweep_clocks(DUE + timedelta(minutes=4)) == (0, 0)
    assert actions.do_sweep_clocks(DUE + timedelta(minutes=5)) == (0, 1)


def test_a_reply_after_the_breach_stops_the_next_stage(
        support: Channel, owner: User, lead: User) -> None:
    conv = _complaint(support, owner=owner, lead=lead)
    actions.do_sweep_clocks(DUE)
    actions.do_reply(owner, conv, "So sorry! A new one ships today.",
                     at=DUE + timedelta(minutes=10))
    assert actions.do_sweep_clocks(DUE + timedelta(minutes=45)) == (0, 0)
    assert _told("escalation") == []
    conv.refresh_from_db()
    assert conv.current_escalation == 0 and conv.escalation_due_at is None


def test_a_new_wait_after_a_reply_escalates_again_from_the_first_level(
        support: Channel, owner: User, lead: User) -> None:
    conv = _complaint(support, owner=owner, lead=lead)
    actions.do_sweep_clocks(DUE)
    actions.do_sweep_clocks(DUE + timedelta(minutes=30))
    answered = DUE + timedelta(minutes=40)
    actions.do_reply(owner, conv, "So sorry! A new one ships today.", at=answered)
    ingest_batch(support, [RawMessage("e2", "ana", "It still has not shipped.",
                                      answered + timedelta(minutes=20))])
    conv.refresh_from_db()
    assert conv.sla_due_at is not None and conv.current_escalation == 0
    next_due = conv.sla_due_at
    actions.do_sweep_clocks(next_due)
    assert _told("breach") == ["ada", "ada"] and _told("escalation") == ["lin"]
    actions.do_sweep_clocks(next_due + timedelta(minutes=30))
    assert _told("escalation") == ["lin", "lin"]


def test_a_paused_conversation_is_not_escalated_further(
        support: Channel, owner: User, lead: User) -> None:
    conv = _complaint(support, owner=owner, lead=lead)
    actions.do_sweep_clocks(DUE)
    actions.do_set_status(conv, "waiting")
    actions.do_sweep_clocks(DUE + timedelta(minutes=30))
    assert _told("escalation") == []
    assert Conversation.objects.get().escalation_due_at is None


def test_without_an_owner_the_team_lead_is_first_and_the_care_leads_next(
        support: Channel, lead: User, care_lead: User) -> None:
    _complaint(support, lead=lead)
    actions.do_sweep_clocks(DUE)
    actions.do_sweep_clocks(DUE + timedelta(minutes=30))
    assert _told("breach") == ["lin"] and _told("escalation") == ["cora"]


def test_without_a_team_lead_the_care_leads_come_after_the_owner(
        support: Channel, owner: User, care_lead: User) -> None:
    _complaint(support, owner=owner)
    actions.do_sweep_clocks(DUE)
    actions.do_sweep_clocks(DUE + timedelta(minutes=30))
    assert _told("breach") == ["ada"] and _told("escalation") == ["cora"]


def test_with_nobody_named_the_care_leads_hear_of_both_stages(
        support: Channel, care_lead: User) -> None:
    _complaint(support)
    actions.do_sweep_clocks(DUE)
    actions.do_sweep_clocks(DUE + timedelta(minutes=30))
    assert _told("breach") == ["cora"] and _told("escalation") == ["cora"]


def test_each_stage_is_mailed_and_sent_to_the_outgoing_webhook(
        support: Channel, owner: User, lead: User,
        django_capture_on_commit_callbacks: Any) -> None:
    EscalationHook.objects.create(url="http://127.0.0.1:9/hook", secret="s")
    _complaint(support, owner=owner, lead=lead)
    with django_capture_on_commit_callbacks() as callbacks:
        actions.do_sweep_clocks(DUE)
        actions.do_sweep_clocks(DUE + timedelta(minutes=30))
    assert [m.to for m in mail.outbox] == [["ada@example.com"], ["lin@example.com"]]
    assert len(callbacks) == 2


def test_the_inbox_and_the_conversation_show_the_escalation_level(
        client: Client, support: Channel, owner: User, lead: User) -> None:
    conv = _complaint(support, owner=owner, lead=lead)
    actions.do_sweep_clocks(DUE)
    actions.do_sweep_clocks(DUE + timedelta(minutes=30))
    client.force_login(owner)
    inbox = client.get("/care/inbox").content.decode()
    assert 'data-testid="escalation"' in inbox and "level 2" in inbox
    page = client.get(f"/care/c/{conv.pk}").content.decode()
    assert "Escalation level 2" in page
    api = client.get(f"/api/v1/care/conversations/{conv.pk}").json()
    assert api["escalation_level"] == 2


def test_a_sweep_that_finds_many_breaches_sends_each_person_one_list(
        support: Channel, owner: User, lead: User) -> None:
    """After an outage forty conversations may breach in one sweep: each person gets one
    e-mail naming them all, while every conversation still gets its own alert."""
    ingest_batch(support, [RawMessage(f"e{n}", name, "My grinder arrived broken, help!", START)
                           for n, name in enumerate(["ana", "ben", "cy", "dee"])])
    *convs, other = Conversation.objects.order_by("pk")
    Conversation.objects.filter(pk__in=[c.pk for c in convs]).update(owner=owner)
    Conversation.objects.filter(pk=other.pk).update(owner=lead)
    actions.do_sweep_clocks(DUE)
    assert _told("breach") == ["ada", "ada", "ada", "lin"]
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == ["ada@example.com", "lin@example.com"]
    digest = by_person["ada@example.com"]
    assert digest.subject == "[Fireside] 3 conversations need you (3 breached)"
    for conv in convs:
        assert f"/care/c/{conv.pk}\n" in digest.body
    assert f"/care/c/{other.pk}" not in digest.body
    single = by_person["lin@example.com"]
    assert single.subject.startswith("[Fireside] SLA breached: ")
    assert single.body.endswith(f"/care/c/{other.pk}")
