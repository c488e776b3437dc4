"""Moderators start campaigns from a page; others cannot."""

from __future__ import annotations

import pytest
from django.test import Client

from fireside.ideas.models import Campaign
from fireside.people.models import Role
from fireside.testing import make_space, make_user

pytestmark = pytest.mark.django_db


def test_a_moderator_starts_a_choice_campaign_from_the_page(client: Client) -> None:
    space = make_space("ideas")
    moderator = make_user("mod", role=Role.MODERATOR)
    client.force_login(moderator)
    assert client.get("/ideas/new").status_code == 200
    response = client.post("/ideas/new", {
        "space": "ideas", "title": "Name our winter blend", "description": "Vote!",
        "form": "choice", "choice_mode": "single", "audience": "public",
        "closes_at": "2099-01-31T18:00", "options": "Ember Glow\nFrost Roast\n\n",
    })
    campaign = Campaign.objects.get(title="Name our winter blend")
    assert response.status_code == 302 and response["Location"] == f"/ideas/c/{campaign.slug}"
    assert campaign.space == space and campaign.form == "choice"
    assert sorted(campaign.ideas.values_list("title", flat=True)) == ["Ember Glow", "Frost Roast"]


def test_a_campaign_that_closes_before_it_opens_is_refused_with_a_reason(client: Client) -> None:
    make_space("ideas")
    client.force_login(make_user("mod2", role=Role.MODERATOR))
    response = client.post("/ideas/new", {
        "space": "ideas", "title": "Backwards", "form": "ideas", "choice_mode": "single",
        "audience": "public", "opens_at": "2099-02-01T10:00", "closes_at": "2099-01-01T10:00",
    })
    assert response.status_code == 400
    assert "must close after it opens" in response.content.decode()
    assert not Campaign.objects.filter(title="Backwards").exists()


def test_a_member_who_moderates_nothing_cannot_open_the_campaign_page(client: Client) -> None:
    make_space("ideas")
    client.force_login(make_user("plain"))
    assert client.get("/ideas/new").status_code == 404
