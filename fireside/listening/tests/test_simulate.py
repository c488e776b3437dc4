from __future__ import annotations

import pytest

from fireside.care.demo import load_care_demo
from fireside.care.models import Conversation, Incident, RotaShift, SlaPolicy
from fireside.care.rota import uncovered_hours
from fireside.listening.models import Message
from fireside.listening.simulate import run
from fireside.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_history_has_waiting_clocks_a_rota_gap_and_a_proposed_incident() -> None:
    for handle, role in (("tom", "community_manager"), ("lena", "agent"),
                         ("priya", "moderator")):
        make_user(handle, role=role)
    load_care_demo(lambda _text: None)
    assert Conversation.objects.filter(status="open", sla_due_at__isnull=False).count() > 10
    assert Conversation.objects.filter(first_response_at__isnull=False).count() > 50
    assert SlaPolicy.objects.count() == 2 and RotaShift.objects.exists()
    assert uncovered_hours()
    incident = Incident.objects.get()
    assert incident.state == "proposed" and incident.conversations.count() >= 10
    counts = (Message.objects.count(), Conversation.objects.count())
    load_care_demo(lambda _text: None)
    assert (Message.objects.count(), Conversation.objects.count()) == counts


def test_the_simulator_sends_a_burst_that_becomes_an_incident() -> None:
    from fireside.care.incidents import do_detect_incidents

    result = run(5, burst=True, seconds=0)
    assert result.stored == 30
    assert len(do_detect_incidents()) == 1
