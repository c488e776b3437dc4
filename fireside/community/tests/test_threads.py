"""Threads and replies: asking, discussing, answering, accepting, reacting and editing.

Every write here goes through the pages with plain form posts, as a browser without
JavaScript sends them; the API has its own tests.
"""

from __future__ import annotations

import pytest
from django.test import Client

from fireside.community.models import (
    Post,
    PostRevision,
    Reaction,
    Space,
    Tag,
    Thread,
    ThreadKind,
)
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", [ThreadKind.QUESTION, ThreadKind.DISCUSSION])
def test_a_member_starts_a_thread_of_either_kind(client, space, asker, kind):
    client.force_login(asker)

    response = client.post("/s/general/new", {"title": "  Grinder   too coarse? ",
                                              "body": "It *sprays*.", "kind": kind,
                                              "tags": "Grinders, espresso machine,"})

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/{thread.pk}"
    assert thread.title == "Grinder too coarse?"
    assert thread.kind == kind
    assert sorted(thread.tags.values_list("name", flat=True)) == ["espresso-machine", "grinders"]
    opening = thread.posts.get()
    assert opening.is_opening and opening.body_html == "<p>It <em>sprays</em>.</p>\n"
    space.refresh_from_db()
    assert (space.thread_count, space.post_count) == (1, 1)
    page = client.get(f"/t/{thread.pk}").content.decode()
    assert "Grinder too coarse?" in page and "#grinders" in page
    label = "Question" if kind == ThreadKind.QUESTION else "Discussion"
    assert f'<span class="chip{" question" if label == "Question" else ""}">{label}</span>' in page


def test_the_new_thread_form_keeps_what_was_typed_when_it_is_refused(client, space, asker):
    client.force_login(asker)

    response = client.post("/s/general/new", {"title": "Hi", "body": "Long enough body.",
                                              "kind": "question", "tags": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the thread a title of at least 3 characters." in page
    assert "Long enough body." in page
    assert not Thread.objects.exists()


def test_more_than_five_tags_are_refused(client, space, asker):
    client.force_login(asker)

    response = client.post("/s/general/new", {"title": "Many tags", "body": "Body",
                                              "kind": "discussion", "tags": "a,b,c,d,e,f"})

    assert response.status_code == 400
    assert "Use at most 5 tags." in response.content.decode()
    assert not Tag.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in_before_posting(client, space):
    thread = make_thread(space)

    new = client.post("/s/general/new", {"title": "Sneaky", "body": "x", "kind": "question"})
    reply = client.post(f"/t/{thread.pk}/reply", {"body": "x"})

    assert new.status_code == 302 and new["Location"].startswith("/login?next=")
    assert reply.status_code == 302 and reply["Location"].startswith("/login?next=")
    assert Thread.objects.count() == 1 and Post.objects.count() == 1


def test_a_reply_lands_in_the_thread_and_keeps_the_counters_true(client, space, asker,
                                                                 answerer):
    thread = make_thread(space, asker, title="Milk will not foam")
    client.force_login(answerer)

    response = client.post(f"/t/{thread.pk}/reply", {"body": "Use **cold** milk."})

    post = Post.objects.get(is_opening=False)
    assert response.status_code == 302
    assert response["Location"] == f"/t/{thread.pk}#post-{post.pk}"
    assert post.author == answerer and post.body_html == "<p>Use <strong>cold</strong> milk.</p>\n"
    thread.refresh_from_db()
    space.refresh_from_db()
    answerer.refresh_from_db()
    assert thread.reply_count == 1
    assert (space.thread_count, space.post_count) == (1, 2)
    assert answerer.post_count == 1
    assert "Use <strong>cold</strong> milk." in client.get(f"/t/{thread.pk}").content.decode()


def test_an_empty_reply_is_refused_with_a_message(client, space, answerer):
    thread = make_thread(space)
    client.force_login(answerer)

    response = client.post(f"/t/{thread.pk}/reply", {"body": "   "},
                           HTTP_REFERER=f"/t/{thread.pk}", follow=True)

    assert "Write something before posting." in response.content.decode()
    assert thread.posts.count() == 1


def test_the_reply_redirect_points_at_the_last_page_of_a_long_thread(client, space, answerer):
    thread = make_thread(space)
    for _ in range(100):
        make_reply(thread, answerer)
    client.force_login(answerer)

    response = client.post(f"/t/{thread.pk}/reply", {"body": "The 101st reply."})

    post = Post.objects.latest("id")
    assert response["Location"] == f"/t/{thread.pk}?page=2#post-{post.pk}"
    assert f'id="post-{post.pk}"' in client.get(f"/t/{thread.pk}?page=2").content.decode()


def test_a_locked_thread_takes_no_replies_except_from_moderators(space, asker, answerer,
                                                                  moderator):
    thread = make_thread(space, asker)
    _client(moderator).post(f"/t/{thread.pk}/moderate", {"action": "lock", "reason": "done"})

    refused = _client(answerer).post(f"/t/{thread.pk}/reply", {"body": "One more thing"},
                                     follow=True)
    _client(moderator).post(f"/t/{thread.pk}/reply", {"body": "Closing note."})

    assert "This thread is locked: no new replies." in refused.content.decode()
    assert list(thread.posts.filter(is_opening=False).values_list("body", flat=True)) == [
        "Closing note."]


# Accepted answers ---------------------------------------------------------------------


def _question(space: Space, asker):
    thread = make_thread(space, asker, title="Why is my shot sour?", kind=ThreadKind.QUESTION)
    return thread


def test_the_asker_accepts_an_answer(space, asker, answerer):
    thread = _question(space, asker)
    answer = make_reply(thread, answerer, body="Grind finer.")

    response = _client(asker).post(f"/p/{answer.pk}/accept", follow=True)

    thread.refresh_from_db()
    answerer.refresh_from_db()
    assert thread.accepted_post == answer
    assert answerer.accepted_count == 1
    page = response.content.decode()
    assert "Marked as the accepted answer." in page
    assert "✓ Accepted answer" in page
    assert '<span class="chip answered">Answered</span>' in page


def test_a_moderator_accepts_an_answer_for_the_asker(space, asker, answerer, moderator):
    thread = _question(space, asker)
    answer = make_reply(thread, answerer)

    _client(moderator).post(f"/p/{answer.pk}/accept")

    thread.refresh_from_db()
    assert thread.accepted_post == answer


def test_a_space_moderator_accepts_an_answer_in_their_space(asker, answerer):
    space_mod = make_user()
    space = make_space(moderators=[space_mod])
    thread = _question(space, asker)
    answer = make_reply(thread, answerer)

    _client(space_mod).post(f"/p/{answer.pk}/accept")

    thread.refresh_from_db()
    assert thread.accepted_post == answer


def test_anyone_else_who_accepts_an_answer_gets_403(space, asker, answerer, bearer_for):
    thread = _question(space, asker)
    answer = make_reply(thread, answerer)
    bystander = make_user("bystander")
    other_space_mod = make_user()
    make_space(moderators=[other_space_mod])

    for user in (answerer, bystander, other_space_mod):
        htmx = _client(user).post(f"/p/{answer.pk}/accept", HTTP_HX_REQUEST="true")
        api = _client(user).post(f"/api/v1/posts/{answer.pk}/accept", headers=bearer_for(user))
        page = _client(user).post(f"/p/{answer.pk}/accept", follow=True)
        assert htmx.status_code == 403
        assert api.status_code == 403
        assert api.json() == {
            "detail": "Only the person who asked, or a moderator, can accept an answer."}
        assert "Only the person who asked, or a moderator" in page.content.decode()
    thread.refresh_from_db()
    assert thread.accepted_post is None


def test_the_accept_button_is_shown_only_to_the_asker_and_moderators(client, space, asker,
                                                                       answerer, moderator):
    thread = _question(space, asker)
    answer = make_reply(thread, answerer)
    button = f'data-testid="accept-{answer.pk}"'

    assert button not in client.get(f"/t/{thread.pk}").content.decode()
    assert button not in _client(answerer).get(f"/t/{thread.pk}").content.decode()
    assert button in _client(asker).get(f"/t/{thread.pk}").content.decode()
    assert button in _client(moderator).get(f"/t/{thread.pk}").content.decode()


def test_accepting_another_answer_moves_the_credit(space, asker, answerer):
    thread = _question(space, asker)
    first = make_reply(thread, answerer)
    other = make_user()
    second = make_reply(thread, other)
    client = _client(asker)

    client.post(f"/p/{first.pk}/accept")
    client.post(f"/p/{second.pk}/accept")

    thread.refresh_from_db()
    answerer.refresh_from_db()
    other.refresh_from_db()
    assert thread.accepted_post == second
    assert (answerer.accepted_count, other.accepted_count) == (0, 1)


def test_the_asker_withdraws_the_accepted_answer(space, asker, answerer):
    thread = _question(space, asker)
    answer = make_reply(thread, answerer)
    client = _client(asker)
    client.post(f"/p/{answer.pk}/accept")

    client.post(f"/p/{answer.pk}/accept", {"undo": "1"})

    thread.refresh_from_db()
    answerer.refresh_from_db()
    assert thread.accepted_post is None
    assert answerer.accepted_count == 0


def test_a_discussion_or_the_question_itself_cannot_be_accepted(space, asker, answerer,
                                                                  bearer_for):
    discussion = make_thread(space, asker)
    reply = make_reply(discussion, answerer)
    question = _question(space, asker)
    headers = bearer_for(asker)

    on_discussion = Client().post(f"/api/v1/posts/{reply.pk}/accept", headers=headers)
    on_question = Client().post(
        f"/api/v1/posts/{question.posts.get(is_opening=True).pk}/accept", headers=headers)

    assert on_discussion.status_code == 400
    assert on_discussion.json() == {"detail": "Only a question can have an accepted answer."}
    assert on_question.json() == {"detail": "The question itself cannot be its answer."}


# Reactions ----------------------------------------------------------------------------


def test_reactions_are_counted_exactly_and_toggle(space, asker):
    thread = make_thread(space, asker)
    post = thread.posts.get()
    fans = [make_user() for _ in range(3)]

    for fan in fans:
        _client(fan).post(f"/p/{post.pk}/react/like", {"on": "1"})
    _client(fans[0]).post(f"/p/{post.pk}/react/like", {"on": "1"})  # twice counts once
    _client(fans[1]).post(f"/p/{post.pk}/react/helpful", {"on": "1"})
    _client(fans[2]).post(f"/p/{post.pk}/react/like", {"on": "0"})  # toggled off
    _client(fans[2]).post(f"/p/{post.pk}/react/like", {"on": "0"})  # and off again

    post.refresh_from_db()
    assert (post.like_count, post.helpful_count) == (2, 1)
    assert Reaction.objects.filter(post=post, kind="like").count() == 2
    assert Reaction.objects.filter(post=post, kind="helpful").count() == 1


def test_the_reaction_buttons_show_the_count_and_whether_i_reacted(space, asker):
    thread = make_thread(space, asker)
    post = thread.posts.get()
    fan = make_user()
    client = _client(fan)
    client.post(f"/p/{post.pk}/react/like", {"on": "1"})

    page = client.get(f"/t/{thread.pk}").content.decode()
    fragment = client.post(f"/p/{post.pk}/react/helpful", {"on": "1"},
                           HTTP_HX_REQUEST="true").content.decode()

    assert f'aria-pressed="true" data-testid="like-{post.pk}">Like 1</button>' in page
    assert '<input type="hidden" name="on" value="0">' in page  # the next click undoes
    assert f'aria-pressed="true" data-testid="helpful-{post.pk}">Helpful 1</button>' in fragment
    assert "<html" not in fragment


def test_a_member_cannot_react_to_their_own_post(space, asker, bearer_for):
    thread = make_thread(space, asker)
    post = thread.posts.get()

    htmx = _client(asker).post(f"/p/{post.pk}/react/like", HTTP_HX_REQUEST="true")
    api = Client().post(f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"},
                        content_type="application/json", headers=bearer_for(asker))

    assert htmx.status_code == 403
    assert htmx.json() == {"detail": "You cannot react to your own post."}
    assert api.status_code == 403
    post.refresh_from_db()
    assert post.like_count == 0
    assert f"data-testid=\"like-{post.pk}\"" not in \
        _client(asker).get(f"/t/{thread.pk}").content.decode()


def test_an_unknown_reaction_is_refused(space, asker, answerer):
    post = make_thread(space, asker).posts.get()

    response = _client(answerer).post(f"/p/{post.pk}/react/love", HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown reaction."}


# Editing ------------------------------------------------------------------------------


def test_editing_a_post_keeps_the_earlier_version_in_the_history(client, space, asker):
    thread = make_thread(space, asker, title="Old title", body="First words.")
    post = thread.posts.get()
    client.force_login(asker)

    assert client.get(f"/p/{post.pk}/edit").status_code == 200
    response = client.post(f"/p/{post.pk}/edit", {"title": "New title", "body": "Second words."})

    assert response.status_code == 302
    post.refresh_from_db()
    thread.refresh_from_db()
    assert (thread.title, post.body, post.edited_at is not None) == (
        "New title", "Second words.", True)
    revision = PostRevision.objects.get(post=post)
    assert (revision.title, revision.body, revision.edited_by) == ("Old title", "First words.",
                                                                   asker)
    thread_page = client.get(f"/t/{thread.pk}").content.decode()
    assert f'href="/p/{post.pk}/history">edited</a>' in thread_page
    history = client.get(f"/p/{post.pk}/history").content.decode()
    assert "Second words." in history and "First words." in history and "Old title" in history


def test_a_member_cannot_edit_someone_elses_post(space, asker, answerer):
    post = make_thread(space, asker, body="Mine.").posts.get()
    client = _client(answerer)

    form = client.get(f"/p/{post.pk}/edit")
    response = client.post(f"/p/{post.pk}/edit", {"body": "Yours now."}, follow=True)

    assert form.status_code == 404
    assert "You can only edit your own posts." in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Mine."
    assert not PostRevision.objects.exists()


def test_a_moderator_edits_any_post(space, asker, moderator):
    post = make_thread(space, asker, body="Call me at 555-0100.").posts.get()

    _client(moderator).post(f"/p/{post.pk}/edit", {"body": "[phone number removed]"})

    post.refresh_from_db()
    assert post.body == "[phone number removed]"
    assert PostRevision.objects.get(post=post).edited_by == moderator


# Following ----------------------------------------------------------------------------


def test_following_and_unfollowing_a_thread_and_a_space(client, space, asker, answerer):
    thread = make_thread(space, asker)
    client.force_login(answerer)

    client.post(f"/follow/thread/{thread.pk}", {"on": "1"})
    client.post("/follow/space/general", {"on": "1"})
    followed = client.get(f"/t/{thread.pk}").content.decode()
    space_page = client.get("/s/general").content.decode()
    client.post(f"/follow/thread/{thread.pk}", {"on": "0"})
    fragment = client.post("/follow/space/general", {"on": "0"},
                           HTTP_HX_REQUEST="true").content.decode()

    assert 'data-testid="follow-thread">Following</button>' in followed
    assert 'data-testid="follow-space">Following</button>' in space_page
    assert answerer.follows.count() == 0
    assert 'data-testid="follow-space">Follow</button>' in fragment


def test_the_author_of_a_thread_and_everyone_who_replies_follow_it(space, asker, answerer):
    thread = make_thread(space, asker)
    make_reply(thread, answerer)

    assert set(thread.follows.values_list("user__username", flat=True)) == {"asker", "answerer"}
