"""Joining, verifying the e-mail address, logging in and out, and resetting a password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password

from fireside.community.models import Thread
from fireside.people.models import User
from fireside.testing import PASSWORD, make_space, make_user

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "Grace@Example.com", "handle": "grace", "display_name": "Grace Hopper",
          "password": PASSWORD}


def _link(body: str) -> str:
    """The path of the first link in an e-mail body."""
    match = re.search(r"https?://\S+", body)
    assert match, body
    return urlsplit(match.group(0)).path


def _signup(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/join", {**SIGNUP, **overrides})


def test_signing_up_creates_an_unverified_member_and_mails_a_link(
        client, mailoutbox, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get(username="grace")
    assert user.email == "grace@example.com"
    assert user.display_name == "Grace Hopper"
    assert user.kind == "customer" and user.role == ""
    assert not user.email_verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["grace@example.com"]
    assert "/verify/" in mailoutbox[0].body


def test_following_the_link_in_the_mail_verifies_the_account_and_logs_in(
        client, mailoutbox, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks)

    response = client.get(_link(mailoutbox[0].body), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert "Welcome, Grace Hopper! Your e-mail address is confirmed." in response.content.decode()
    user = User.objects.get(username="grace")
    assert user.email_verified
    assert response.context["user"] == user


def test_a_forged_verification_link_is_refused(client):
    response = client.get("/verify/not-a-real-token")

    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()


def test_signing_up_twice_with_one_address_is_refused(client, django_capture_on_commit_callbacks):
    make_user("someone", display_name="Someone")
    User.objects.filter(username="someone").update(email="grace@example.com")

    response = _signup(client, django_capture_on_commit_callbacks, handle="grace2")

    assert response.status_code == 409
    assert "An account with this e-mail address exists" in response.content.decode()


def test_signing_up_with_a_common_password_is_refused(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, password="password123")

    assert response.status_code == 400
    assert "too common" in response.content.decode()
    assert not User.objects.filter(username="grace").exists()


def test_signing_up_with_a_bad_handle_is_refused(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, handle="no spaces!")

    assert response.status_code == 400
    assert "A handle is 2 to 30 letters" in response.content.decode()


def test_an_unverified_member_can_log_in_but_cannot_post(client, django_capture_on_commit_callbacks,
                                                          mailoutbox):
    space = make_space("general")
    _signup(client, django_capture_on_commit_callbacks)
    client.post("/login", {"username": "grace", "password": PASSWORD})

    page = client.post("/s/general/new", {"title": "My first question", "body": "Hello?",
                                          "kind": "question", "tags": ""})
    api = client.post(f"/api/v1/spaces/{space.slug}/threads",
                      {"title": "Through the API", "body": "Hello?"},
                      content_type="application/json")

    assert page.status_code == 403
    assert "Verify your e-mail address before posting." in page.content.decode()
    assert api.status_code == 403
    assert api.json() == {"detail": "Verify your e-mail address before posting."}
    assert not Thread.objects.exists()


@pytest.mark.parametrize("name", ["ada@example.com", "ADA@example.com", "ada", "Ada"])
def test_a_member_logs_in_by_email_address_or_handle(client, member, name):
    response = client.post("/login", {"username": name, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_wrong_password_does_not_log_in(client, member):
    response = client.post("/login", {"username": "ada", "password": "wrong-password-123"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Please enter a correct" in response.content.decode()


def test_an_imported_member_who_has_not_claimed_the_account_cannot_log_in(client, member):
    User.objects.filter(pk=member.pk).update(is_claimed=False)

    client.post("/login", {"username": "ada", "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client, member):
    client.force_login(member)

    response = client.post("/logout")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not client.get("/").context["user"].is_authenticated


def test_a_forgotten_password_is_reset_through_the_mailed_link(client, member, mailoutbox):
    response = client.post("/password/reset", {"email": "ada@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.com"]

    confirm = client.get(_link(mailoutbox[0].body))
    assert confirm.status_code == 302  # Django swaps the token for a session key
    form_page = client.get(confirm["Location"])
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    done = client.post(confirm["Location"], {"new_password1": "a-brand-new-passphrase",
                                             "new_password2": "a-brand-new-passphrase"})
    assert done.status_code == 302
    assert done["Location"] == "/password/reset/done"

    member.refresh_from_db()
    assert member.check_password("a-brand-new-passphrase")
    assert not member.check_password(PASSWORD)
    assert client.post("/login", {"username": "ada", "password": "a-brand-new-passphrase"}
                       ).status_code == 302


def test_a_used_password_reset_link_no_longer_works(client, member, mailoutbox):
    client.post("/password/reset", {"email": "ada@example.com"})
    link = _link(mailoutbox[0].body)
    confirm = client.get(link)
    client.post(confirm["Location"], {"new_password1": "a-brand-new-passphrase",
                                      "new_password2": "a-brand-new-passphrase"})

    again = client.get(link, follow=True)

    assert again.status_code == 200
    assert not again.context["validlink"]
    assert "This link is no longer valid." in again.content.decode()


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client,
                                                                                  mailoutbox):
    response = client.post("/password/reset", {"email": "nobody@example.com"}, follow=True)

    assert response.status_code == 200
    assert "If an account uses that address" in response.content.decode()
    assert mailoutbox == []


def test_production_settings_hash_passwords_with_argon2(settings):
    import fireside.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    encoded = make_password("a-brand-new-passphrase")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert encoded.startswith("argon2$argon2id$")


def test_the_test_settings_use_the_fast_md5_hasher(settings):
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
