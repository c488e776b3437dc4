"""Posting is rate limited per member, on the pages as in the API."""

from __future__ import annotations

import pytest

from fireside.community.models import Thread
from fireside.testing import make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limits")]


@pytest.fixture(autouse=True)
def _an_hour_long_window(settings):
    # The real limit, 30 a minute, over an hour so that a slow run never crosses a window.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": (30, 3600)}


def test_the_thirty_first_post_is_refused_with_429_and_a_clear_message(client, space, asker):
    client.force_login(asker)
    for n in range(30):
        response = client.post("/s/general/new", {"title": f"Thread {n}", "body": "x",
                                                  "kind": "discussion"})
        assert response.status_code == 302

    response = client.post("/s/general/new", {"title": "One too many", "body": "x",
                                              "kind": "discussion"})

    assert response.status_code == 429
    assert "Too many attempts. Please wait up to 60 minutes and try again." in \
        response.content.decode()
    assert Thread.objects.count() == 30


def test_replies_count_against_the_same_limit(client, space, asker, answerer):
    thread = make_thread(space, asker)
    client.force_login(answerer)
    for _ in range(30):
        client.post(f"/t/{thread.pk}/reply", {"body": "again"})

    page = client.post(f"/t/{thread.pk}/reply", {"body": "again"}, follow=True)
    htmx = client.post(f"/t/{thread.pk}/reply", {"body": "again"}, HTTP_HX_REQUEST="true")

    assert "Too many attempts" in page.content.decode()
    assert htmx.status_code == 429
    assert thread.posts.count() == 31


def test_one_members_limit_does_not_hold_back_another(client, space, asker, answerer):
    thread = make_thread(space, asker)
    client.force_login(answerer)
    for _ in range(31):
        client.post(f"/t/{thread.pk}/reply", {"body": "again"})

    client.force_login(asker)
    response = client.post(f"/t/{thread.pk}/reply", {"body": "mine"})

    assert response.status_code == 302
    assert thread.posts.filter(author=asker, is_opening=False).count() == 1
