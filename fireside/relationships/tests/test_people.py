"""One person across channels: merging and splitting, with the audit trail."""

from __future__ import annotations

import pytest

from fireside.listening.actions import channel_named
from fireside.listening.models import Identity, Message
from fireside.relationships import actions, queries
from fireside.relationships.models import PersonChange
from fireside.relationships.testing import PRAISE, hear, person_of

pytestmark = pytest.mark.django_db


def test_staff_merge_two_handles_into_one_person_and_undo_it_with_a_split(member, manager):
    hear(PRAISE[:1], handle="@mia@social.example", member=member)
    hear(PRAISE[1:], handle="mia_b", channel=channel_named("Bluesky", "bluesky"))
    keep, other = person_of("@mia@social.example"), person_of("mia_b")

    change = actions.check_merge(manager, keep, other, "same person, same signature")

    assert set(Identity.objects.filter(person=keep).values_list("handle", flat=True)) == {
        "@mia@social.example", "mia_b"}
    assert Message.objects.filter(person=keep).count() == 3
    assert change.moved["identities"] and len(change.moved["messages"]) == 2
    kinds = {item.kind for item in queries.timeline(manager, keep)}
    assert {"message", "conversation"} <= kinds

    split = actions.check_undo_merge(manager, change)

    assert Message.objects.filter(person=other).count() == 2
    assert Identity.objects.get(handle="mia_b").person == other
    change.refresh_from_db()
    assert change.undone_by == split and split.kind == PersonChange.Kind.SPLIT
    with pytest.raises(Exception, match="undone already"):
        actions.check_undo_merge(manager, change)


def test_merging_moves_the_member_link_to_the_kept_person(member, manager):
    hear(PRAISE[:1], handle="anon")
    hear(PRAISE[:1], handle="mia", member=member)
    keep, other = person_of("anon"), person_of("mia")
    change = actions.check_merge(manager, keep, other, "")
    keep.refresh_from_db()
    assert keep.user == member and change.moved["user"] == member.pk
    actions.check_undo_merge(manager, change)
    keep.refresh_from_db()
    other.refresh_from_db()
    assert keep.user is None and other.user == member


def test_staff_split_chosen_handles_off_into_a_new_person(manager):
    hear(PRAISE[:1], handle="x1")
    hear(PRAISE[:2], handle="x2", channel=channel_named("Bluesky", "bluesky"))
    person = person_of("x1")
    actions.check_merge(manager, person, person_of("x2"), "")
    x2 = Identity.objects.get(handle="x2")
    change = actions.check_split(manager, person, [x2.pk], "different people after all")
    assert change.target is not None
    assert Message.objects.filter(person=change.target).count() == 2
    assert person_of("x1") == person


def test_members_cannot_merge_split_or_see_people(member, manager):
    from django.http import Http404

    hear(PRAISE[:1], handle="a")
    hear(PRAISE[:1], handle="b")
    with pytest.raises(Exception, match="Only staff"):
        actions.check_merge(member, person_of("a"), person_of("b"), "")
    with pytest.raises(Http404):
        queries.get_person(member, person_of("a").pk)
    with pytest.raises(Http404):
        queries.tasks(member)


def test_two_member_accounts_are_not_merged(member, manager):
    from fireside.testing import make_user

    hear(PRAISE[:1], handle="a", member=member)
    hear(PRAISE[:1], handle="b", member=make_user())
    with pytest.raises(Exception, match="accounts are not merged"):
        actions.check_merge(manager, person_of("a"), person_of("b"), "")


def test_a_community_post_is_on_the_timeline_once_with_its_reading(
        member, manager, django_capture_on_commit_callbacks):
    """The post is heard as a message too; the timeline lists it once, as the post."""
    from fireside.testing import make_space, make_thread

    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(make_space(), member, title="Grinder broke",
                             body="My grinder broke on day one and nobody answers. Terrible.")
    heard = Message.objects.get(url=f"/p/{thread.posts.get().pk}")
    items = [i for i in queries.timeline(manager, heard.person)
             if i.url == f"/p/{thread.posts.get().pk}"]
    assert [(i.kind, i.sentiment) for i in items] == [("post", "negative")]
