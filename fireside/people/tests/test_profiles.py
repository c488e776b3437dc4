"""Profiles: what a member says about themselves, their picture, and what the organization
says about them (kind and role)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fireside.people.models import Kind, Role, User
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db

PROFILE = {"display_name": "Ada Lovelace", "title": "Analyst at the Engine Works",
           "bio": "I write notes on engines.", "interests": "Mathematics, poetry, ",
           "expertise": "engines,  Bernoulli numbers", "links": "https://example.org/ada\n\n",
           "notify_by_email": "1"}


def _picture(width: int, height: int, fmt: str = "JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 20)).save(buffer, format=fmt)
    return SimpleUploadedFile(f"me.{fmt.lower()}", buffer.getvalue(),
                              content_type=f"image/{fmt.lower()}")


def test_a_member_fills_in_their_profile_and_everyone_sees_it(client, member):
    client.force_login(member)

    response = client.post("/settings/profile", PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/people/ada"
    member.refresh_from_db()
    assert member.title == "Analyst at the Engine Works"
    assert member.interests == ["mathematics", "poetry"]
    assert member.expertise == ["engines", "bernoulli numbers"]
    assert member.links == ["https://example.org/ada"]
    client.logout()
    page = client.get("/people/ada").content.decode()
    for shown in ("Ada Lovelace", "@ada", "Analyst at the Engine Works",
                  "I write notes on engines.", "mathematics", "poetry", "bernoulli numbers",
                  'href="https://example.org/ada"'):
        assert shown in page


def test_a_profile_link_that_is_not_a_web_address_is_refused(client, member):
    client.force_login(member)

    response = client.post("/settings/profile", {**PROFILE, "links": "javascript:alert(1)"})

    assert response.status_code == 400
    assert "Not a web address: javascript:alert(1)" in response.content.decode()
    member.refresh_from_db()
    assert member.links == []


def test_an_empty_display_name_is_refused(client, member):
    client.force_login(member)

    response = client.post("/settings/profile", {**PROFILE, "display_name": "   "})

    assert response.status_code == 400
    assert "Your display name cannot be empty." in response.content.decode()


def test_an_uploaded_picture_becomes_a_256_pixel_square_png(client, member):
    client.force_login(member)

    response = client.post("/settings/profile", {**PROFILE, "avatar": _picture(800, 500)})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.avatar.name.endswith(".png")
    with member.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"
        assert image.size == (256, 256)
    page = client.get("/people/ada").content.decode()
    assert f'src="{member.avatar.url}"' in page


def test_a_file_that_is_not_a_picture_is_refused_with_a_clear_error(client, member):
    client.force_login(member)
    upload = SimpleUploadedFile("me.png", b"<?php echo 'not a picture'; ?>",
                                content_type="image/png")

    response = client.post("/settings/profile", {**PROFILE, "avatar": upload})

    assert response.status_code == 400
    assert "That file is not a picture we can read (PNG, JPEG, GIF or WebP)." in \
        response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_removing_the_picture_brings_back_the_initials(client, member):
    client.force_login(member)
    client.post("/settings/profile", {**PROFILE, "avatar": _picture(300, 300, "PNG")})

    client.post("/settings/profile", {**PROFILE, "remove_avatar": "1"})

    member.refresh_from_db()
    assert not member.avatar
    assert '<span class="avatar lg"' in client.get("/people/ada").content.decode()


def test_a_member_without_a_picture_is_shown_with_their_initials(client):
    make_user("grace", display_name="Grace Brewster Hopper")
    make_user("x_y", display_name="")

    page = client.get("/people/grace").content.decode()

    assert ">GB</span>" in page
    assert User.objects.get(username="x_y").initials == "XY"


def test_the_profile_lists_the_members_contributions(client, member):
    space = make_space("general")
    asked = make_thread(space, member, title="How do I descale the boiler?")
    other = make_thread(space, title="Best beans this season")
    make_reply(other, member, body="The Ethiopian ones.")

    page = client.get("/people/ada").content.decode()

    assert "Asked “How do I descale the boiler?”" in page
    assert "Replied to “Best beans this season”" in page
    assert f"/t/{asked.pk}#post-" in page
    assert "2 posts" in page


def test_an_unknown_or_deactivated_member_has_no_profile(client, member):
    User.objects.filter(pk=member.pk).update(is_active=False)

    assert client.get("/people/ada").status_code == 404
    assert client.get("/people/nobody").status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_MANAGER])
def test_admins_and_community_managers_set_a_members_kind(client, member, role):
    client.force_login(make_user("boss", role=role, kind=Kind.EMPLOYEE))

    response = client.post("/people/ada/kind", {"kind": Kind.PARTNER, "role": ""}, follow=True)

    assert response.status_code == 200
    assert "Ada Lovelace is now partner." in response.content.decode()
    member.refresh_from_db()
    assert member.kind == Kind.PARTNER


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.AGENT])
def test_nobody_else_can_set_a_kind_not_even_for_themselves(client, member, role):
    actor = make_user("someone", role=role)
    client.force_login(actor)

    response = client.post("/people/someone/kind", {"kind": Kind.EMPLOYEE, "role": "admin"},
                           follow=True)

    assert "Only an admin or community manager can change kinds and roles." in \
        response.content.decode()
    actor.refresh_from_db()
    assert (actor.kind, actor.role) == (Kind.CUSTOMER, role)


def test_only_an_admin_can_make_another_admin(client, member):
    client.force_login(make_user("cm", role=Role.COMMUNITY_MANAGER))

    response = client.post("/people/ada/kind", {"kind": Kind.EMPLOYEE, "role": Role.ADMIN},
                           follow=True)

    assert "Only an admin can make another admin." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_the_kind_form_is_shown_only_to_those_who_may_use_it(client, member):
    client.force_login(make_user("peer"))
    assert "Organization settings" not in client.get("/people/ada").content.decode()

    client.force_login(make_user("boss", role=Role.ADMIN))
    assert "Organization settings" in client.get("/people/ada").content.decode()


def test_employees_and_partners_are_marked_next_to_their_name_on_thread_pages(client):
    space = make_space("general")
    employee = make_user("emma", kind=Kind.EMPLOYEE, display_name="Emma Employee")
    partner = make_user("pat", kind=Kind.PARTNER, display_name="Pat Partner")
    customer = make_user("cat", display_name="Cat Customer")
    thread = make_thread(space, customer, title="Who answers here?")
    make_reply(thread, employee)
    make_reply(thread, partner)

    page = client.get(f"/t/{thread.pk}").content.decode()

    assert ('<a class="person" href="/people/emma">Emma Employee</a> '
            '<span class="badge employee"') in page
    assert ('<a class="person" href="/people/pat">Pat Partner</a> '
            '<span class="badge partner"') in page
    assert '<a class="person" href="/people/cat">Cat Customer</a> <span class="badge' not in page


def test_saving_the_profile_form_as_shown_keeps_everything(client, member):
    """The form shows what is stored, one link per line, so saving it untouched changes
    nothing (it once showed template code in the links box and refused to save)."""
    import html
    import re

    client.force_login(member)
    client.post("/settings/profile", {**PROFILE,
                                      "links": "https://example.org/ada\nhttps://ada.dev/"})
    page = client.get("/settings/profile").content.decode()
    assert "{{" not in page and "{%" not in page

    def value(name: str) -> str:
        field = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
        area = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
        assert field or area, name
        return html.unescape((field or area).group(1))  # type: ignore[union-attr]

    form = {name: value(name) for name in
            ("display_name", "title", "bio", "interests", "expertise", "links")}
    assert form["links"].split() == ["https://example.org/ada", "https://ada.dev/"]
    response = client.post("/settings/profile", {**form, "notify_by_email": "1"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.links == ["https://example.org/ada", "https://ada.dev/"]
    assert member.interests == ["mathematics", "poetry"]
