"""Privacy: staff-only data never reaches a member; members export and delete their data."""

from __future__ import annotations

import json

import pytest

from fireside.community import actions as community
from fireside.community.models import Post
from fireside.people.models import User
from fireside.relationships import privacy, standing
from fireside.relationships.models import StaffTask
from fireside.relationships.testing import COMPLAINT, PRAISE, hear, person_of
from fireside.rewards import actions as rewards
from fireside.testing import PASSWORD, make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db

# Words that only staff may read about a person: standings, task wording, the reasons.
STAFF_WORDS = ["promoter", "detractor", "Passive", "standing", "Thank this", "Help this",
               "positive messages", "still open", "sentiment", "complaint"]


@pytest.fixture
def rich_member(member, manager):
    """A member with everything: posts, a thank-you, points, a standing and open tasks."""
    space = make_space("brewing")
    thread = make_thread(space, member, kind="question", title="Grind size?")
    answer = make_reply(thread, manager)
    community.do_react(member, answer, "helpful")
    rewards.check_thank(manager, member, "Thanks for the great question", points=5)
    hear([*PRAISE, COMPLAINT], handle="mia", member=member)
    standing.recompute()
    assert StaffTask.objects.filter(person=person_of("mia")).exists()
    return member


def test_no_member_page_or_api_answer_carries_staff_only_data(rich_member, client):
    member = rich_member
    client.force_login(member)
    pages = ["/people/mia", "/leaderboard", "/leaderboard?period=week&space=brewing", "/meet",
             "/settings/privacy", "/api/v1/people/mia/reputation", "/api/v1/leaderboard",
             "/api/v1/me/introductions/suggestions", "/api/v1/me/introductions",
             "/api/v1/me", "/api/v1/me/export", "/settings/privacy/export.json"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for word in STAFF_WORDS:
            assert word.lower() not in body.lower(), (url, word)
    person_id = person_of("mia").pk
    task_id = StaffTask.objects.first().pk  # type: ignore[union-attr]
    for url in ["/staff/people", f"/staff/people/{person_id}", "/staff/tasks",
                f"/staff/tasks/{task_id}", "/staff/members/mia"]:
        assert client.get(url).status_code == 404, url
    for url in ["/api/v1/relationships/people", f"/api/v1/relationships/people/{person_id}",
                "/api/v1/relationships/tasks"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/api/v1/relationships/tasks/{task_id}/complete",
                       {"note": "x"}, content_type="application/json").status_code == 404
    client.logout()
    assert client.get("/staff/people").status_code == 302  # to the log-in page
    assert client.get("/people/mia").status_code == 200


def test_staff_see_standing_on_the_person_page_and_the_staff_link_on_profiles(rich_member,
                                                                              manager, client):
    client.force_login(manager)
    person = person_of("mia")
    profile = client.get("/people/mia").content.decode()
    assert "/staff/members/mia" in profile
    page = client.get(f"/staff/people/{person.pk}").content.decode()
    assert "Detractor" in page and "still open" in page
    data = client.get(f"/api/v1/relationships/people/{person.pk}").json()
    assert data["standing"]["standing"] == "detractor"
    assert {item["kind"] for item in data["timeline"]} >= {"message", "post"}


def test_the_export_holds_all_the_members_data_and_no_staff_only_field(rich_member, client):
    client.force_login(rich_member)
    data = client.get("/api/v1/me/export").json()
    assert privacy.contains_staff_only(data) == []
    assert data["profile"]["handle"] == "mia"
    assert data["threads"][0]["title"] == "Grind size?"
    assert data["reactions"][0]["kind"] == "helpful"
    assert data["points"]["total"] == 5
    assert data["thanks_received"][0]["message"] == "Thanks for the great question"
    assert len(data["channel_messages"]) == 4
    assert all(set(m) == {"channel", "text", "url", "created_at"}
               for m in data["channel_messages"])
    download = client.get("/settings/privacy/export.json")
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["profile"]["handle"] == "mia"


def test_deleting_an_account_asks_for_the_password_and_anonymizes_posts(rich_member, client):
    client.force_login(rich_member)
    response = client.post("/settings/privacy/delete", {"password": "wrong"})
    assert response.status_code == 403
    assert User.objects.get(pk=rich_member.pk).is_active

    client.post("/settings/privacy/delete", {"password": PASSWORD})

    user = User.objects.get(pk=rich_member.pk)
    assert not user.is_active and user.display_name == "Former member" and user.email == ""
    post = Post.objects.get(author=user, is_opening=True)
    assert not post.is_deleted and post.body  # kept, under the placeholder
    assert client.get("/people/mia").status_code == 404
    assert person_of("mia").user is None
    leaderboard = client.get("/leaderboard").content.decode()
    assert f'/people/{rich_member.username}"' not in leaderboard
    assert "Mia Member" not in leaderboard


def test_under_the_remove_policy_deleted_accounts_posts_are_removed(member, settings):
    settings.FIRESIDE_DELETION_POLICY = "remove"
    thread = make_thread(make_space(), member)
    privacy.check_delete_account(member, PASSWORD)
    post = Post.objects.get(thread=thread, is_opening=True)
    assert post.is_deleted and post.delete_reason == privacy.REMOVED_REASON
    assert post.body == ""


def test_an_admin_cannot_delete_their_account_here():
    admin = make_user("root")
    admin.is_superuser = True
    admin.save()
    with pytest.raises(Exception, match="administrator"):
        privacy.check_delete_account(admin, PASSWORD)
