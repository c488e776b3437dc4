from __future__ import annotations

import pytest

from fireside.care.models import Conversation, Status
from fireside.listening.ingest import ingest_batch
from fireside.listening.models import Channel, Identity, Message
from fireside.listening.tests.conftest import raw
from fireside.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_batch_is_stored_with_its_signals(channel: Channel) -> None:
    result = ingest_batch(channel, [raw("Where is my order? It is two weeks late!", author="ana"),
                                    raw("I love the new espresso roast", author="ben")])
    assert result.stored == 2
    late = Message.objects.get(author_handle="ana")
    assert late.intent in ("complaint", "question")
    assert late.sentiment
    assert late.conversation is not None


def test_sending_the_same_batch_twice_stores_each_message_once(channel: Channel) -> None:
    batch = [raw(external_id="a1"), raw(external_id="a2", author="ben")]
    ingest_batch(channel, batch)
    again = ingest_batch(channel, [raw(external_id="a1"), raw(external_id="a2", author="ben")])
    assert again.stored == 0 and again.duplicates == 2
    assert Message.objects.count() == 2


def test_the_same_handle_on_a_channel_is_the_same_person(channel: Channel) -> None:
    ingest_batch(channel, [raw(author="ana"), raw(author="ana", minutes=5)])
    ingest_batch(channel, [raw(author="ana", minutes=10)])
    assert Identity.objects.count() == 1
    assert Person.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert Conversation.objects.get().message_count == 3


def test_an_organization_reply_threads_in_and_stops_the_first_response_clock(
        channel: Channel) -> None:
    ingest_batch(channel, [raw("My beans never came", external_id="q1")])
    conv = Conversation.objects.get()
    assert conv.sla_due_at is not None and conv.awaiting_since is not None
    ingest_batch(channel, [raw("Sorry! Sending a new bag today.", author="EmberCares",
                               external_id="r1", in_reply_to="q1", outbound=True, minutes=30)])
    conv.refresh_from_db()
    assert conv.first_response_at is not None
    assert conv.awaiting_since is None and conv.sla_due_at is None
    assert conv.first_response_met is True


def test_a_reply_that_arrives_before_its_parent_joins_the_parents_conversation(
        channel: Channel) -> None:
    ingest_batch(channel, [raw("We are on it", author="EmberCares", external_id="r1",
                               in_reply_to="q1", outbound=True, minutes=20)])
    assert Message.objects.get().conversation is None
    ingest_batch(channel, [raw("The app won't load", external_id="q1")])
    conv = Conversation.objects.get()
    assert conv.messages.count() == 2
    assert conv.first_response_at is not None


def test_a_customer_reply_reopens_a_conversation_waiting_on_them(channel: Channel) -> None:
    ingest_batch(channel, [raw("My grinder is very noisy and it makes a terrible sound",
                               external_id="q1")])
    Conversation.objects.update(status=Status.WAITING, sla_due_at=None)
    ingest_batch(channel, [raw("Here is the video you asked for", external_id="q2",
                               in_reply_to="q1", minutes=60)])
    conv = Conversation.objects.get()
    assert conv.status == Status.OPEN
    assert conv.sla_due_at is not None


def test_a_new_customer_message_after_a_reply_starts_a_fresh_warning_and_escalation(
        channel: Channel) -> None:
    from django.utils import timezone

    ingest_batch(channel, [raw("My beans never came", external_id="q1")])
    Conversation.objects.update(sla_warned_at=timezone.now(), sla_breached_at=timezone.now())
    ingest_batch(channel, [raw("Sorry! On its way.", author="EmberCares", external_id="r1",
                               in_reply_to="q1", outbound=True, minutes=90)])
    ingest_batch(channel, [raw("Still nothing here", external_id="q2", minutes=600)])
    conv = Conversation.objects.get()
    assert conv.sla_due_at is not None
    assert conv.sla_warned_at is None and conv.sla_breached_at is None


def test_more_messages_in_the_same_wait_keep_its_escalation_markers(channel: Channel) -> None:
    from django.utils import timezone

    ingest_batch(channel, [raw("My beans never came", external_id="q1")])
    Conversation.objects.update(sla_breached_at=timezone.now())
    ingest_batch(channel, [raw("Hello?? anyone?", external_id="q2", minutes=70)])
    assert Conversation.objects.get().sla_breached_at is not None


def test_a_long_first_message_makes_a_subject_cut_at_a_word() -> None:
    from fireside.listening.ingest import SUBJECT_CHARS, subject_of

    assert subject_of("Short  and\nsweet") == "Short and sweet"
    long = "My espresso machine keeps channeling, " + "and the shots come out sour " * 8
    subject = subject_of(long)
    assert len(subject) <= SUBJECT_CHARS and subject.endswith("…")
    assert long.startswith(subject[:-1]) and long[len(subject) - 1] == " "
