"""The points ledger: awards from events, exactly once, totals kept beside the rows."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from fireside.community import actions as community
from fireside.ideas import actions as ideas
from fireside.ideas.testing import make_campaign, make_idea
from fireside.relationships.models import StaffTask, TaskKind
from fireside.rewards import actions, queries
from fireside.rewards.models import (
    ALL_SPACES,
    AppendOnly,
    BadgeAward,
    EventKind,
    PointRule,
    PointsEntry,
    Score,
)
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def _totals_match_ledger() -> None:
    for score in Score.objects.filter(space_key=ALL_SPACES, period="all"):
        ledger = PointsEntry.objects.filter(user=score.user).aggregate(s=Sum("points"))["s"]
        assert score.points == ledger


def test_an_accepted_answer_awards_its_author_once_and_asks_staff_to_say_thanks(
        member, django_capture_on_commit_callbacks):
    space = make_space()
    asker = make_user()
    thread = make_thread(space, asker, kind="question")
    answer = make_reply(thread, member)

    with django_capture_on_commit_callbacks(execute=True):
        community.check_accept_answer(asker, answer)
        community.do_accept_answer(asker, answer)  # the same event again

    assert actions.total_points(member.pk) == 15
    entry = PointsEntry.objects.get(user=member)
    assert entry.kind == EventKind.ACCEPTED_ANSWER and entry.space_id == space.pk
    assert Score.objects.get(user=member, space_key=space.pk, period="all").points == 15
    task = StaffTask.objects.get(person__user=member)
    assert task.kind == TaskKind.THANK and "accepted" in task.reason
    assert thread.title not in task.reason  # the space may be private to some staff
    assert BadgeAward.objects.filter(user=member, badge__slug="first-answer").exists()
    _totals_match_ledger()


def test_a_helpful_mark_awards_once_per_member_even_when_toggled(member):
    thread = make_thread(make_space())
    post = make_reply(thread, member)
    reader = make_user()
    community.check_react(reader, post, "helpful")
    community.check_react(reader, post, "helpful", on=False)
    community.check_react(reader, post, "helpful")
    community.check_react(make_user(), post, "like")
    assert actions.total_points(member.pk) == 5
    _totals_match_ledger()


def test_a_shipped_idea_awards_everyone_credited():
    host = make_user(role="community_manager", kind="employee")
    campaign = make_campaign(make_space(), host)
    author = make_user()
    idea = make_idea(campaign, author)
    ideas.do_set_status(host, idea, "shipped")
    ideas.do_set_status(host, idea, "shipped")
    assert actions.total_points(author.pk) == 25


def test_a_member_credited_after_the_idea_shipped_earns_its_points_once(
        member, django_capture_on_commit_callbacks):
    host = make_user(role="community_manager", kind="employee")
    space = make_space()
    idea = make_idea(make_campaign(space, host), make_user())
    ideas.do_set_status(host, idea, "shipped")

    with django_capture_on_commit_callbacks(execute=True):
        ideas.check_credit(host, idea, member, "Drew the first sketch")
    ideas.check_credit(host, idea, member, "Named twice")
    ideas.do_set_status(host, idea, "shipped")

    assert actions.total_points(member.pk) == 25
    entry = PointsEntry.objects.get(user=member)
    assert entry.kind == EventKind.IDEA_SHIPPED and entry.space_id == space.pk
    assert StaffTask.objects.filter(person__user=member, kind=TaskKind.THANK).exists()
    _totals_match_ledger()


def test_a_credit_named_before_shipping_is_awarded_when_it_ships_not_before(member):
    host = make_user(role="community_manager", kind="employee")
    idea = make_idea(make_campaign(make_space(), host), make_user())
    ideas.check_credit(host, idea, member)
    assert actions.total_points(member.pk) == 0
    ideas.do_set_status(host, idea, "shipped")
    assert actions.total_points(member.pk) == 25


def test_the_organization_sets_the_points_and_can_switch_a_rule_off(member):
    PointRule.objects.filter(kind=EventKind.HELPFUL_REACTION).update(points=7)
    post = make_reply(make_thread(make_space()), member)
    community.check_react(make_user(), post, "helpful")
    assert actions.total_points(member.pk) == 7
    PointRule.objects.filter(kind=EventKind.HELPFUL_REACTION).update(is_active=False)
    community.check_react(make_user(), post, "helpful")
    assert actions.total_points(member.pk) == 7


def test_the_ledger_refuses_updates_and_deletes(member):
    entry = actions.do_award(member.pk, EventKind.STAFF_AWARD, event_key="x", points=3)
    assert entry is not None
    with pytest.raises(AppendOnly):
        PointsEntry.objects.filter(pk=entry.pk).update(points=100)
    with pytest.raises(AppendOnly):
        PointsEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        entry.delete()
    entry.points = 100
    with pytest.raises(AppendOnly):
        entry.save()


def test_staff_correct_points_with_a_new_entry_and_a_reason(member, manager):
    actions.check_give_points(manager, member, 40, "Ran the tasting meetup")
    actions.check_give_points(manager, member, -10, "Counted twice")
    assert actions.total_points(member.pk) == 30
    assert PointsEntry.objects.filter(user=member).count() == 2
    with pytest.raises(Exception, match="Only staff"):
        actions.check_give_points(member, manager, 5, "me too")
    _totals_match_ledger()


def test_levels_follow_the_total(member, manager):
    assert actions.level_for(0) == ("Newcomer", 50)
    actions.check_give_points(manager, member, 160, "Many answers")
    rep = queries.reputation(member)
    assert (rep.points, rep.level, rep.next_level_at) == (160, "Contributor", 400)
    assert [a.badge.slug for a in rep.badges] == ["century"]


def test_leaderboards_rank_by_space_and_period_from_the_buckets(member, manager):
    space, other_space = make_space(), make_space()
    rival = make_user()
    actions.do_award(member.pk, EventKind.ACCEPTED_ANSWER, event_key="a", space_id=space.pk)
    actions.do_award(rival.pk, EventKind.ACCEPTED_ANSWER, event_key="b",
                     space_id=other_space.pk)
    actions.do_award(rival.pk, EventKind.HELPFUL_REACTION, event_key="c",
                     space_id=other_space.pk)
    _, everyone = queries.leaderboard(member, period="week")
    assert [(r.rank, r.user, r.points) for r in everyone] == [(1, rival, 20), (2, member, 15)]
    _, in_space = queries.leaderboard(member, space_slug=space.slug, period="month")
    assert [(r.user, r.points) for r in in_space] == [(member, 15)]


def test_a_private_space_leaderboard_is_not_found_for_outsiders(member):
    from django.http import Http404

    hidden = make_space(visibility="private")
    with pytest.raises(Http404):
        queries.leaderboard(member, space_slug=hidden.slug)


def test_a_member_thanking_another_gives_help_points_once_a_day(member):
    helper = make_user()
    actions.check_thank(member, helper, "You fixed my grinder!")
    actions.check_thank(member, helper, "And thanks again")
    assert actions.total_points(helper.pk) == 10
    assert len(queries.reputation(helper).thanks) == 2
    with pytest.raises(Exception, match="yourself"):
        actions.check_thank(member, member, "me")
    with pytest.raises(Exception, match="Only staff"):
        actions.check_thank(member, helper, "and points", points=5)


def test_staff_give_manual_badges_and_members_cannot(member, manager):
    from fireside.rewards.models import Badge

    hero = Badge.objects.get(slug="community-hero")
    actions.check_award_badge(manager, hero, member, "Organised the meetup")
    with pytest.raises(Exception, match="Only staff"):
        actions.check_award_badge(member, hero, manager)
    with pytest.raises(Exception, match="automatically"):
        actions.check_award_badge(manager, Badge.objects.get(slug="century"), member)
