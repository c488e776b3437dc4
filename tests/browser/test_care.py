"""Care in a browser, as a new agent meets it: a complaint arrives through the signed
webhook and waits in the inbox with its clock; an agent answers and the clock stops.
Then 30 similar complaints arrive, the scheduler proposes one incident, the agent
confirms it, acknowledges it once and follows up once, and each of the 30 conversations
shows both. Screenshots go to screenshots/care/.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fireside.care.models import Conversation, Incident
from fireside.listening.actions import do_create_channel
from fireside.listening.models import Channel
from fireside.listening.schedule import enqueue_due
from fireside.testing import PASSWORD, make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACK = "We know the Ember app won't load for some of you; the team is on it."
FOLLOW_UP = "The Ember app is back: you can log in again. Sorry for the trouble this morning!"
OUTAGE = ("The Ember app won't load and I can't log in.",
          "Ember app won't load, can't log in this morning.",
          "Is the Ember app down? It won't load and I can't log in.",
          "Can't log in to the Ember app, it won't load at all.")


def _send(base: str, channel: Channel, messages: list[dict[str, str]]) -> dict[str, Any]:
    """What a shop or a form would do: POST the JSON, signed with the channel's secret."""
    body = json.dumps({"messages": messages}).encode()
    signature = "sha256=" + hmac.new(channel.secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 - the live server, over http
        f"{base}/api/v1/listening/webhook/{channel.pk}", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Fireside-Signature": signature})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())  # type: ignore[no-any-return]


def _message(key: str, author: str, name: str, text: str, minutes_ago: float) -> dict[str, str]:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return {"id": key, "author": author, "author_name": name, "text": text,
            "created_at": at.isoformat()}


def test_a_complaint_is_answered_then_an_outage_is_handled_as_one_incident(
        page: Any, live_server: Any, screenshot_dir: Path) -> None:
    shots = screenshot_dir / "care"
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    make_user("lena", role="agent", kind="employee", display_name="Lena Fischer")
    shop = do_create_channel("Shop contact form", "webhook")

    # A complaint arrives through the webhook and waits in the inbox with its clock.
    stored = _send(base, shop, [_message("c-1", "jo@example.com", "Jo Marsh",
                                         "My grinder arrived with a cracked hopper lid. "
                                         "Order #E20417. What now?", 12)])
    assert stored["stored"] == 1
    page.goto(f"{base}/login")
    page.fill("#id_username", "lena")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/")
    page.click("nav >> text=Inbox")
    row = page.locator("[data-testid=inbox-row]", has_text="cracked hopper lid")
    assert re.fullmatch(r"due in 4\d min", row.locator("[data-testid=clock]").inner_text())
    page.screenshot(path=str(shots / "1-inbox-with-clock.png"), full_page=True)

    # The agent answers; the clock stops.
    row.locator("a.title").click()
    page.fill("#reply-text", "Sorry, Jo! A new lid is on its way today, no need to send "
                             "anything back.")
    page.click("[data-testid=send-reply]")
    assert page.locator("[data-testid=clock]").inner_text() == "clock stopped"
    assert page.locator("[data-testid=message]").count() == 2
    page.screenshot(path=str(shots / "2-answered-clock-stopped.png"), full_page=True)
    page.click("nav >> text=Inbox")
    assert page.locator("[data-testid=inbox-row]", has_text="cracked hopper").count() == 0

    # Thirty people report the same outage within minutes.
    burst = [_message(f"o-{i}", f"customer{i}@example.com", f"Customer {i}",
                      OUTAGE[i % len(OUTAGE)], 20 - i * 0.5) for i in range(30)]
    assert _send(base, shop, burst)["stored"] == 30
    enqueue_due()  # the scheduler's pass: incident detection among the periodic tasks
    assert Incident.objects.count() == 1
    page.reload()
    assert page.locator("[data-testid=inbox-row]").count() == 30
    page.screenshot(path=str(shots / "3-inbox-outage.png"), full_page=True)
    page.click("[data-testid=incident-link]")
    assert page.locator("[data-testid=incident-state]").inner_text() == "Proposed"
    page.screenshot(path=str(shots / "4-incident-proposed.png"), full_page=True)

    page.click("[data-testid=confirm]")
    page.fill("#ack", ACK)
    page.click("[data-testid=acknowledge]")
    page.screenshot(path=str(shots / "5-incident-acknowledged.png"), full_page=True)
    page.fill("#fu", FOLLOW_UP)
    page.click("[data-testid=follow-up]")
    assert page.locator("[data-testid=incident-state]").inner_text() == "Fixed"
    page.screenshot(path=str(shots / "6-incident-followed-up.png"), full_page=True)

    # Each of the 30 conversations shows the acknowledgment and the follow-up, once each.
    incident = Incident.objects.get()
    conversations = list(Conversation.objects.filter(incident=incident))
    assert len(conversations) == 30
    for conv in conversations:
        page.goto(f"{base}/care/c/{conv.pk}")
        texts = page.locator("[data-testid=message] .body").all_inner_texts()
        assert texts.count(ACK) == 1 and texts.count(FOLLOW_UP) == 1, texts
    page.screenshot(path=str(shots / "7-conversation-in-incident.png"), full_page=True)
    for conv in conversations:
        conv.refresh_from_db()
        assert conv.first_response_at == incident.acknowledged_at
        assert conv.status == "resolved"
