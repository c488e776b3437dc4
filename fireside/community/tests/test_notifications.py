"""Notifications in the app and by e-mail: replies, mentions, accepted answers, new threads."""

from __future__ import annotations

import pytest
from django.test import Client

from fireside.community import actions
from fireside.community.models import Notification, ThreadKind
from fireside.testing import make_reply, make_thread, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _kinds(user) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(recipient=user)
                  .values_list("kind", "actor__username"))


def test_a_reply_notifies_the_thread_followers_in_the_app_and_by_email(
        space, asker, answerer, mailoutbox, django_capture_on_commit_callbacks):
    thread = make_thread(space, asker, title="Milk will not foam")

    with django_capture_on_commit_callbacks(execute=True):
        _client(answerer).post(f"/t/{thread.pk}/reply", {"body": "Use cold milk."})

    assert _kinds(asker) == [("reply", "answerer")]
    assert _kinds(answerer) == []  # nobody is told about their own reply
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["asker@example.com"]
    assert mail.subject == "Bob Answerer replied in “Milk will not foam”"
    assert "Use cold milk." in mail.body
    post = thread.posts.get(is_opening=False)
    assert f"/t/{thread.pk}#post-{post.pk}" in mail.body
    assert Notification.objects.get(recipient=asker).emailed_at is not None


def test_a_mention_notifies_the_member_and_links_to_their_profile(
        space, asker, answerer, mailoutbox, django_capture_on_commit_callbacks):
    thread = make_thread(space, asker)
    expert = make_user("expert", display_name="Eve Expert")

    with django_capture_on_commit_callbacks(execute=True):
        _client(answerer).post(f"/t/{thread.pk}/reply",
                               {"body": "@expert knows this. @nobody does not exist."})

    post = thread.posts.get(is_opening=False)
    assert '<a href="/people/expert" rel="nofollow noopener ugc">@expert</a>' in post.body_html
    assert "@nobody" in post.body_html and "/people/nobody" not in post.body_html
    assert _kinds(expert) == [("mention", "answerer")]
    assert _kinds(asker) == [("reply", "answerer")]
    assert sorted(m.subject for m in mailoutbox) == [
        "Bob Answerer mentioned you in “Thread " + thread.title.split()[-1] + "”",
        "Bob Answerer replied in “Thread " + thread.title.split()[-1] + "”",
    ]


def test_a_mentioned_follower_is_told_once(space, asker, answerer):
    thread = make_thread(space, asker)

    make_reply(thread, answerer, body="@asker did that help?")

    assert _kinds(asker) == [("mention", "answerer")]


def test_a_mention_in_a_new_thread_notifies(space, asker):
    expert = make_user("expert")

    make_thread(space, asker, body="What does @expert think?")

    assert _kinds(expert) == [("mention", "asker")]


def test_an_accepted_answer_notifies_its_author(space, asker, answerer, mailoutbox,
                                                django_capture_on_commit_callbacks):
    thread = make_thread(space, asker, title="Sour shots", kind=ThreadKind.QUESTION)
    answer = make_reply(thread, answerer)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        _client(asker).post(f"/p/{answer.pk}/accept")

    assert _kinds(answerer) == [("accepted", "asker")]
    assert [m.subject for m in mailoutbox] == ["Alice Asker accepted your answer in “Sour shots”"]


def test_following_a_space_notifies_about_new_threads(space, asker, answerer):
    _client(answerer).post("/follow/space/general", {"on": "1"})

    make_thread(space, asker, title="A new thread")

    assert _kinds(answerer) == [("new_thread", "asker")]


def test_following_a_thread_notifies_about_its_replies(space, asker, answerer):
    thread = make_thread(space, asker)
    reader = make_user()
    _client(reader).post(f"/follow/thread/{thread.pk}", {"on": "1"})

    make_reply(thread, answerer)

    assert _kinds(reader) == [("reply", "answerer")]


def test_an_unfollowed_thread_stays_quiet(space, asker, answerer):
    thread = make_thread(space, asker)
    _client(asker).post(f"/follow/thread/{thread.pk}", {"on": "0"})

    make_reply(thread, answerer)

    assert _kinds(asker) == []


def test_members_who_turned_email_off_get_no_email_but_still_the_notification(
        space, asker, answerer, mailoutbox, django_capture_on_commit_callbacks):
    asker.notify_by_email = False
    asker.save()
    thread = make_thread(space, asker)

    with django_capture_on_commit_callbacks(execute=True):
        make_reply(thread, answerer)

    assert _kinds(asker) == [("reply", "answerer")]
    assert mailoutbox == []


def test_the_bell_counts_unread_notifications_and_opening_one_reads_it(space, asker,
                                                                        answerer):
    thread = make_thread(space, asker, title="Milk will not foam")
    reply = make_reply(thread, answerer)
    make_reply(thread, answerer)
    client = _client(asker)

    home = client.get("/").content.decode()
    listing = client.get("/notifications").content.decode()
    first = Notification.objects.filter(recipient=asker).order_by("id").first()
    opened = client.get(f"/notifications/{first.pk}")

    assert '<span class="count" data-testid="unread-count">2</span>' in home
    assert listing.count('data-testid="notification"') == 2
    assert "Bob Answerer replied in “Milk will not foam”" in listing
    assert opened.status_code == 302
    assert opened["Location"] == f"/t/{thread.pk}#post-{reply.pk}"
    assert '<span class="count" data-testid="unread-count">1</span>' in \
        client.get("/").content.decode()


def test_marking_all_as_read_clears_the_bell(space, asker, answerer):
    thread = make_thread(space, asker)
    make_reply(thread, answerer)
    client = _client(asker)

    response = client.post("/notifications")

    assert response.status_code == 302
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_member_cannot_open_someone_elses_notification(space, asker, answerer):
    thread = make_thread(space, asker)
    make_reply(thread, answerer)
    notification = Notification.objects.get(recipient=asker)

    response = _client(answerer).get(f"/notifications/{notification.pk}")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_notification_email_is_sent_once(space, asker, answerer, mailoutbox,
                                             django_capture_on_commit_callbacks):
    from fireside.community import tasks

    thread = make_thread(space, asker)
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(thread, answerer)
    ids = list(Notification.objects.values_list("id", flat=True))

    again = tasks.email_notifications.call(ids)

    assert again == 0
    assert len(mailoutbox) == 1


def test_marking_some_notifications_read_leaves_the_others(space, asker, answerer):
    thread = make_thread(space, asker)
    make_reply(thread, answerer)
    make_reply(thread, answerer)
    first, second = Notification.objects.filter(recipient=asker).order_by("id")

    assert actions.do_mark_notifications_read(asker, [first.pk]) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
