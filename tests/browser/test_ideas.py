"""A new member types an idea, finds a similar one and votes for it; a moderator ships it;
the voter hears about it and the author's profile shows the credit. Screenshots land in
screenshots/ideas/ to be looked at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fireside.ideas import similar
from fireside.ideas.testing import make_campaign, make_idea
from fireside.testing import PASSWORD, make_space, make_user

SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "ideas"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(browser: Any, base: str, handle: str) -> Any:
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.fill("#id_username", handle)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/")
    return page


def test_a_member_votes_for_a_similar_idea_and_hears_that_it_shipped(
        browser: Any, live_server: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    similar.reset_index()
    space = make_space("flavours", name="Flavours", purpose="Tell us what to brew next.")
    host = make_user("tom", role="community_manager", kind="employee", display_name="Tom Reyes")
    moderator = make_user("priya", role="moderator", kind="employee",
                          display_name="Priya Natarajan")
    author = make_user("alex", display_name="Alex Kim")
    campaign = make_campaign(space, host, title="What should we brew next?",
                             description="Suggest a flavour, vote for up to five.",
                             vote_budget=5)
    idea = make_idea(campaign, author, title="Oat milk pumpkin spice latte",
                     description="A seasonal latte that works with oat milk.")
    make_idea(campaign, make_user("sam"), title="Maple pecan winter blend")
    make_user("newbie", display_name="Nora Newbie")
    base = live_server.url

    voter = _log_in(browser, base, "newbie")
    voter.click("nav >> text=Ideas")
    voter.click("text=What should we brew next?")
    voter.click("#idea-title")
    voter.keyboard.type("pumpkin latte with oat milk", delay=40)
    hit = voter.locator("[data-testid=similar-hit]", has_text="Oat milk pumpkin spice latte")
    hit.wait_for(timeout=10_000)
    voter.screenshot(path=str(SHOTS / "1-similar-while-typing.png"), full_page=True)
    hit.click()
    voter.wait_for_url(f"{base}/ideas/{idea.pk}")
    voter.click(f"[data-testid=vote-{idea.pk}]")
    voter.locator(f"[data-testid=vote-{idea.pk}]", has_text="Voted").wait_for()
    assert voter.locator(f"[data-testid=vote-{idea.pk}] .n").inner_text() == "1"
    voter.screenshot(path=str(SHOTS / "2-voted.png"), full_page=True)

    mod = _log_in(browser, base, moderator.username)
    mod.goto(f"{base}/ideas/{idea.pk}")
    mod.select_option("#status", "shipped")
    mod.fill("#reason", "In every box from November.")
    mod.click("button:has-text('Update status')")
    mod.locator(f"[data-testid=status-{idea.pk}]", has_text="Shipped").wait_for()
    mod.screenshot(path=str(SHOTS / "3-moderator-shipped.png"), full_page=True)

    voter.goto(f"{base}/")
    assert voter.locator("[data-testid=unread-count]").inner_text() == "1"
    voter.click("nav >> text=Notifications")
    note = voter.locator("[data-testid=notification]").first
    assert "The idea you voted for, “Oat milk pumpkin spice latte”, has shipped" in (
        note.inner_text())
    voter.screenshot(path=str(SHOTS / "4-notification.png"), full_page=True)
    note.locator("a").click()
    voter.wait_for_url(f"{base}/ideas/{idea.pk}")

    voter.goto(f"{base}/people/alex")
    credits = voter.locator("[data-testid=idea-credits]")
    assert "Oat milk pumpkin spice latte" in credits.inner_text()
    voter.screenshot(path=str(SHOTS / "5-author-credit.png"), full_page=True)

    voter.goto(f"{base}/ideas/roadmap")
    assert "Oat milk pumpkin spice latte" in voter.locator(
        "[data-testid=roadmap-shipped]").inner_text()
    voter.screenshot(path=str(SHOTS / "6-roadmap.png"), full_page=True)
    voter.goto(f"{base}/ideas/c/{campaign.slug}/results")
    voter.wait_for_timeout(500)
    voter.screenshot(path=str(SHOTS / "7-results.png"), full_page=True)


def test_a_vote_past_the_budget_says_why_on_the_page(browser: Any, live_server: Any) -> None:
    """A refused in-place action explains itself in the page (not a dialog, not silence)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    space = make_space("names", name="Names", purpose="Name our new roast.")
    host = make_user("tom", role="community_manager", kind="employee")
    campaign = make_campaign(space, host, title="Name the roast", vote_budget=1)
    first = make_idea(campaign, make_user("sam"), title="Ember Glow")
    second = make_idea(campaign, make_user("ana"), title="Night Shift")
    make_user("newbie", display_name="Nora Newbie")
    base = live_server.url

    voter = _log_in(browser, base, "newbie")
    dialogs: list[str] = []
    voter.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    voter.goto(f"{base}/ideas/c/{campaign.slug}")
    voter.click(f"[data-testid=vote-{first.pk}]")
    voter.locator(f"[data-testid=vote-{first.pk}]", has_text="Voted").wait_for()
    voter.click(f"[data-testid=vote-{second.pk}]")
    toast = voter.locator("#toast")
    toast.wait_for(state="visible")
    assert "used your one vote" in toast.inner_text()
    assert dialogs == []
    voter.screenshot(path=str(SHOTS / "5-vote-past-the-budget.png"), full_page=False)
