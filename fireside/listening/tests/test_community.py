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
