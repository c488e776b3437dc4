"""Standing: the documented rules, the change log, and the tasks that follow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fireside.care.actions import check_set_status
from fireside.care.models import Conversation
from fireside.relationships import standing
from fireside.relationships.models import (
    StaffTask,
    Standing,
    StandingChange,
    StandingKind,
    TaskKind,
)
from fireside.relationships.testing import COMPLAINT, PRAISE, hear, person_of

pytestmark = pytest.mark.django_db


def test_three_positive_mentions_make_a_promoter_with_a_thank_task(member):
    hear(PRAISE, handle="@mia@social.example", member=member)
    person = person_of("@mia@social.example")
    assert person.user == member

    outcome = standing.recompute([person.pk])

    row = Standing.objects.get(person=person)
    assert row.standing == StandingKind.PROMOTER
    assert row.positive_recent == 3
    assert "3 positive messages" in row.reason
    assert outcome.changed == 1
    task = StaffTask.objects.get(person=person)
    assert task.kind == TaskKind.THANK and task.due_at > timezone.now()


def test_two_positive_mentions_leave_a_person_passive():
    hear(PRAISE[:2], handle="ana")
    standing.recompute()
    row = Standing.objects.get(person=person_of("ana"))
    assert row.standing == StandingKind.PASSIVE
    assert not StaffTask.objects.exists()


def test_an_open_complaint_makes_a_detractor_and_a_help_task_until_it_is_resolved():
    hear([*PRAISE, COMPLAINT], handle="bo")
    person = person_of("bo")
    standing.recompute()
    row = Standing.objects.get(person=person)
    assert row.standing == StandingKind.DETRACTOR
    assert row.open_complaints == 1
    assert "still open" in row.reason
    assert StaffTask.objects.get(person=person).kind == TaskKind.HELP

    check_set_status(Conversation.objects.get(person=person), "resolved")
    standing.recompute([person.pk])
    row.refresh_from_db()
    assert row.open_complaints == 0
    assert row.standing != StandingKind.DETRACTOR  # an old complaint weighs less


def test_every_change_of_standing_is_logged_with_its_reason_and_unchanged_ones_are_not():
    hear(PRAISE, handle="cy")
    person = person_of("cy")
    standing.recompute()
    standing.recompute()
    assert StandingChange.objects.filter(person=person).count() == 1
    hear([COMPLAINT], handle="cy")
    standing.recompute([person.pk])
    changes = list(StandingChange.objects.filter(person=person).order_by("created_at", "id"))
    assert [(c.old, c.new) for c in changes] == [("", "promoter"), ("promoter", "detractor")]
    assert changes[-1].reason


def test_a_second_recompute_opens_no_second_task_for_the_same_person():
    hear(PRAISE, handle="di")
    standing.recompute()
    Standing.objects.filter(person=person_of("di")).update(standing=StandingKind.PASSIVE)
    standing.recompute()
    assert StaffTask.objects.filter(person=person_of("di"), status="open").count() == 1


def test_messages_older_than_the_window_no_longer_count():
    later = timezone.now() + timedelta(days=standing.WINDOW_DAYS + 1)
    hear(PRAISE, handle="ed")
    standing.recompute()
    standing.recompute(now=later)
    row = Standing.objects.get(person=person_of("ed"))
    assert row.standing == StandingKind.PASSIVE
    assert row.reason.startswith("no messages")


def test_the_rules_weigh_recent_messages_more_than_old_ones():
    fresh = standing.Figures(1, weight=1.0, weighted_sentiment=-0.9, positive_week=0,
                             positive_month=0, negative_month=1, open_complaints=0,
                             recent_complaints=0, messages=1)
    assert standing.decide(fresh)[0] == StandingKind.DETRACTOR
    # Three positives this week (weight 1 each) against one old negative (weight 0.25).
    mixed = standing.Figures(1, weight=3.25, weighted_sentiment=3 * 0.9 - 0.25 * 0.9,
                             positive_week=3, positive_month=3, negative_month=0,
                             open_complaints=0, recent_complaints=0, messages=4)
    assert mixed.score == pytest.approx(0.762, abs=0.001)
    assert standing.decide(mixed)[0] == StandingKind.PROMOTER


def test_neutral_questions_do_not_dilute_praise(member):
    hear([*PRAISE, "How do I descale the machine?", "Which grind for a moka pot?"],
         handle="fi", member=member)
    standing.recompute()
    assert Standing.objects.get(person=person_of("fi")).standing == StandingKind.PROMOTER
