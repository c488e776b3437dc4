"""A new member's first visit, in Chromium: join, confirm the e-mail address, ask a question,
get an answer from another member, accept it; the answerer sees the notification.

Screenshots of every step land in screenshots/walkthrough/ (git-ignored) for a person to
look at: the test checks behaviour, the pictures show whether it looks right.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from fireside.community.models import Thread
from fireside.testing import PASSWORD, make_space, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Why does my espresso taste sour?"


def test_a_new_member_asks_gets_an_answer_and_accepts_it(page, new_page, live_server,
                                                         screenshot_dir, dialogs):
    shots = screenshot_dir / "walkthrough"
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()

    def shot(tab, name: str) -> None:
        tab.screenshot(path=str(shots / f"{name}.png"))  # what the person sees

    make_space("espresso", name="Espresso", purpose="Pulling better shots at home: "
               "grinders, machines, beans and technique.")
    make_user("bruno", display_name="Bruno Barista")
    mail.outbox.clear()

    # 1. Alice joins.
    page.goto("/")
    shot(page, "01-home-visitor")
    page.get_by_role("link", name="Join", exact=True).click()
    page.fill("#email", "alice@example.com")
    page.fill("#display_name", "Alice Martin")
    page.fill("#handle", "alice")
    page.fill("#password", PASSWORD)
    shot(page, "02-signup-form")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    shot(page, "03-check-your-email")

    # 2. She opens the link in the e-mail.
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    link = re.search(r"https?://\S+/verify/\S+", message.body).group(0)
    page.goto(urlsplit(link).path)
    assert page.locator(".msg.success").inner_text() == (
        "Welcome, Alice Martin! Your e-mail address is confirmed.")
    shot(page, "04-verified-and-signed-in")

    # 3. She asks a question in a space.
    page.get_by_role("link", name=re.compile("^Espresso")).first.click()
    assert "Pulling better shots at home" in page.locator(".purpose").inner_text()
    shot(page, "05-space")
    page.get_by_role("link", name="Ask a question").click()
    page.fill("#title", QUESTION)
    page.fill("#body", "Fresh beans, 18 g in, 36 g out in **22 s**. It still tastes sour.")
    page.fill("#tags", "extraction, taste")
    shot(page, "06-ask-form")
    page.get_by_role("button", name="Post").click()
    page.get_by_role("heading", name=QUESTION).wait_for()
    thread = Thread.objects.get(title=QUESTION)
    assert page.url.endswith(f"/t/{thread.pk}")
    shot(page, "07-question-posted")

    # 4. Bruno logs in through the form and answers.
    bruno = new_page()
    bruno.goto("/login")
    bruno.fill("#id_username", "bruno@example.com")
    bruno.fill("#id_password", PASSWORD)
    shot(bruno, "08-second-member-login")
    bruno.get_by_role("button", name="Log in", exact=True).click()
    bruno.get_by_role("link", name="Unanswered", exact=True).click()
    shot(bruno, "09-unanswered")
    bruno.get_by_role("link", name=QUESTION).first.click()
    bruno.fill("#reply-body", "Sour means under-extracted: grind finer so the shot runs "
                              "closer to 28 s.")
    bruno.get_by_role("button", name="Post answer").click()
    bruno.get_by_text("grind finer so the shot runs").wait_for()
    shot(bruno, "10-answer-posted")

    # 5. Alice logs out, logs in again through the form and accepts the answer.
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in", exact=True).click()
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    shot(page, "11-asker-back-with-a-notification")
    page.get_by_role("link", name="Notifications", exact=True).click()
    assert "Bruno Barista replied in “" + QUESTION + "”" in page.get_by_test_id(
        "notification").inner_text()
    page.get_by_test_id("notification").get_by_role("link").click()
    answer = thread.posts.get(is_opening=False)
    page.get_by_test_id(f"accept-{answer.pk}").click()
    page.get_by_text("✓ Accepted answer").wait_for()
    assert "Marked as the accepted answer" in page.locator(".msg.success").inner_text()
    shot(page, "12-answer-accepted")
    thread.refresh_from_db()
    assert thread.accepted_post_id == answer.pk

    # The static files are served, so htmx enhances the buttons: a like updates in place.
    assert page.evaluate("typeof window.htmx") == "object"
    url = page.url
    page.get_by_test_id(f"like-{answer.pk}").click()
    page.wait_for_selector(f"[data-testid=like-{answer.pk}][aria-pressed=true]")
    assert page.get_by_test_id(f"like-{answer.pk}").inner_text() == "Like 1"
    assert page.url == url

    # 6. Bruno sees the bell and the notification.
    bruno.reload()
    assert bruno.get_by_test_id("unread-count").inner_text() == "1"
    shot(bruno, "13-answerer-bell")
    bruno.get_by_role("link", name="Notifications", exact=True).click()
    notification = bruno.get_by_test_id("notification").first
    assert f"Alice Martin accepted your answer in “{QUESTION}”" in notification.inner_text()
    shot(bruno, "14-answerer-notifications")
    notification.get_by_role("link").click()
    bruno.locator("article.post.accepted").wait_for()
    assert bruno.get_by_test_id("unread-count").count() == 0
    shot(bruno, "15-answerer-reads-it")

    subjects = sorted((m.to[0], m.subject) for m in mail.outbox[1:])
    assert subjects == [
        ("alice@example.com", f"Bruno Barista replied in “{QUESTION}”"),
        ("bruno@example.com", f"Alice Martin accepted your answer in “{QUESTION}”"),
    ]
    assert dialogs == []
