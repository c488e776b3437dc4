"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

`playwright install` cannot download browsers here, so the system Chromium is launched
directly. Playwright's sync API runs an event loop in the test thread, which makes Django
refuse ORM calls there unless DJANGO_ALLOW_ASYNC_UNSAFE is set; the tests only call the
ORM between browser steps, never concurrently with a request.

Use the `browser`, `page` and `new_page` fixtures below rather than starting Playwright in
a test module: one Chromium serves the whole session, and a second sync Playwright in the
same thread fails ("Sync API inside the asyncio loop").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"!!! BROWSER TESTS SKIPPED: {CHROMIUM} is missing; install Debian's "
                    "chromium package to run them !!!")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> list[str]:
    """The messages of every alert, confirm or prompt the pages opened."""
    return []


@pytest.fixture
def context(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200,
                                                                      "height": 900})
    context.set_default_timeout(30_000)  # a busy 2-core machine is slow
    yield context
    context.close()


@pytest.fixture
def page(context, dialogs) -> Iterator[object]:
    """A fresh tab with its own cookies; dialogs are recorded and dismissed."""
    page = context.new_page()

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    page.close()


@pytest.fixture
def new_page(browser, live_server, dialogs):
    """Opens more tabs, each with its own cookies: a second person at another computer."""
    opened = []

    def open_page():
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": 1200, "height": 900})
        context.set_default_timeout(30_000)  # a busy 2-core machine is slow
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        opened.append(context)
        return tab

    yield open_page
    for context in opened:
        context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    return SCREENSHOTS
