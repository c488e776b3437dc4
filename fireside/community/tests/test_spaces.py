"""Spaces: their purpose at the top, and who may enter them."""

from __future__ import annotations

import pytest
from django.test import Client

from fireside.community import queries
from fireside.community.models import Visibility
from fireside.people.models import Kind, Role
from fireside.testing import make_space, make_user

pytestmark = pytest.mark.django_db


def test_a_space_shows_its_purpose_at_the_top(client, space):
    page = client.get("/s/general").content.decode()

    assert '<div class="purpose"><strong>Purpose</strong>Questions about our espresso machines.' \
        in page
    assert page.index("Questions about our espresso machines.") < page.index("thread-list")


def test_a_public_space_is_open_to_everyone(client, space):
    assert client.get("/s/general").status_code == 200
    assert "General" in client.get("/").content.decode()


def test_a_members_space_is_for_signed_in_members_only(client):
    make_space("lounge", visibility=Visibility.MEMBERS, name="Members Lounge")

    assert client.get("/s/lounge").status_code == 404
    assert "Members Lounge" not in client.get("/").content.decode()
    client.force_login(make_user())
    assert client.get("/s/lounge").status_code == 200
    assert "Members Lounge" in client.get("/").content.decode()


def _private_cases():
    """(how someone gets in, the space's settings, the person) for private spaces."""
    return [
        ("by kind", {"allowed_kinds": [Kind.EMPLOYEE]}, {"kind": Kind.EMPLOYEE}),
        ("by one of several kinds", {"allowed_kinds": [Kind.EMPLOYEE, Kind.PARTNER]},
         {"kind": Kind.PARTNER}),
        ("by role", {"allowed_roles": [Role.AGENT]}, {"role": Role.AGENT}),
        ("as an admin", {}, {"role": Role.ADMIN}),
        ("as a community manager", {}, {"role": Role.COMMUNITY_MANAGER}),
    ]


@pytest.mark.parametrize(("how", "space_settings", "person"), _private_cases(),
                         ids=[c[0] for c in _private_cases()])
def test_a_private_space_admits_the_chosen_people(client, how, space_settings, person):
    private = make_space("backstage", visibility=Visibility.PRIVATE, name="Backstage",
                         **space_settings)
    user = make_user(**person)
    client.force_login(user)

    assert client.get("/s/backstage").status_code == 200
    assert "Backstage" in client.get("/").content.decode()
    assert private.pk in queries.visible_space_ids(user)


def test_a_private_space_admits_invited_members_and_its_moderators():
    invited, space_mod = make_user(), make_user()
    make_space("backstage", visibility=Visibility.PRIVATE, members=[invited],
               moderators=[space_mod])

    for user in (invited, space_mod):
        client = Client()
        client.force_login(user)
        assert client.get("/s/backstage").status_code == 200


@pytest.mark.parametrize("person", [
    {"kind": Kind.CUSTOMER}, {"kind": Kind.PARTNER}, {"role": Role.AGENT},
    {"role": Role.MODERATOR}, {"kind": Kind.EMPLOYEE},
], ids=["customer", "partner", "agent", "global moderator", "employee, a role only"])
def test_a_private_space_answers_404_to_everyone_else(client, person):
    make_space("backstage", visibility=Visibility.PRIVATE, allowed_kinds=[],
               allowed_roles=[Role.COMMUNITY_MANAGER], name="Backstage")
    client.force_login(make_user(**person))

    assert client.get("/s/backstage").status_code == 404
    assert "Backstage" not in client.get("/").content.decode()


def test_an_unknown_space_answers_404(client):
    assert client.get("/s/no-such-space").status_code == 404


def test_the_api_lists_only_the_spaces_the_reader_may_enter(client):
    make_space("open", name="Open")
    make_space("lounge", visibility=Visibility.MEMBERS)
    make_space("staff", visibility=Visibility.PRIVATE, allowed_kinds=[Kind.EMPLOYEE])

    anonymous = [s["slug"] for s in client.get("/api/v1/spaces").json()]
    client.force_login(make_user())
    customer = [s["slug"] for s in client.get("/api/v1/spaces").json()]
    client.force_login(make_user(kind=Kind.EMPLOYEE))
    employee = [s["slug"] for s in client.get("/api/v1/spaces").json()]

    assert anonymous == ["open"]
    assert sorted(customer) == ["lounge", "open"]
    assert sorted(employee) == ["lounge", "open", "staff"]


def test_a_space_through_the_api_carries_its_purpose(client, space):
    body = client.get("/api/v1/spaces/general").json()

    assert body["purpose"] == "Questions about our espresso machines."
    assert body["visibility"] == "public"
