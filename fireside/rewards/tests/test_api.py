"""Rewards through the API: thanks, points, badges, leaderboards and introductions."""

from __future__ import annotations

import pytest

from fireside.testing import make_space, make_user

pytestmark = pytest.mark.django_db


def test_staff_give_points_and_a_badge_and_the_leaderboard_shows_them(member, manager, client):
    make_space("brewing")
    client.force_login(manager)
    answer = client.post("/api/v1/rewards/points", {"to": "mia", "points": 60,
                                                    "reason": "Hosted the cupping"},
                         content_type="application/json")
    assert answer.status_code == 201 and answer.json()["total"] == 60
    assert client.post("/api/v1/rewards/badges/community-hero/award", {"to": "mia"},
                       content_type="application/json").status_code == 201
    rep = client.get("/api/v1/people/mia/reputation").json()
    assert rep["level"] == "Regular"
    assert [b["slug"] for b in rep["badges"]] == ["community-hero"]
    client.logout()
    board = client.get("/api/v1/leaderboard?period=week").json()
    assert board["rows"][0] == {"rank": 1, "member": {"handle": "mia",
                                                      "display_name": "Mia Member"},
                                "points": 60}
    assert client.get("/api/v1/leaderboard?space=nowhere").status_code == 404


def test_members_thank_and_introduce_but_cannot_give_points(member, client):
    other = make_user("oscar")
    client.force_login(member)
    assert client.post("/api/v1/thanks", {"to": "oscar", "message": "Thanks!"},
                       content_type="application/json").status_code == 201
    assert client.post("/api/v1/rewards/points", {"to": "oscar", "points": 5, "reason": "x"},
                       content_type="application/json").status_code == 403
    made = client.post("/api/v1/introductions", {"first": "mia", "second": "oscar",
                                                 "message": "Say hi"},
                       content_type="application/json")
    assert made.status_code == 201
    client.force_login(other)
    assert client.get("/api/v1/me/introductions").json()[0]["message"] == "Say hi"
    assert client.put("/api/v1/me/introductions/preference", {"allowed": False},
                      content_type="application/json").json() == {"introductions_allowed": False}


def test_the_pages_work_without_javascript(member, client):
    other = make_user("oscar")
    client.force_login(member)
    client.post("/people/oscar/thank", {"message": "Great tip on grind size"})
    assert "Great tip on grind size" in client.get("/people/oscar").content.decode()
    client.post("/meet", {"second": "oscar", "message": "Let's brew together"})
    assert "Let&#x27;s brew together" in client.get("/meet").content.decode()
    client.post("/meet/preference", {"allowed": "0"})
    assert "not suggested or introduced" in client.get("/meet").content.decode()
    assert client.get("/leaderboard?period=all").status_code == 200
    del other
