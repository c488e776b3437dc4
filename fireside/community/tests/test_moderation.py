"""Moderation: flags and the queue, hiding, locking, pinning, moving and deleting with a reason.

Hidden and deleted threads and posts disappear for members but stay visible to moderators.
"""

from __future__ import annotations

import pytest
from django.test import Client

from fireside.community.models import Flag, ModerationAction, Space
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_member_flags_a_post_and_it_reaches_the_moderation_queue(space, asker, answerer,
                                                                   moderator):
    thread = make_thread(space, asker, title="Sour shots")
    post = make_reply(thread, answerer, body="Buy my miracle beans at spam.example")

    flagged = _client(asker).post(f"/p/{post.pk}/flag", {"reason": "Spam"}, follow=True)
    queue = _client(moderator).get("/moderation")

    assert "Thank you. A moderator will look at this post." in flagged.content.decode()
    assert queue.status_code == 200
    page = queue.content.decode()
    assert "Flagged by Alice Asker" in page and "<strong>Spam</strong>" in page
    assert "Buy my miracle beans" in page


def test_flagging_twice_is_refused_and_a_flag_needs_a_reason(space, asker, answerer):
    post = make_reply(make_thread(space, asker), answerer)
    client = _client(asker)
    client.post(f"/p/{post.pk}/flag", {"reason": "Spam"})

    again = client.post(f"/p/{post.pk}/flag", {"reason": "Spam!"}, HTTP_HX_REQUEST="true")
    empty = _client(make_user()).post(f"/p/{post.pk}/flag", {"reason": " "},
                                      HTTP_HX_REQUEST="true")

    assert again.status_code == 409
    assert again.json()["detail"].startswith("You have already flagged this post")
    assert empty.status_code == 400
    assert Flag.objects.count() == 1


def test_the_moderation_queue_is_closed_to_members(client, asker):
    client.force_login(asker)

    assert client.get("/moderation").status_code == 404
    assert "Moderation" not in client.get("/").content.decode()


def test_a_space_moderator_sees_only_their_spaces_flags(asker, answerer):
    space_mod = make_user()
    mine = make_space("mine", moderators=[space_mod])
    other = make_space("other")
    in_mine = make_reply(make_thread(mine, asker, title="In my space"), answerer)
    in_other = make_reply(make_thread(other, asker, title="Elsewhere"), answerer)
    for post in (in_mine, in_other):
        _client(asker).post(f"/p/{post.pk}/flag", {"reason": "Rude"})

    page = _client(space_mod).get("/moderation").content.decode()

    assert "In my space" in page
    assert "Elsewhere" not in page


def test_hiding_a_post_removes_it_for_members_and_resolves_its_flags(space, asker, answerer,
                                                                     moderator):
    thread = make_thread(space, asker)
    post = make_reply(thread, answerer, body="Something rude")
    _client(asker).post(f"/p/{post.pk}/flag", {"reason": "Rude"})

    response = _client(moderator).post(f"/p/{post.pk}/moderate",
                                       {"action": "hide", "reason": "Rude",
                                        "next": "/moderation"})

    assert response.status_code == 302 and response["Location"] == "/moderation"
    flag = Flag.objects.get()
    assert flag.resolved_by == moderator and flag.resolution == "hide: Rude"
    assert "Something rude" not in _client().get(f"/t/{thread.pk}").content.decode()
    assert "Something rude" not in _client(asker).get(f"/t/{thread.pk}").content.decode()
    assert "Something rude" in _client(moderator).get(f"/t/{thread.pk}").content.decode()
    assert "Nothing to review." in _client(moderator).get("/moderation").content.decode()


def test_a_hidden_post_is_gone_from_every_members_path(space, asker, answerer, moderator,
                                                        bearer_for):
    thread = make_thread(space, asker)
    post = make_reply(thread, answerer, body="Something rude")
    _client(moderator).post(f"/p/{post.pk}/moderate", {"action": "hide"})
    member = _client(asker)

    for path in (f"/p/{post.pk}", f"/p/{post.pk}/history"):
        assert member.get(path).status_code == 404
    for path in (f"/api/v1/posts/{post.pk}", f"/api/v1/posts/{post.pk}/revisions"):
        assert Client().get(path, headers=bearer_for(asker)).status_code == 404
    listed = Client().get(f"/api/v1/threads/{thread.pk}/posts").json()["results"]
    assert [p["id"] for p in listed] == [thread.posts.get(is_opening=True).pk]
    assert Client().get(f"/api/v1/posts/{post.pk}",
                        headers=bearer_for(moderator)).json()["is_hidden"] is True


def test_deleting_a_post_needs_a_reason_that_is_shown_in_its_place(space, asker, answerer,
                                                                   moderator):
    thread = make_thread(space, asker)
    post = make_reply(thread, answerer, body="Personal data here")
    client = _client(moderator)

    refused = client.post(f"/p/{post.pk}/moderate", {"action": "delete"},
                          HTTP_HX_REQUEST="true")
    client.post(f"/p/{post.pk}/moderate", {"action": "delete", "reason": "Personal data"})

    assert refused.status_code == 400
    assert refused.json() == {"detail": "Give a reason for deleting; the author will see it."}
    page = _client(asker).get(f"/t/{thread.pk}").content.decode()
    assert "This post was removed by a moderator: Personal data" in page
    assert "Personal data here" not in page
    api = Client().get(f"/api/v1/threads/{thread.pk}/posts").json()["results"]
    assert [(p["is_deleted"], p["body"], p["body_html"]) for p in api if not p["is_opening"]] == [
        (True, "", "")]
    assert _client(asker).get(f"/p/{post.pk}/history").status_code == 404
    log = ModerationAction.objects.get()
    assert (log.action, log.reason, log.actor) == ("post_delete", "Personal data", moderator)


def test_deleting_the_accepted_answer_withdraws_it(space, asker, answerer, moderator):
    thread = make_thread(space, asker, kind="question")
    answer = make_reply(thread, answerer)
    _client(asker).post(f"/p/{answer.pk}/accept")

    _client(moderator).post(f"/p/{answer.pk}/moderate", {"action": "delete", "reason": "Wrong"})

    thread.refresh_from_db()
    answerer.refresh_from_db()
    assert thread.accepted_post is None
    assert answerer.accepted_count == 0


def test_the_opening_post_cannot_be_removed_on_its_own(space, asker, moderator):
    thread = make_thread(space, asker)
    opening = thread.posts.get()

    response = _client(moderator).post(f"/p/{opening.pk}/moderate",
                                       {"action": "hide"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("To remove the opening post")


def test_members_cannot_moderate(space, asker, answerer):
    thread = make_thread(space, asker)
    post = make_reply(thread, answerer)
    client = _client(asker)

    on_post = client.post(f"/p/{post.pk}/moderate", {"action": "hide"}, HTTP_HX_REQUEST="true")
    on_thread = client.post(f"/t/{thread.pk}/moderate", {"action": "pin"},
                            HTTP_HX_REQUEST="true")

    assert on_post.status_code == 403 and on_thread.status_code == 403
    assert on_post.json() == {"detail": "Only a moderator of this space can do that."}
    post.refresh_from_db()
    thread.refresh_from_db()
    assert not post.is_hidden and not thread.is_pinned


def test_a_pinned_thread_comes_first_in_its_space(client, space, asker, moderator):
    old = make_thread(space, asker, title="Old but important")
    make_thread(space, asker, title="Newer chatter")

    _client(moderator).post(f"/t/{old.pk}/moderate", {"action": "pin"})

    page = client.get("/s/general").content.decode()
    assert page.index("Old but important") < page.index("Newer chatter")
    assert '<span class="chip pinned">Pinned</span>' in page


def test_a_locked_thread_says_so(client, space, asker, moderator):
    thread = make_thread(space, asker)

    _client(moderator).post(f"/t/{thread.pk}/moderate", {"action": "lock", "reason": "Solved"})

    thread.refresh_from_db()
    assert thread.is_locked
    page = _client(asker).get(f"/t/{thread.pk}").content.decode()
    assert "This thread is locked: no new replies." in page
    assert 'id="reply-form"' not in page


def test_a_hidden_thread_is_gone_for_members_but_not_for_moderators(space, asker, moderator,
                                                                      bearer_for):
    thread = make_thread(space, asker, title="Hidden for now", kind="question")
    post = thread.posts.get()

    _client(moderator).post(f"/t/{thread.pk}/moderate", {"action": "hide", "reason": "Review"})

    space.refresh_from_db()
    assert space.thread_count == 0
    for client in (_client(), _client(asker)):
        assert client.get(f"/t/{thread.pk}").status_code == 404
        assert client.get(f"/p/{post.pk}").status_code == 404
        assert "Hidden for now" not in client.get("/s/general").content.decode()
        assert "Hidden for now" not in client.get("/").content.decode()
        assert "Hidden for now" not in client.get("/unanswered").content.decode()
        assert "Hidden for now" not in client.get("/search?q=hidden").content.decode()
        assert "Hidden for now" not in client.get("/people/asker").content.decode()
    assert Client().get(f"/api/v1/threads/{thread.pk}",
                        headers=bearer_for(asker)).status_code == 404
    mod = _client(moderator)
    assert mod.get(f"/t/{thread.pk}").status_code == 200
    assert '<span class="chip hidden">Hidden</span>' in mod.get("/s/general").content.decode()


def test_a_deleted_thread_is_gone_for_members_and_keeps_its_reason(space, asker, answerer,
                                                                     moderator):
    thread = make_thread(space, asker, title="Spam thread")
    follower_reply = make_reply(thread, answerer)
    assert follower_reply

    refused = _client(moderator).post(f"/t/{thread.pk}/moderate", {"action": "delete"},
                                      HTTP_HX_REQUEST="true")
    response = _client(moderator).post(f"/t/{thread.pk}/moderate",
                                       {"action": "delete", "reason": "Spam"})

    assert refused.status_code == 400
    assert response.status_code == 302 and response["Location"] == "/s/general"
    assert _client(asker).get(f"/t/{thread.pk}").status_code == 404
    assert "Spam thread" not in _client(asker).get("/notifications").content.decode()
    assert "Deleted: Spam" in _client(moderator).get(f"/t/{thread.pk}").content.decode()

    _client(moderator).post(f"/t/{thread.pk}/moderate", {"action": "restore"})
    assert _client(asker).get(f"/t/{thread.pk}").status_code == 200


def test_moving_a_thread_carries_its_counters_to_the_new_space(client, space, asker,
                                                                moderator):
    target = make_space("brewing", name="Brewing")
    thread = make_thread(space, asker, title="Pour-over ratio")
    make_reply(thread, moderator)

    response = _client(moderator).post(f"/t/{thread.pk}/moderate",
                                       {"action": "move", "space": "brewing", "reason": ""})

    assert response.status_code == 302
    thread.refresh_from_db()
    space.refresh_from_db()
    target.refresh_from_db()
    assert thread.space == target
    assert (space.thread_count, space.post_count) == (0, 0)
    assert (target.thread_count, target.post_count) == (1, 2)
    assert "Pour-over ratio" in client.get("/s/brewing").content.decode()
    assert ModerationAction.objects.get().reason == "moved from General to Brewing"


def test_a_space_moderator_cannot_move_a_thread_into_a_space_they_do_not_moderate(asker):
    space_mod = make_user()
    mine = make_space("mine", moderators=[space_mod])
    make_space("other")
    thread = make_thread(mine, asker)

    response = _client(space_mod).post(f"/t/{thread.pk}/moderate",
                                       {"action": "move", "space": "other"},
                                       HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.space == mine
    assert Space.objects.get(slug="other").thread_count == 0


def test_every_decision_is_logged_with_its_reason(space, asker, moderator):
    thread = make_thread(space, asker)
    client = _client(moderator)

    for action in ("pin", "lock", "unlock", "unpin"):
        client.post(f"/t/{thread.pk}/moderate", {"action": action, "reason": f"why {action}"})

    assert list(ModerationAction.objects.order_by("id").values_list("action", "reason")) == [
        ("thread_pin", "why pin"), ("thread_lock", "why lock"),
        ("thread_unlock", "why unlock"), ("thread_unpin", "why unpin")]


def test_a_hidden_thread_drops_out_of_notifications(space, asker, answerer, moderator,
                                                    bearer_for):
    thread = make_thread(space, asker, title="Soon hidden")
    make_reply(thread, answerer)

    _client(moderator).post(f"/t/{thread.pk}/moderate", {"action": "hide"})

    assert "Soon hidden" not in _client(asker).get("/notifications").content.decode()
    assert 'data-testid="unread-count"' not in _client(asker).get("/").content.decode()
    assert Client().get("/api/v1/notifications",
                        headers=bearer_for(asker)).json()["results"] == []


def test_a_hidden_reply_leaves_the_count_and_the_pages_that_readers_see(space, asker,
                                                                        answerer, moderator):
    from fireside.community.models import Thread
    from fireside.community.views import POSTS_PER_PAGE

    thread = make_thread(space, asker)
    replies = [make_reply(thread, answerer, body=f"Reply number {n}")
               for n in range(POSTS_PER_PAGE)]  # with the opening post: two pages
    for _ in range(2):  # hiding twice counts once
        _client(moderator).post(f"/p/{replies[0].pk}/moderate", {"action": "hide"})

    assert Thread.objects.get(pk=thread.pk).reply_count == POSTS_PER_PAGE - 1
    page = _client(asker).get(f"/t/{thread.pk}").content.decode()
    assert f"Reply number {POSTS_PER_PAGE - 1}" in page and "?page=2" not in page
    _client(moderator).post(f"/p/{replies[0].pk}/moderate", {"action": "unhide"})
    assert Thread.objects.get(pk=thread.pk).reply_count == POSTS_PER_PAGE
    assert "?page=2" in _client(asker).get(f"/t/{thread.pk}").content.decode()
