"""As a new user would: a member praises us three times on Mastodon, turns up as a
promoter with a "thank" task; staff complete it with a thank-you and points; the member
sees both on their profile and downloads an export with no staff-only field.
Screenshots land in screenshots/people/ to be looked at."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fireside.relationships.privacy import contains_staff_only
from fireside.relationships.tasks import standing_sweep
from fireside.relationships.testing import PRAISE, hear
from fireside.testing import PASSWORD, make_space, make_user

SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "people"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(browser: Any, base: str, handle: str) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#id_username", handle)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/")
    return page


def test_a_promoter_is_thanked_by_staff_and_sees_it_and_exports_their_data(
        browser: Any, live_server: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    make_space("espresso", name="Espresso corner", purpose="Pull better shots at home.")
    make_user("tom", role="community_manager", kind="employee", display_name="Tom Reyes")
    mia = make_user("mia", display_name="Mia Moreno")
    base = live_server.url

    # Three positive mentions on Mastodon, from Mia's handle there, through the ingest
    # pipeline; the scheduler's sweep then recomputes the standing of who was heard.
    hear(PRAISE, handle="@mia@brew.social", member=mia)
    standing_sweep.enqueue()

    staff = _log_in(browser, base, "tom")
    staff.click("nav >> text=Tasks")
    row = staff.locator("[data-testid=tasks] tr", has_text="Mia Moreno")
    row.locator("text=Thank this promoter").wait_for()
    staff.screenshot(path=str(SHOTS / "1-staff-task-list.png"), full_page=True)
    row.locator("text=Mia Moreno").click()
    staff.locator("[data-testid=standing]", has_text="Promoter").wait_for()
    assert "3 positive messages" in staff.inner_text("[data-testid=standing-reason]")
    staff.screenshot(path=str(SHOTS / "2-staff-person-page.png"), full_page=True)
    staff.go_back()
    row = staff.locator("[data-testid=tasks] tr", has_text="Mia Moreno")
    row.locator("text=Thank this promoter").click()
    staff.fill("#thank_you", "Thank you for telling everyone about the Flow grinder, Mia!")
    staff.fill("#points", "25")
    staff.fill("#note", "also sending a bag of the new roast")
    staff.screenshot(path=str(SHOTS / "3-staff-completes-task.png"), full_page=True)
    staff.click("button:has-text('Complete the task')")
    staff.locator(".msg", has_text="Done").wait_for()
    staff.screenshot(path=str(SHOTS / "4-staff-task-done.png"), full_page=True)

    member = _log_in(browser, base, "mia")
    member.click("nav >> .me")
    member.locator("[data-testid=thanks]",
                   has_text="Thank you for telling everyone about the Flow grinder").wait_for()
    assert member.inner_text("[data-testid=points]") == "25"
    body = member.inner_text("main")
    for word in ("promoter", "Promoter", "standing", "Thank this"):
        assert word not in body
    member.screenshot(path=str(SHOTS / "5-member-profile.png"), full_page=True)

    member.click("text=Your data")
    member.screenshot(path=str(SHOTS / "6-member-your-data.png"), full_page=True)
    with member.expect_download() as download:
        member.click("[data-testid=export]")
    data = json.loads(Path(download.value.path()).read_text())
    assert contains_staff_only(data) == []
    assert data["profile"]["handle"] == "mia"
    assert data["points"]["total"] == 25
    assert data["thanks_received"][0]["from"] == "tom"
    assert len(data["channel_messages"]) == 3

    member.click("nav >> text=Leaderboard")
    member.locator("[data-testid=leaderboard]", has_text="Mia Moreno").wait_for()
    member.screenshot(path=str(SHOTS / "7-leaderboard.png"), full_page=True)
