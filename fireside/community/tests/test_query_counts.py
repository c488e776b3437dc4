"""Query counts pinned on the hot pages: they must not grow with the number of posts or threads.

Each test measures the same page twice, once with few rows and once with many, and pins
both to the same number. When a number changes, look at the queries before raising it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from fireside.community import tasks
from fireside.community.models import Notification, Space, Thread
from fireside.people.models import User
from fireside.people.organization import organization_name
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db

# The same few people talk in every thread, as in real threads; who follows is tested below.
REPLIERS = 5


def _thread_with(space: Space, replies: int) -> Thread:
    people = [make_user() for _ in range(REPLIERS)]
    thread = make_thread(space, people[0], title=f"A thread with {replies} replies")
    for n in range(replies):
        make_reply(thread, people[n % REPLIERS],
                   body=f"Reply {n} with **bold** and @{people[0].username}")
    return thread


def _get(client: Client, path: str, django_assert_num_queries, expected: int) -> str:
    organization_name()  # cached per process for 30 s: keep it out of the count
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


# thread, posts, tags
THREAD_ANONYMOUS = 3
# + session, user, space moderator?, my reactions, following?, unread count, moderator?
THREAD_SIGNED_IN = 10
# space, pinned threads, page of threads
SPACE_ANONYMOUS = 3
# + session, user, space moderator?, following?, unread count, moderator?
SPACE_SIGNED_IN = 9
# session, user, thread, then in one transaction: the mentioned members, the post, three
# counters, the followers, the notifications (mentions and replies in one), the follow
REPLY = 13


@pytest.mark.parametrize("replies", [10, 100])
def test_a_thread_is_read_and_answered_in_the_same_queries_for_any_length(
        space, replies, django_assert_num_queries):
    thread = _thread_with(space, replies)
    member = make_user()
    client = Client()
    client.force_login(member)
    client.post(f"/p/{thread.posts.get(is_opening=True).pk}/react/like", {"on": "1"})
    shown = min(replies + 1, 100)  # a page holds 100 posts

    anonymous = _get(Client(), f"/t/{thread.pk}", django_assert_num_queries, THREAD_ANONYMOUS)
    signed_in = _get(client, f"/t/{thread.pk}", django_assert_num_queries, THREAD_SIGNED_IN)
    with django_assert_num_queries(REPLY):
        response = client.post(f"/t/{thread.pk}/reply",
                               {"body": f"Thanks @{thread.author.username}"})

    assert anonymous.count('<article class="post') == shown
    assert signed_in.count('<article class="post') == shown
    assert signed_in.count('aria-pressed="true"') == 1
    assert response.status_code == 302
    assert thread.posts.count() == replies + 2


@pytest.mark.parametrize("threads", [5, 40])
def test_the_space_page_takes_the_same_queries_for_any_number_of_threads(
        threads, django_assert_num_queries):
    space = make_space("busy")
    authors = [make_user() for _ in range(3)]
    for n in range(threads):
        thread = make_thread(space, authors[n % 3], title=f"Thread {n}", tags=["a", "b"])
        make_reply(thread, authors[(n + 1) % 3])
    member = make_user()
    client = Client()
    client.force_login(member)

    anonymous = _get(Client(), "/s/busy", django_assert_num_queries, SPACE_ANONYMOUS)
    signed_in = _get(client, "/s/busy", django_assert_num_queries, SPACE_SIGNED_IN)

    assert anonymous.count('class="thread-row"') == min(threads, 30)
    assert signed_in.count('class="thread-row"') == min(threads, 30)


@pytest.mark.parametrize("followers", [3, 60])
def test_notifying_followers_takes_the_same_queries_for_any_number(space, followers,
                                                                   django_assert_num_queries):
    thread = make_thread(space)
    for _ in range(followers):
        make_user().follows.create(thread=thread)
    member = make_user()
    client = Client()
    client.force_login(member)

    with django_assert_num_queries(REPLY):
        client.post(f"/t/{thread.pk}/reply", {"body": f"News for @{thread.author.username}"})

    assert Notification.objects.count() == followers + 1  # and the author


@pytest.mark.parametrize("recipients", [2, 40])
def test_emailing_notifications_takes_the_same_queries_for_any_number(
        space, recipients, django_assert_num_queries, mailoutbox):
    thread = make_thread(space)
    for _ in range(recipients - 1):
        make_user().follows.create(thread=thread)
    make_reply(thread)
    ids = list(Notification.objects.values_list("id", flat=True))

    with django_assert_num_queries(2):  # the notifications with their people, the stamp
        sent = tasks.email_notifications.call(ids)

    assert sent == recipients == len(mailoutbox)


@pytest.mark.parametrize("threads", [5, 40])
def test_the_home_page_takes_the_same_queries_for_any_number_of_threads(
        threads, django_assert_num_queries):
    spaces = [make_space() for _ in range(3)]
    for n in range(threads):
        make_thread(spaces[n % 3], kind="question" if n % 2 else "discussion")

    page = _get(Client(), "/", django_assert_num_queries, 6)

    assert page.count('class="thread-row"') == min(threads, 15)
    assert User.objects.count() == threads
