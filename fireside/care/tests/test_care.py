from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from fireside.care import actions, incidents
from fireside.care.models import Alert, Conversation, Incident, Status
from fireside.listening.actions import do_create_channel
from fireside.listening.models import Channel, Message
from fireside.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook() -> Channel:
    return do_create_channel("Shop webhook", "webhook")


@pytest.fixture
def agent():
    return make_user("agent", role="agent", display_name="Ada Agent")


def _post(client: Client, channel: Channel, messages: list[dict[str, str]],
          secret: str | None = None):
    body = json.dumps({"messages": messages}).encode()
    signature = "sha256=" + hmac.new((secret or channel.secret).encode(), body,
                                     hashlib.sha256).hexdigest()
    return client.post(f"/api/v1/listening/webhook/{channel.pk}", body,
                       content_type="application/json", HTTP_X_FIRESIDE_SIGNATURE=signature)


def _complaint(i: int, text: str = "The app won't load and I can't log in to my account",
               minutes_ago: int = 5) -> dict[str, str]:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return {"id": f"w{i}", "author": f"customer{i}", "text": text, "created_at": at.isoformat()}


def test_a_signed_webhook_complaint_shows_in_the_inbox_with_its_clock(
        client: Client, hook: Channel, agent) -> None:
    response = _post(client, hook, [_complaint(1)])
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 1
    client.force_login(agent)
    page = client.get("/care/inbox")
    assert b"The app won" in page.content and b"due in" in page.content


def test_a_webhook_with_a_bad_signature_is_refused(client: Client, hook: Channel) -> None:
    assert _post(client, hook, [_complaint(1)], secret="wrong").status_code == 403
    assert not Message.objects.exists()


def test_an_agents_reply_stops_the_clock_and_is_recorded_as_answered_elsewhere(
        client: Client, hook: Channel, agent) -> None:
    _post(client, hook, [_complaint(1)])
    conv = Conversation.objects.get()
    client.force_login(agent)
    client.post(f"/care/c/{conv.pk}/reply", {"text": "Sorry, we are looking into it."})
    conv.refresh_from_db()
    assert conv.sla_due_at is None and conv.first_response_at is not None
    assert conv.messages.filter(direction="out", sent_elsewhere=True).count() == 1


def test_a_conversation_past_its_target_is_escalated_to_its_owner(hook: Channel, agent) -> None:
    from fireside.listening.importers import generic_message
    from fireside.listening.ingest import ingest_batch

    ingest_batch(hook, [generic_message(_complaint(1, minutes_ago=61))])
    Conversation.objects.update(owner=agent)
    _warned, escalated = actions.do_sweep_clocks()
    assert escalated == 1
    assert Alert.objects.filter(recipient=agent, kind="breach").count() == 1
    assert len(mail.outbox) == 1
    assert actions.do_sweep_clocks() == (0, 0)  # once, not every sweep


def test_waiting_on_the_customer_pauses_the_clock(hook: Channel) -> None:
    from fireside.listening.importers import generic_message
    from fireside.listening.ingest import ingest_batch

    ingest_batch(hook, [generic_message(_complaint(1))])
    conv = actions.do_set_status(Conversation.objects.get(), Status.WAITING)
    assert conv.sla_due_at is None


def test_thirty_similar_complaints_become_one_incident_acknowledged_and_followed_up_once(
        client: Client, hook: Channel, agent) -> None:
    _post(client, hook, [_complaint(i) for i in range(30)])
    proposed = incidents.do_detect_incidents()
    assert len(proposed) == 1
    incident = proposed[0]
    assert incident.conversations.count() == 30
    incidents.check_confirm(agent, incident)
    assert incidents.check_acknowledge(agent, incident, "We know; the app is down.") == 30
    for conv in Conversation.objects.all():
        assert conv.first_response_at is not None and conv.sla_due_at is None
    assert incidents.check_follow_up(agent, incident, "Fixed: the app is back.") == 30
    assert Conversation.objects.filter(status=Status.RESOLVED).count() == 30
    assert Message.objects.filter(direction="out").count() == 60
    assert Incident.objects.get().state == Incident.State.FIXED


def test_the_clock_reads_the_same_way_at_every_length() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from fireside.care.templatetags.care import clock

    now = timezone.now()
    for delta, text in ((timedelta(minutes=42, seconds=30), "due in 42 min"),
                        (timedelta(hours=1, minutes=5, seconds=30), "due in 1 h 5 min"),
                        (timedelta(hours=46, seconds=30), "due in 46 h"),
                        (-timedelta(days=2, hours=23, minutes=1), "overdue by 2 d 23 h"),
                        (-timedelta(days=3, minutes=1), "overdue by 3 d")):
        assert clock(now + delta) == text
