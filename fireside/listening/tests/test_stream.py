from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from fireside.listening.ingest import ingest_batch
from fireside.listening.models import Channel
from fireside.listening.tests.conftest import raw
from fireside.people.models import User
from fireside.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent() -> User:
    return make_user("ada", role="agent")


@pytest.fixture
def heard(channel: Channel) -> Channel:
    now = timezone.now()
    ingest_batch(channel, [
        raw("My grinder arrived broken and nobody answers, this is awful", author="ana"),
        raw("I love the new espresso roast, thank you!", author="ben"),
        raw("How do I pause my coffee subscription?", author="cai"),
    ])
    channel.messages.update(created_at=now)
    return channel


def test_the_stream_page_lists_what_is_said_with_its_volume(client: Client, heard: Channel,
                                                            agent: User) -> None:
    client.force_login(agent)
    page = client.get("/listening/stream")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-testid="stream-item"') == 3
    assert 'id="volume-data"' in body and "chart.umd.min.js" in body
    assert "cdn" not in body.lower()
    assert 'href="/listening/stream">Stream</a>' in body  # the nav link for staff


def test_the_stream_filters_by_sentiment_and_intent(client: Client, heard: Channel,
                                                    agent: User) -> None:
    client.force_login(agent)
    praise = client.get("/listening/stream", {"sentiment": "positive"}).content.decode()
    assert "espresso roast" in praise and "grinder" not in praise
    questions = client.get("/listening/stream", {"intent": "question"}).content.decode()
    assert "pause my coffee" in questions and "espresso" not in questions


def test_members_cannot_hear_the_stream(client: Client, heard: Channel) -> None:
    client.force_login(make_user("mia"))
    assert client.get("/listening/stream").status_code == 404
    assert client.get("/api/v1/listening/stream").status_code == 403


def test_the_api_pages_the_stream_and_counts_volume_per_hour(client: Client, heard: Channel,
                                                             agent: User) -> None:
    client.force_login(agent)
    first = client.get("/api/v1/listening/stream", {"limit": 2}).json()
    assert len(first) == 2
    rest = client.get("/api/v1/listening/stream", {"before": first[-1]["id"]}).json()
    assert len(rest) == 1
    volume = client.get("/api/v1/listening/volume", {"hours": 6}).json()
    assert len(volume["hours"]) == 6
    assert sum(volume["negative"]) + sum(volume["neutral"]) + sum(volume["positive"]) == 3
    assert volume["positive"][-1] >= 1


def test_the_organizations_own_messages_carry_the_name_of_the_person_who_wrote_them(
        client: Client, channel: Channel, agent: User) -> None:
    """A named human, not a corporate byline: Tom's outbound message shows "Tom Reyes"
    marked as the organization's; an unsigned brand post shows the brand account."""
    ingest_batch(channel, [
        raw("Pour-over basics: our guide is up", author="tom", author_name="Tom Reyes",
            outbound=True),
        raw("Big sale this weekend", author="embercoffee", outbound=True),
    ])
    channel.messages.update(created_at=timezone.now())
    client.force_login(agent)
    body = client.get("/listening/stream").content.decode()
    assert "<strong>Tom Reyes</strong>" in body
    assert "(tom)" not in body
    assert "(embercoffee)" in body
