"""The people endpoints of the API, and personal API tokens from the settings page."""

from __future__ import annotations

import re

import pytest

from fireside.people.models import ApiToken, Kind, Role
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def test_a_token_created_on_the_settings_page_authenticates_api_requests(client, member):
    client.force_login(member)

    page = client.post("/settings/tokens", {"name": "CRM sync"}).content.decode()

    secret = re.search(r'data-testid="token-secret">(fs_[^<]+)<', page).group(1)
    token = ApiToken.objects.get(user=member)
    assert token.name == "CRM sync"
    assert token.prefix == secret[:10]
    assert secret not in token.token_hash  # only a hash is kept
    client.logout()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json()["handle"] == "ada"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_secret_is_shown_once_and_never_again(client, member):
    client.force_login(member)
    page = client.post("/settings/tokens", {"name": "CRM sync"}).content.decode()
    secret = re.search(r'data-testid="token-secret">(fs_[^<]+)<', page).group(1)

    again = client.get("/settings/tokens").content.decode()

    assert "CRM sync" in again
    assert secret not in again
    assert f"{secret[:10]}…" in again


def test_a_revoked_token_no_longer_authenticates(client, member, bearer):
    token = ApiToken.objects.get(user=member)
    client.force_login(member)

    response = client.post("/settings/tokens", {"revoke": token.pk})

    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    client.logout()
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_a_member_cannot_revoke_someone_elses_token(client, member, bearer):
    token = ApiToken.objects.get(user=member)
    client.force_login(make_user("mallory"))

    client.post("/settings/tokens", {"revoke": token.pk})

    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_tokens_are_created_listed_and_revoked_through_the_api(client, bearer):
    created = client.post("/api/v1/me/tokens", {"name": "Zapier"}, headers=bearer,
                          content_type="application/json")
    assert created.status_code == 201
    new = created.json()
    assert new["name"] == "Zapier" and new["secret"].startswith("fs_")

    listed = client.get("/api/v1/me/tokens", headers=bearer).json()
    assert sorted(t["name"] for t in listed) == ["Zapier", "tests"]
    assert all(t["secret"] is None for t in listed)

    new_bearer = {"Authorization": f"Bearer {new['secret']}"}
    assert client.get("/api/v1/me", headers=new_bearer).status_code == 200
    assert client.delete(f"/api/v1/me/tokens/{new['id']}", headers=bearer).status_code == 204
    assert client.get("/api/v1/me", headers=new_bearer).status_code == 401
    assert client.delete(f"/api/v1/me/tokens/{new['id']}", headers=bearer).status_code == 404


def test_a_wrong_or_missing_token_answers_401_with_a_detail(client, member):
    wrong = client.get("/api/v1/me", headers={"Authorization": "Bearer fs_made-up"})
    missing = client.get("/api/v1/me")

    assert wrong.status_code == 401 and missing.status_code == 401
    assert wrong.json() == {"detail": "Unauthorized"}
    assert missing.json() == {"detail": "Unauthorized"}


def test_a_deactivated_members_token_stops_working(client, member, bearer):
    member.is_active = False
    member.save()

    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_me_describes_the_member_behind_the_token(client, member, bearer):
    body = client.get("/api/v1/me", headers=bearer).json()

    assert body["handle"] == "ada"
    assert body["display_name"] == "Ada Lovelace"
    assert body["kind"] == "customer"
    assert body["avatar_url"] is None
    assert body["claimed"] is True


def test_a_member_updates_their_profile_through_the_api(client, member, bearer):
    response = client.patch("/api/v1/me", {"display_name": "Countess Ada", "title": "Analyst",
                                           "bio": "Notes.", "interests": ["Engines"],
                                           "links": ["https://example.org"]},
                            headers=bearer, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["display_name"] == "Countess Ada"
    assert response.json()["interests"] == ["engines"]
    member.refresh_from_db()
    assert member.title == "Analyst"


def test_a_bad_profile_update_answers_400_with_a_detail(client, bearer):
    response = client.patch("/api/v1/me", {"display_name": "Ada", "links": ["ftp://x"]},
                            headers=bearer, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Not a web address: ftp://x"}


def test_anyone_reads_a_public_profile_and_its_contributions(client, member):
    space = make_space("general")
    thread = make_thread(space, member, title="Descaling the boiler")
    reply = make_reply(thread, member, body="Use citric acid.")

    person = client.get("/api/v1/people/ada")
    contributions = client.get("/api/v1/people/ada/contributions")

    assert person.status_code == 200
    assert person.json()["post_count"] == 2
    assert contributions.status_code == 200
    assert [(c["post_id"], c["is_opening"], c["excerpt"]) for c in contributions.json()] == [
        (reply.pk, False, "Use citric acid."),
        (thread.posts.get(is_opening=True).pk, True, "What do you think?"),
    ]
    assert contributions.json()[0]["thread_title"] == "Descaling the boiler"
    assert client.get("/api/v1/people/nobody").status_code == 404
    assert client.get("/api/v1/people/nobody/contributions").json() == {"detail": "Not Found"}


def test_an_admin_sets_a_kind_and_role_through_the_api(client, member):
    admin = make_user("boss", role=Role.ADMIN, kind=Kind.EMPLOYEE)
    client.force_login(admin)

    response = client.put("/api/v1/people/ada/kind", {"kind": "employee", "role": "moderator"},
                          content_type="application/json")

    assert response.status_code == 200
    assert response.json()["kind"] == "employee" and response.json()["role"] == "moderator"


def test_a_member_setting_a_kind_through_the_api_gets_403(client, member, bearer):
    response = client.put("/api/v1/people/ada/kind", {"kind": "employee"}, headers=bearer,
                          content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only an admin or community manager can change kinds and roles."}
    member.refresh_from_db()
    assert member.kind == Kind.CUSTOMER


def test_an_unknown_kind_answers_400(client, member):
    client.force_login(make_user("boss", role=Role.ADMIN))

    response = client.put("/api/v1/people/ada/kind", {"kind": "overlord"},
                          content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown kind or role."}
