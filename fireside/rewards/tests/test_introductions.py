"""People you should meet: complementary needs, the employee who knows, shared
interests; introductions with a message; the opt-out."""

from __future__ import annotations

import pytest

from fireside.community import actions as community
from fireside.rewards import actions, queries
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def test_someone_asking_about_a_subject_meets_who_answered_it_well(member):
    space = make_space()
    expert = make_user("expert")
    asked_before = make_thread(space, make_user(), kind="question", tags=["espresso"])
    community.do_accept_answer(asked_before.author, make_reply(asked_before, expert))
    make_thread(space, member, kind="question", tags=["espresso"])

    found = queries.suggestions(member)
    assert found[0].user == expert
    assert "espresso" in found[0].reasons[0]


def test_a_customer_meets_the_employee_who_knows_the_product(member):
    member.interests = ["grinders"]
    member.save()
    employee = make_user("barista", kind="employee")
    employee.expertise = ["grinders"]
    employee.save()
    found = queries.suggestions(member)
    assert found[0].user == employee and "works here" in found[0].reasons[0]


def test_members_who_opt_out_are_never_suggested_or_introduced(member):
    member.interests = ["latte art"]
    member.save()
    shy = make_user("shy")
    shy.interests = ["latte art"]
    shy.save()
    assert [s.user for s in queries.suggestions(member)] == [shy]
    actions.do_set_introductions(shy, allowed=False)
    assert queries.suggestions(member) == []
    with pytest.raises(Exception, match="prefers not"):
        actions.check_introduce(member, member, shy, "Hi!")


def test_an_introduction_is_made_once_with_a_message_and_drops_out_of_suggestions(member):
    member.interests = ["decaf"]
    member.save()
    other = make_user("other")
    other.interests = ["decaf"]
    other.save()
    intro = actions.check_introduce(make_user(), member, other, "You both love decaf.")
    assert queries.introductions_for(member) == [intro]
    assert queries.suggestions(member) == []
    with pytest.raises(Exception, match="already"):
        actions.check_introduce(member, other, member, "again")
