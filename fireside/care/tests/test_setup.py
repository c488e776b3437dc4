"""SLA policies, the rota, saved replies and round-robin: pages, API and actions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from freezegun import freeze_time

from fireside.care.models import Conversation, RotaShift, SavedReply, SlaPolicy
from fireside.care.setup import check_add_shift, do_assign_round_robin
from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.people.models import User
from fireside.testing import make_user

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def lead() -> User:
    return make_user("lea", role="community_manager", display_name="Lea Lead")


@pytest.fixture
def agent() -> User:
    return make_user("ada", role="agent", display_name="Ada Agent")


def test_a_lead_adds_a_policy_on_the_page_and_new_clocks_follow_it(client: Client,
                                                                   lead: User) -> None:
    client.force_login(lead)
    client.post("/care/policies/add", {"name": "Fast", "first_response": "30",
                                       "next_response": "120", "resolution": "600"})
    assert SlaPolicy.objects.get().first_response_minutes == 30
    assert b"Fast" in client.get("/care/policies").content
    channel = do_create_channel("Mail", "import")
    ingest_batch(channel, [RawMessage("1", "ana", "My order is late, where is it?",
                                      MONDAY_10)])
    conv = Conversation.objects.get()
    assert conv.sla_due_at == datetime(2025, 3, 3, 10, 30, tzinfo=UTC)


def test_an_agent_cannot_change_policies_but_sees_them(client: Client, agent: User) -> None:
    client.force_login(agent)
    assert client.get("/care/policies").status_code == 200
    response = client.post("/api/v1/care/policies", {"name": "Mine"},
                           content_type="application/json")
    assert response.status_code == 403 and "detail" in response.json()
    assert not SlaPolicy.objects.exists()


def test_a_policy_with_nonsense_targets_is_refused_with_a_reason(client: Client,
                                                                 lead: User) -> None:
    client.force_login(lead)
    response = client.post("/api/v1/care/policies", {"name": "X", "first_response_minutes": 0},
                           content_type="application/json")
    assert response.status_code == 400 and "First response" in response.json()["detail"]


def test_the_rota_page_shows_the_uncovered_hours(client: Client, lead: User,
                                                 agent: User) -> None:
    client.force_login(lead)
    client.post("/care/rota/add", {"agent": agent.pk, "weekday": "0", "start_hour": "9",
                                   "end_hour": "17", "time_zone": "UTC"})
    assert RotaShift.objects.count() == 1
    page = client.get("/care/rota").content.decode()
    assert "160 hours of the week are not covered" in page
    gaps = client.get("/api/v1/care/rota").json()["uncovered"]
    assert len(gaps) == 160 and [0, 9] not in gaps


def test_saved_replies_are_kept_and_offered_in_a_conversation(client: Client,
                                                             agent: User) -> None:
    client.force_login(agent)
    response = client.post("/api/v1/care/saved-replies",
                           {"title": "Refund", "body": "We have refunded your order."},
                           content_type="application/json")
    assert response.status_code == 201
    client.post("/care/saved-replies/add", {"title": "Delay", "body": "Sorry for the wait."})
    assert sorted(SavedReply.objects.values_list("title", flat=True)) == ["Delay", "Refund"]
    duplicate = client.post("/api/v1/care/saved-replies", {"title": "Refund", "body": "x"},
                            content_type="application/json")
    assert duplicate.status_code == 400


def test_round_robin_deals_unowned_conversations_to_the_agents_on_shift_in_turn(
        lead: User, agent: User) -> None:
    bob = make_user("bob", role="agent")
    off = make_user("cyd", role="agent")
    for who in (agent, bob):
        check_add_shift(lead, agent_id=who.pk, weekday=0, start_hour=9, end_hour=17)
    check_add_shift(lead, agent_id=off.pk, weekday=0, start_hour=17, end_hour=24)
    channel = do_create_channel("Mail", "import")
    ingest_batch(channel, [RawMessage(str(i), f"c{i}", "Where is my order?", MONDAY_10)
                           for i in range(5)])
    with freeze_time(MONDAY_10):
        assert do_assign_round_robin() == {agent.pk: 3, bob.pk: 2}
        ingest_batch(channel, [RawMessage("9", "c9", "Where is my order?", MONDAY_10)])
        assert do_assign_round_robin() == {bob.pk: 1}  # ada had the last turn
    assert not Conversation.objects.filter(owner=off).exists()
