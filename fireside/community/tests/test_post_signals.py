"""Every new post has its signals stored, for the features that read them later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fireside.community import actions
from fireside.community.models import PostSignals
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def test_a_new_thread_and_a_complaining_reply_get_their_signals_stored(
        django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(make_space(), title="Love the new espresso blend",
                             body="Thank you, it tastes wonderful!")
        reply = make_reply(thread, body="My order still hasn't arrived after two weeks. "
                                        "This is the worst service, I want a refund.")
    opening = PostSignals.objects.get(post__thread=thread, post__is_opening=True)
    assert opening.sentiment == "positive" and not opening.complaint
    complaint = PostSignals.objects.get(post=reply)
    assert complaint.sentiment == "negative"
    assert complaint.complaint and complaint.intent == "complaint"
    assert complaint.complaint_probability > 0.5


def test_personal_data_in_a_post_is_flagged(django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(make_space(),
                             body="Call me on +44 20 7946 0958 or mail jo@example.com")
    flags = PostSignals.objects.get(post__thread=thread).guideline_flags
    assert "email" in flags and "phone" in flags


def test_editing_a_post_reads_its_signals_again(
        django_capture_on_commit_callbacks: Capture) -> None:
    author = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(make_space(), author, body="Great coffee, thanks!")
    post = thread.posts.get()
    assert PostSignals.objects.get(post=post).sentiment == "positive"
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_edit_post(author, post, body="Terrible. The grinder broke on day one and "
                                                "nobody answers my emails.")
    assert PostSignals.objects.get(post=post).sentiment == "negative"
