from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fireside.care.actions import do_reply
from fireside.community.models import Post
from fireside.listening.models import ChannelKind, Message
from fireside.testing import make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def test_a_fireside_reply_to_a_community_question_is_posted_once_and_heard_once(
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    member = make_user("mia")
    agent = make_user("ada", role="agent")
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(make_space(), member, title="How do I pause my subscription?",
                             body="How do I pause my coffee subscription while I travel?")
    question = Message.objects.get(channel__kind=ChannelKind.COMMUNITY)
    assert question.conversation is not None
    with django_capture_on_commit_callbacks(execute=True):
        reply = do_reply(agent, question.conversation, "Open Subscriptions and press Pause.")
    assert Post.objects.filter(thread=thread, author=agent).count() == 1
    assert Message.objects.filter(direction="out").count() == 1
    reply.refresh_from_db()
    post = Post.objects.get(thread=thread, author=agent)
    assert reply.external_id == f"post:{post.pk}" and not reply.sent_elsewhere


def test_posts_in_a_private_space_stay_out_of_the_stream(
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    team_room = make_space(visibility="private", allowed_kinds=["employee"])
    with django_capture_on_commit_callbacks(execute=True):
        make_thread(team_room, make_user("emp", kind="employee"), title="Launch plan",
                    body="Our unannounced winter blend ships on the 1st; it is awful news.")
        make_thread(make_space(), make_user("cus"), title="Grinder broke",
                    body="My grinder broke on day one and nobody answers. Terrible.")
    texts = list(Message.objects.values_list("text", flat=True))
    assert len(texts) == 1 and "Grinder broke" in texts[0]


def test_each_community_thread_is_its_own_conversation(
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    """A member's second question is a second conversation, other members' replies join
    the thread's, and a staff answer in one thread answers that one only."""
    from fireside.care.models import Conversation
    from fireside.testing import make_reply

    sam, rosa, alex = make_user("sam"), make_user("rosa"), make_user("alex")
    staff = make_user("tom", role="community_manager")
    space = make_space()
    with django_capture_on_commit_callbacks(execute=True):
        clumps = make_thread(space, sam, title="Why does my grinder clump?",
                             body="Why does my grinder clump when the beans are oily?")
    with django_capture_on_commit_callbacks(execute=True):
        pause = make_thread(space, sam, title="How do I pause my subscription?",
                            body="How do I pause my subscription while I travel?")
        chat = make_thread(space, alex, title="Show us your setup",
                           body="Here is my kitchen corner with the grinder and kettle.")
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(clumps, rosa, body="Same here with the dark roast, any idea why?")
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(chat, rosa, body="My order arrived broken and nobody answers. Terrible.")
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(chat, alex, body="Rosa, did you write to support about the broken order?")
        make_reply(clumps, staff, body="Oily beans clog the burrs; clean them weekly.")

    def conv(thread: Any) -> set[int | None]:
        return set(Message.objects.filter(url__in=[f"/p/{p}" for p in
                                                   thread.posts.values_list("pk", flat=True)])
                   .values_list("conversation_id", flat=True))

    [first], [second] = conv(clumps), conv(pause)
    assert first is not None and second is not None and first != second
    assert Conversation.objects.get(pk=first).messages.count() == 3  # Sam, Rosa, Tom
    # The chat opened no conversation; Rosa's complaint in it did, and Alex's reply joins.
    chat_convs = conv(chat) - {None}
    assert len(chat_convs) == 1
    assert Conversation.objects.get(pk=chat_convs.pop()).messages.count() == 2
    answered = Conversation.objects.get(pk=first)
    waiting = Conversation.objects.get(pk=second)
    assert answered.first_response_at is not None and answered.sla_due_at is None
    assert waiting.first_response_at is None and waiting.sla_due_at is not None
