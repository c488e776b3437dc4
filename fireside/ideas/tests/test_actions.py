"""Votes, budgets, choices, statuses, merges, credits and closing, through the actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from fireside.community.models import Notification, Visibility
from fireside.errors import ActionError, Conflict, Forbidden
from fireside.ideas import actions, queries
from fireside.ideas.models import (
    Campaign,
    CampaignForm,
    ChoiceMode,
    Credit,
    Idea,
    IdeaFollow,
    Status,
    Vote,
)
from fireside.ideas.testing import make_campaign, make_idea
from fireside.people.models import User
from fireside.testing import make_space, make_user

pytestmark = pytest.mark.django_db


def _count(idea: Idea) -> int:
    idea.refresh_from_db()
    assert idea.vote_count == Vote.objects.filter(idea=idea).count()
    return idea.vote_count


def test_an_idea_gets_a_discussion_thread_in_the_campaign_space(campaign: Campaign,
                                                                 member: User) -> None:
    idea = actions.check_submit_idea(member, campaign, title="Cardamom latte",
                                     description="Spiced and warm.", tags=["Winter"])
    assert idea.thread is not None and idea.thread.space_id == campaign.space_id
    assert idea.tags == ["winter"]
    assert IdeaFollow.objects.filter(idea=idea, user=member).exists()
    assert Credit.objects.get(idea=idea).person == member


def test_a_member_votes_once_and_may_withdraw_while_open(campaign: Campaign, member: User,
                                                         other: User) -> None:
    idea = make_idea(campaign, other)
    actions.check_vote(member, idea)
    actions.check_vote(member, idea)
    assert _count(idea) == 1
    actions.check_withdraw_vote(member, idea)
    actions.check_withdraw_vote(member, idea)
    assert _count(idea) == 0


@pytest.mark.parametrize("status", [Status.SHIPPED, Status.DECLINED])
def test_a_decided_idea_keeps_its_votes_and_takes_no_more(
        status: str, campaign: Campaign, host: User, member: User, other: User) -> None:
    idea = make_idea(campaign, other)
    actions.check_vote(other, idea)
    actions.do_set_status(host, idea, status, reason="We decided.")
    with pytest.raises(Conflict, match="voting on it has closed"):
        actions.check_vote(member, idea)
    assert _count(idea) == 1


def test_nobody_votes_after_the_end_date_even_before_the_closing_task(
        campaign: Campaign, member: User) -> None:
    idea = make_idea(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - timedelta(1))
    idea = queries.get_idea(member, idea.pk)
    with pytest.raises(Conflict):
        actions.check_vote(member, idea)


def test_the_vote_budget_stops_the_extra_vote(space: object, host: User, member: User) -> None:
    campaign = make_campaign(space, host, vote_budget=2)  # type: ignore[arg-type]
    ideas = [make_idea(campaign) for _ in range(3)]
    actions.check_vote(member, ideas[0])
    actions.check_vote(member, ideas[1])
    with pytest.raises(Conflict, match="all 2"):
        actions.check_vote(member, ideas[2])
    actions.check_withdraw_vote(member, ideas[0])
    actions.check_vote(member, ideas[2])
    assert queries.votes_left(member, campaign) == 0


def test_a_single_choice_moves_the_vote_to_the_new_option(space: object, host: User,
                                                          member: User) -> None:
    campaign = make_campaign(space, host, form=CampaignForm.CHOICE,  # type: ignore[arg-type]
                             options=["Ember dark", "Ember light"])
    dark, light = Idea.objects.filter(campaign=campaign).order_by("pk")
    actions.check_vote(member, dark)
    actions.check_vote(member, light)
    assert (_count(dark), _count(light)) == (0, 1)


def test_approval_voting_allows_several_options(space: object, host: User, member: User) -> None:
    campaign = make_campaign(space, host, form=CampaignForm.CHOICE,  # type: ignore[arg-type]
                             choice_mode=ChoiceMode.APPROVAL, options=["A theme", "B theme"])
    for option in Idea.objects.filter(campaign=campaign):
        actions.check_vote(member, option)
    assert Vote.objects.filter(voter=member).count() == 2


def test_suggested_options_wait_for_a_moderator(space: object, host: User, member: User,
                                                other: User) -> None:
    campaign = make_campaign(space, host, form=CampaignForm.CHOICE,  # type: ignore[arg-type]
                             options=["Ember dark"], accept_suggestions=True)
    suggestion = actions.check_submit_idea(member, campaign, title="Ember cherry")
    assert not suggestion.is_approved and suggestion.thread is None
    assert suggestion not in queries.campaign_ideas(other, campaign)
    with pytest.raises(Conflict):
        actions.check_vote(other, suggestion)
    actions.check_approve_suggestion(host, suggestion)
    actions.check_vote(other, suggestion)
    assert _count(suggestion) == 1 and suggestion.thread is not None


def test_a_choice_without_suggestions_refuses_members_ideas(space: object, host: User,
                                                            member: User) -> None:
    campaign = make_campaign(space, host, form=CampaignForm.CHOICE,  # type: ignore[arg-type]
                             options=["One"])
    with pytest.raises(Forbidden):
        actions.check_submit_idea(member, campaign, title="Two")


def test_a_status_change_reaches_author_voters_and_followers_in_app_and_by_email(
        campaign: Campaign, host: User, member: User, other: User,
        django_capture_on_commit_callbacks: object) -> None:
    idea = make_idea(campaign, other, title="Oat milk flavour")
    actions.check_vote(member, idea)
    follower = make_user("fan")
    actions.check_follow_idea(follower, idea)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        actions.check_set_status(host, idea, Status.SHIPPED, "In shops from Monday.")
    texts = {n.recipient.username: n.text for n in Notification.objects.filter(kind="idea")}
    assert texts["member"].startswith("The idea you voted for, “Oat milk flavour”, has shipped")
    assert texts["other"].startswith("Your idea “Oat milk flavour” has shipped")
    assert texts["fan"].startswith("The idea you follow")
    assert "host" not in texts
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("The idea you voted for" in s for s in subjects) and len(subjects) == 3


def test_declining_needs_a_public_reason(campaign: Campaign, host: User) -> None:
    idea = make_idea(campaign)
    with pytest.raises(ActionError, match="reason"):
        actions.check_set_status(host, idea, Status.DECLINED)
    actions.check_set_status(host, idea, Status.DECLINED, "Too close to our espresso blend.")
    assert idea.status_reason == "Too close to our espresso blend."


def test_only_moderators_change_statuses(campaign: Campaign, member: User) -> None:
    with pytest.raises(Forbidden):
        actions.check_set_status(member, make_idea(campaign), Status.PLANNED)


def test_shipping_credits_the_author_and_the_people_who_shaped_it(
        campaign: Campaign, host: User, member: User, other: User) -> None:
    idea = make_idea(campaign, member, title="Maple cold brew")
    actions.check_credit(host, idea, other, "Suggested the maple syrup supplier")
    assert queries.profile_credits(other, other) == []
    actions.check_set_status(host, idea, Status.SHIPPED)
    assert [c.idea for c in queries.profile_credits(other, member)] == [idea]
    assert queries.profile_credits(member, other)[0].note == "Suggested the maple syrup supplier"


def test_merging_moves_votes_and_followers_without_double_votes_and_credits_both(
        campaign: Campaign, host: User, member: User, other: User) -> None:
    kept = make_idea(campaign, member, title="Pumpkin spice")
    dup = make_idea(campaign, other, title="Pumpkin spice latte")
    both, only_dup = make_user("both"), make_user("onlydup")
    for voter in (both,):
        actions.check_vote(voter, kept)
    for voter in (both, only_dup):
        actions.check_vote(voter, dup)
    actions.check_merge(host, dup, kept, "Same idea.")
    assert _count(kept) == 2 and _count(dup) == 0
    assert Vote.objects.filter(voter=both).count() == 1
    assert set(kept.follows.values_list("user__username", flat=True)) >= {"member", "other"}
    dup.refresh_from_db()
    assert dup.status == Status.MERGED and dup.merged_into == kept
    assert {c.person.username: c.role for c in kept.credits.all()} == {
        "member": "author", "other": "coauthor"}
    note = Notification.objects.get(recipient=only_dup, kind="idea")
    assert "merged into “Pumpkin spice”" in note.text and note.url == f"/ideas/{kept.pk}"
    # A vote for the merged idea lands on the idea it went into.
    late = make_user("late")
    assert actions.check_vote(late, queries.get_idea(late, dup.pk)) == kept
    actions.check_set_status(host, kept, Status.SHIPPED)
    assert queries.profile_credits(late, other)[0].idea == kept


def test_closing_announces_the_result_once(campaign: Campaign, member: User,
                                           other: User) -> None:
    idea = make_idea(campaign, other, title="Gingerbread")
    actions.check_vote(member, idea)
    later = timezone.now() + timedelta(days=30)
    assert actions.close_due_campaigns(later) == [campaign.pk]
    assert actions.close_due_campaigns(later) == []
    assert not actions.do_close_campaign(campaign.pk, later)
    campaign.refresh_from_db()
    assert campaign.closed_at is not None and campaign.result_thread is not None
    notes = Notification.objects.filter(kind="campaign")
    assert {n.recipient.username for n in notes} == {"member", "other"}
    assert "Gingerbread" in notes[0].text


def test_an_audience_of_employees_hides_the_campaign_from_customers(host: User,
                                                                    member: User) -> None:
    team = make_space("team", visibility=Visibility.PRIVATE, allowed_kinds=["employee",
                                                                            "customer"])
    campaign = make_campaign(team, host, audience="kinds", audience_kinds=["employee"])
    assert queries.can_see_campaign(host, campaign)
    assert not queries.can_see_campaign(member, campaign)
    with pytest.raises(ActionError):
        actions.check_create_campaign(host, make_space(), title="Staff only", audience="members",
                                      closes_at=timezone.now() + timedelta(days=1))


def test_the_discussion_names_its_campaign_without_doubled_punctuation(
        space: object, host: User, member: User) -> None:
    asked = make_campaign(space, host, title="What should we brew next?")
    named = make_campaign(space, host, title="Name the roast")
    first = make_idea(asked, member).thread.posts.get().body  # type: ignore[union-attr]
    second = make_idea(named, member).thread.posts.get().body  # type: ignore[union-attr]
    assert "brew-next) [Vote" in first  # "... brew next? Vote for it", no "?."
    assert "name-the-roast). [Vote" in second
