"""Pages and API: voting in place with htmx and without JavaScript, similar search,
roadmap, results and CSV, credits on profiles, and 404s for what a viewer may not see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from fireside.community.models import Visibility
from fireside.ideas import actions
from fireside.ideas.models import Campaign, Status
from fireside.ideas.testing import make_campaign, make_idea
from fireside.people.models import User
from fireside.testing import make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_voting_without_javascript_redirects_back_with_the_vote_counted(
        campaign: Campaign, member: User) -> None:
    idea = make_idea(campaign)
    response = _client(member).post(f"/ideas/{idea.pk}/vote", {"on": "1"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.vote_count == 1


def test_voting_with_htmx_swaps_the_button_in_place(campaign: Campaign, member: User) -> None:
    idea = make_idea(campaign)
    response = _client(member).post(f"/ideas/{idea.pk}/vote", {"on": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "✓ Voted" in body and 'name="on" value="0"' in body


def test_the_campaign_page_lists_ideas_and_offers_the_similar_search(campaign: Campaign,
                                                                    member: User) -> None:
    make_idea(campaign, title="Hazelnut mocha")
    body = _client(member).get(f"/ideas/c/{campaign.slug}").content.decode()
    assert "Hazelnut mocha" in body and "/ideas/similar" in body


def test_similar_ideas_and_threads_appear_while_typing(campaign: Campaign, member: User) -> None:
    idea = make_idea(campaign, title="Oat milk pumpkin latte")
    make_thread(campaign.space, title="Is there an oat milk option for lattes?")
    response = _client(member).get("/ideas/similar", {"title": "oat milk latte"},
                                   HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert f"/ideas/{idea.pk}" in body and "Is there an oat milk option" in body


def test_the_similar_api_returns_the_best_visible_items_first(campaign: Campaign) -> None:
    idea = make_idea(campaign, title="Oat milk pumpkin latte")
    make_idea(campaign, title="Decaf espresso beans")
    hidden = make_space(visibility=Visibility.PRIVATE, allowed_kinds=["employee"])
    make_thread(hidden, title="Oat milk pumpkin latte launch plan")
    rows = _client().get("/api/v1/similar", {"text": "pumpkin oat latte", "kind": "idea",
                                             "limit": 3}).json()
    assert rows[0] == {"id": idea.pk, "kind": "idea", "title": "Oat milk pumpkin latte",
                       "url": f"/ideas/{idea.pk}", "score": rows[0]["score"]}
    assert rows[0]["score"] > 0.5 and len(rows) == 1
    threads = _client().get("/api/v1/similar", {"text": "pumpkin oat latte",
                                                "kind": "thread"}).json()
    assert threads == []


def test_the_vote_api_is_idempotent_and_reports_the_budget(
        space: object, host: User, member: User,
        bearer_for: Callable[[User], dict[str, str]]) -> None:
    campaign = make_campaign(space, host, vote_budget=3)  # type: ignore[arg-type]
    idea = make_idea(campaign)
    headers = bearer_for(member)
    client = Client()
    for _ in range(2):
        data = client.put(f"/api/v1/ideas/{idea.pk}/vote", headers=headers).json()
    assert data == {"idea_id": idea.pk, "vote_count": 1, "voted": True, "votes_left": 2}
    data = client.delete(f"/api/v1/ideas/{idea.pk}/vote", headers=headers).json()
    assert data["vote_count"] == 0 and data["votes_left"] == 3


def test_a_moderator_runs_the_loop_through_the_api(
        space: object, host: User, member: User,
        bearer_for: Callable[[User], dict[str, str]]) -> None:
    client, headers = Client(), bearer_for(host)
    response = client.post("/api/v1/campaigns", content_type="application/json", headers=headers,
                           data={"space": "flavours", "title": "Name our new blend",
                                 "closes_at": "2099-01-01T00:00:00Z", "form": "choice",
                                 "options": ["Ember Dawn", "Ember Dusk"]})
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    ideas = client.get(f"/api/v1/campaigns/{slug}/ideas").json()
    assert {i["title"] for i in ideas} == {"Ember Dawn", "Ember Dusk"}
    idea_id = ideas[0]["id"]
    client.put(f"/api/v1/ideas/{idea_id}/vote", headers=bearer_for(member))
    shipped = client.post(f"/api/v1/ideas/{idea_id}/status", content_type="application/json",
                          headers=headers, data={"status": "shipped"}).json()
    assert shipped["status"] == "shipped"
    roadmap = {c["status"]: c["ideas"] for c in client.get("/api/v1/roadmap").json()}
    assert [i["id"] for i in roadmap["shipped"]] == [idea_id]
    results = client.get(f"/api/v1/campaigns/{slug}/results").json()
    assert results["total_votes"] == 1 and results["cumulative_votes"][-1] == 1
    notes = client.get("/api/v1/notifications", headers=bearer_for(member)).json()["results"]
    assert notes[0]["text"].startswith("The idea you voted for") and notes[0]["url"] == (
        f"/ideas/{idea_id}")


def test_members_cannot_change_statuses_through_the_api(
        campaign: Campaign, member: User, bearer_for: Callable[[User], dict[str, str]]) -> None:
    idea = make_idea(campaign)
    response = Client().post(f"/api/v1/ideas/{idea.pk}/status", content_type="application/json",
                             headers=bearer_for(member), data={"status": "shipped"})
    assert response.status_code == 403 and "moderator" in response.json()["detail"]


def test_a_private_campaign_answers_404_to_outsiders(host: User, member: User) -> None:
    team = make_space("team", visibility=Visibility.PRIVATE, allowed_kinds=["employee"])
    campaign = make_campaign(team, host)
    idea = make_idea(campaign, host)
    assert _client(member).get(f"/ideas/c/{campaign.slug}").status_code == 404
    assert _client(member).get(f"/ideas/{idea.pk}").status_code == 404
    assert Client().get(f"/api/v1/ideas/{idea.pk}").status_code == 404
    assert _client(member).post(f"/ideas/{idea.pk}/vote").status_code == 404


def test_the_roadmap_groups_ideas_by_status(campaign: Campaign, host: User) -> None:
    planned = make_idea(campaign, title="Winter blend")
    actions.check_set_status(host, planned, Status.PLANNED)
    declined = make_idea(campaign, title="Pineapple espresso")
    actions.check_set_status(host, declined, Status.DECLINED, "It curdles the milk.")
    body = _client().get("/ideas/roadmap").content.decode()
    assert "Winter blend" in body and "It curdles the milk." in body


def test_results_show_counts_and_export_a_csv(campaign: Campaign, member: User) -> None:
    idea = make_idea(campaign, title="=HYPERLINK(evil)")
    actions.check_vote(member, idea)
    page = _client().get(f"/ideas/c/{campaign.slug}/results").content.decode()
    assert 'data-testid="total-votes">1<' in page and "chart-data" in page
    csv = _client().get(f"/ideas/c/{campaign.slug}/results.csv").content.decode()
    assert "'=HYPERLINK(evil)" in csv and ",1," in csv


def test_a_shipped_idea_credits_its_author_on_the_profile(campaign: Campaign, host: User,
                                                          member: User) -> None:
    idea = make_idea(campaign, member, title="Maple cold brew")
    actions.check_set_status(host, idea, Status.SHIPPED)
    body = _client().get(f"/people/{member.username}").content.decode()
    assert "Ideas that shipped" in body and "Maple cold brew" in body


def test_the_idea_notification_opens_the_idea_page(campaign: Campaign, host: User,
                                                   member: User) -> None:
    idea = make_idea(campaign)
    actions.check_vote(member, idea)
    actions.check_set_status(host, idea, Status.PLANNED)
    client = _client(member)
    page = client.get("/notifications").content.decode()
    assert "The idea you voted for" in page
    from fireside.community.models import Notification

    note = Notification.objects.get(recipient=member)
    assert client.get(f"/notifications/{note.pk}")["Location"] == f"/ideas/{idea.pk}"


def test_moderators_see_the_moderation_panel_and_members_do_not(campaign: Campaign, host: User,
                                                                member: User) -> None:
    idea = make_idea(campaign)
    assert 'data-testid="moderate-idea"' in _client(host).get(f"/ideas/{idea.pk}").content.decode()
    assert 'data-testid="moderate-idea"' not in _client(member).get(
        f"/ideas/{idea.pk}").content.decode()
    assert make_user("x").pk
