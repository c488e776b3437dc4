"""The inbox: most urgent first, paged by keyset, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from fireside.care import actions, views
from fireside.care.models import Conversation, Team
from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.people.models import User
from fireside.people.organization import organization_name
from fireside.testing import make_user

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
# session, user, the page of conversations (with channel, person, owner, incident),
# unread alerts, recent incidents, the channels for the filter; the header's unread count
# and moderator check
INBOX = 8


def _waiting(count: int, *, channels: int = 2) -> None:
    feeds = [do_create_channel(f"Feed {n}", "import") for n in range(channels)]
    lead = make_user("lin", role="agent")
    team = Team.objects.create(name="Care", lead=lead)
    for n in range(count):
        feed = feeds[n % channels]
        # Two customers a minute, some at the same minute: ties are ordered by id.
        ingest_batch(feed, [RawMessage(f"m{n}", f"customer{n}", f"Order {n} never came",
                                       START + timedelta(minutes=n // 2))])
    for n, conv in enumerate(Conversation.objects.order_by("id")):
        if n % 3 == 0:
            actions.check_update(conv, owner=lead, team_id=team.pk)


def _ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/care/c/(\d+)"', page)]


@pytest.fixture
def agent(client: Client) -> User:
    user = make_user("ada", role="agent")
    client.force_login(user)
    return user


def test_the_inbox_pages_through_every_waiting_conversation_once_most_urgent_first(
        client: Client, agent: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PAGE", 7)
    _waiting(30)
    seen: list[int] = []
    url = "/care/inbox"
    for _ in range(10):
        page = client.get(url).content.decode()
        seen += _ids(page)
        found = re.search(r'href="\?([^"]+)" rel="next"', page)
        if not found:
            break
        url = "/care/inbox?" + found.group(1).replace("&amp;", "&")
    expected = list(Conversation.objects.order_by("sla_due_at", "id").values_list("id",
                                                                                 flat=True))
    assert seen == expected


def test_a_filtered_inbox_keeps_its_filter_on_the_next_page(
        client: Client, agent: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PAGE", 4)
    _waiting(24)
    channel = Conversation.objects.order_by("id").first().channel_id  # type: ignore[union-attr]
    page = client.get(f"/care/inbox?channel={channel}&owner=none").content.decode()
    found = re.search(r'href="\?([^"]+)" rel="next"', page)
    assert found and f"channel={channel}" in found.group(1) and "owner=none" in found.group(1)
    second = client.get("/care/inbox?" + found.group(1).replace("&amp;", "&")).content.decode()
    wanted = list(Conversation.objects.filter(channel_id=channel, owner__isnull=True)
                  .order_by("sla_due_at", "id").values_list("id", flat=True))
    assert _ids(page) + _ids(second) == wanted[:8]


def test_a_bad_cursor_shows_the_first_page(client: Client, agent: User) -> None:
    _waiting(3)
    assert _ids(client.get("/care/inbox?after=soon-x").content.decode()) == _ids(
        client.get("/care/inbox").content.decode())


@pytest.mark.parametrize("conversations", [5, 60])
def test_the_inbox_takes_the_same_queries_for_any_number_of_conversations(
        client: Client, agent: User, conversations: int, django_assert_num_queries) -> None:
    _waiting(conversations)
    organization_name()  # cached per process: keep it out of the count
    for url in ("/care/inbox", "/care/inbox?owner=none&priority=normal"):
        with django_assert_num_queries(INBOX):
            response = client.get(url)
        assert response.status_code == 200
    cursor = re.search(r'href="\?([^"]+)" rel="next"', response.content.decode())
    if cursor:
        with django_assert_num_queries(INBOX):
            client.get("/care/inbox?" + cursor.group(1).replace("&amp;", "&"))
