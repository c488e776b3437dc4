"""Every API error is JSON with a `detail`, whatever went wrong."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_wrong_method_answers_405_in_json_and_says_which_methods_fit() -> None:
    response = Client().delete("/api/v1/spaces")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Method DELETE not allowed here")
    assert "GET" in response["Allow"]


def test_an_unknown_api_address_answers_404_in_json() -> None:
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_a_page_outside_the_api_keeps_django_s_own_405() -> None:
    response = Client().put("/login")
    assert response.status_code in (405, 200, 403) and not response.get(
        "Content-Type", "").startswith("application/json")
