"""Error pages look like the community and tell a visitor what they can do next."""

from __future__ import annotations

import pytest
from django.test import Client

from fireside.testing import make_space, make_thread, make_user, without_csrf

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_branded_and_offers_a_log_in_to_visitors(client: Client) -> None:
    response = client.get("/t/999999")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="not-found"' in page and 'class="topbar"' in page
    assert 'href="/login" data-login-back' in page  # fireside.js adds ?next=<this page>


def test_a_members_only_thread_answers_a_visitor_exactly_as_a_missing_one(
        client: Client) -> None:
    """The log-in offer is on every 404, so it tells nobody that the thread exists."""
    lounge = make_space("lounge", visibility="members")
    thread = make_thread(lounge, make_user("sam"), title="Secret handshake")
    hidden = client.get(f"/t/{thread.pk}")
    missing = client.get("/t/999999")
    assert hidden.status_code == missing.status_code == 404
    assert "Secret handshake" not in hidden.content.decode()
    assert without_csrf(hidden.content) == without_csrf(missing.content)


def test_a_member_is_not_asked_to_log_in_again(client: Client) -> None:
    client.force_login(make_user("ana"))
    page = client.get("/t/999999").content.decode()
    assert 'data-testid="not-found"' in page and "data-login-back" not in page
