"""Log-in, sign-up and password reset are throttled against guessing and abuse."""

from __future__ import annotations

import pytest

from fireside.testing import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limits")]

TOO_MANY = "Too many attempts. Please wait up to 5 minutes and try again."


def test_after_ten_failed_logins_the_eleventh_answers_429_with_a_clear_message(client, member,
                                                                                settings):
    limit, _window = settings.RATE_LIMITS["login"]
    for _ in range(limit):
        response = client.post("/login", {"username": "ada", "password": "wrong-guess-123"})
        assert response.status_code == 200

    response = client.post("/login", {"username": "ada", "password": "wrong-guess-123"})

    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()


def test_a_throttled_client_cannot_log_in_even_with_the_right_password(client, member):
    for _ in range(10):
        client.post("/login", {"username": "ada", "password": "wrong-guess-123"})

    response = client.post("/login", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_guessing_one_account_from_many_addresses_is_throttled_too(client, member):
    for n in range(10):
        client.post("/login", {"username": "Ada", "password": "wrong-guess-123"},
                    REMOTE_ADDR=f"10.0.0.{n}")

    response = client.post("/login", {"username": "ada", "password": PASSWORD},
                           REMOTE_ADDR="10.0.1.1")

    assert response.status_code == 429


def test_another_client_is_not_throttled_by_someone_elses_failures(client, member):
    for _ in range(10):
        client.post("/login", {"username": "nobody", "password": "wrong-guess-123"},
                    REMOTE_ADDR="10.0.0.1")

    response = client.post("/login", {"username": "ada", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 302


def test_logging_in_successfully_all_day_from_one_office_is_never_throttled(
        client, member, settings):
    """A care team behind one address logs in and out all day: only failures count."""
    limit, _window = settings.RATE_LIMITS["login"]
    for _ in range(limit * 3):
        response = client.post("/login", {"username": "ada", "password": PASSWORD},
                               REMOTE_ADDR="10.0.0.7")
        assert response.status_code == 302
        client.post("/logout", REMOTE_ADDR="10.0.0.7")


def test_signing_up_is_limited_per_client(client, settings):
    limit, _window = settings.RATE_LIMITS["signup"]
    for n in range(limit):
        client.post("/join", {"email": f"new{n}@example.com", "handle": f"new{n}",
                              "display_name": "New", "password": PASSWORD})

    response = client.post("/join", {"email": "one-more@example.com", "handle": "onemore",
                                     "display_name": "One more", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_requests_are_limited_per_client(client, member, settings, mailoutbox):
    limit, _window = settings.RATE_LIMITS["password_reset"]
    for _ in range(limit):
        client.post("/password/reset", {"email": "ada@example.com"})

    response = client.post("/password/reset", {"email": "ada@example.com"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mailoutbox) == limit
