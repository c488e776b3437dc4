"""Classic script-injection payloads, written everywhere a member can write, run nowhere.

Members put the payloads in thread titles, posts, replies, tags, flags, display names and
profile titles, bios, interests and links (a space is named with them too). A moderator
who follows everything then opens every page in Chromium and clicks the links in posts;
no payload may set `window.__xss`, open a dialog, or leave an inline script, an event
handler attribute, a javascript: link or a frame in the page.
"""

from __future__ import annotations

import pytest

from fireside.community import actions
from fireside.community.models import Post, Space
from fireside.people import actions as people_actions
from fireside.people.models import Role
from fireside.testing import PASSWORD, make_space, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=window.__xss=1>",
    "[click](javascript:window.__xss=1)",
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:window.__xss=1">x</a>',
    '<a href="&#106;avascript:window.__xss=1">encoded</a>',
    '<iframe src="javascript:window.__xss=1">',
    '![x](x" onerror="window.__xss=1)',
    "![x](javascript:window.__xss=1)",
    "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "{{7*7}} {% debug %}",
    "<details open ontoggle=window.__xss=1>",
    '<a hx-get="/" hx-trigger="load" hx-on::after-request="window.__xss=1">hx</a>',
    '<div hx-on:click="window.__xss=1" style="position:fixed;inset:0">cover</div>',
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "`<script>window.__xss=1</script>`",
    "<object data=\"javascript:window.__xss=1\"></object><embed src=x>",
]
EVERYTHING = "zebra " + "\n\n".join(PAYLOADS)

# Run in the page after every load: whatever a payload could have left behind.
INSPECT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith('on')) found.push(`${el.tagName} ${attr}`);
      if (attr.startsWith('hx-') && el.closest('.body, .bio, .chip, h1, .purpose'))
        found.push(`${el.tagName} ${attr} in content`);
    }
    for (const attr of ['href', 'src', 'action', 'data', 'formaction']) {
      const value = (el.getAttribute(attr) || '').trim().toLowerCase();
      if (value && !/^(https?:|mailto:|\\/|#|\\?)/.test(value))
        found.push(`${el.tagName} ${attr}=${value}`);
    }
  }
  for (const s of document.scripts)
    if (!s.src || !new URL(s.src).pathname.startsWith('/static/')) found.push('inline script');
  for (const tag of ['iframe', 'object', 'embed', 'frame'])
    if (document.getElementsByTagName(tag).length) found.push(tag);
  return {xss: window.__xss === undefined ? null : String(window.__xss), found};
}"""


def _world(live_server) -> dict:
    """Attackers write everywhere; the victim moderates, follows and gets mentioned."""
    victim = make_user("victim", role=Role.MODERATOR, display_name="Vera Victim")
    space = make_space("general", name='General <img src=x onerror="window.__xss=1">',
                       purpose="<script>window.__xss=1</script> purpose")
    Space.objects.filter(pk=space.pk).update(
        description="<svg onload=window.__xss=1> description",
        attribution='<a href="javascript:window.__xss=1">credit</a>')
    actions.do_follow(victim, space=space)
    threads = []
    for n, payload in enumerate(PAYLOADS):
        attacker = make_user(f"attacker{n}", display_name=payload[:80])
        people_actions.check_update_profile(
            attacker, display_name=payload[:80], title=payload[:120], bio=EVERYTHING,
            interests=[payload[:40]], expertise=[payload[:40]],
            links=[f'https://example.org/?q="><script>window.__xss=1</script>{n}'],
            notify_by_email=False)
        title = f"zebra {payload}"[:200]
        thread = actions.check_create_thread(attacker, space, title=title,
                                             body=f"{EVERYTHING}\n\n@victim",
                                             kind="question", tags=[payload[:50]])
        threads.append(thread)
    main = threads[0]
    for n, _payload in enumerate(PAYLOADS[:8]):
        attacker = make_user(f"replier{n}", display_name=PAYLOADS[n][:80])
        reply = actions.check_reply(attacker, main, body=f"{PAYLOADS[n]} @victim zebra")
        actions.check_flag(make_user(), reply, PAYLOADS[n])
    opening = Post.objects.get(thread=main, is_opening=True)
    actions.check_edit_post(main.author, opening, body=EVERYTHING[::-1], title=main.title)
    return {"victim": victim, "main": main, "opening": opening,
            "quiet": threads[-1], "space": space}


def _check(page, dialogs, where: str) -> list[str]:
    result = page.evaluate(INSPECT)
    problems = [f"{where}: {item}" for item in result["found"]]
    if result["xss"] is not None:
        problems.append(f"{where}: window.__xss = {result['xss']}")
    if dialogs:
        problems.append(f"{where}: dialogs {dialogs}")
    return problems


def test_no_payload_runs_on_any_page(page, live_server, dialogs, screenshot_dir):
    world = _world(live_server)
    main, opening = world["main"], world["opening"]
    page.goto("/login")
    page.fill("#id_username", "victim")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")

    paths = [
        "/", "/s/general", f"/t/{main.pk}", f"/t/{world['quiet'].pk}",
        "/search?q=zebra", "/search?q=" + "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
        "/search?q=zebra&space=general", "/people/attacker0", "/people/attacker1",
        "/people/attacker4", "/notifications", "/moderation", "/unanswered", "/about",
        f"/p/{opening.pk}/history", f"/p/{opening.pk}/edit", "/s/general/new",
    ]
    problems: list[str] = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        problems += _check(page, dialogs, path)

    # Click every link inside what members wrote that stays on this site or goes nowhere.
    page.goto(f"/t/{main.pk}")
    bodies = page.locator(".body a")
    for i in range(bodies.count()):
        link = bodies.nth(i)
        href = link.get_attribute("href") or ""
        if href.startswith("http"):
            continue  # the checks above made sure it is http(s), not script
        if href.startswith("/"):
            with page.expect_navigation():
                link.click()
        else:  # no href at all, since the sanitizer took a javascript: one away
            link.click()
            page.wait_for_timeout(50)
        problems += _check(page, dialogs, f"after clicking {href or 'a link'}")
        page.goto(f"/t/{main.pk}")
    page.goto("/notifications")
    with page.expect_navigation():
        page.locator("[data-testid=notification] a").first.click()
    problems += _check(page, dialogs, "an opened notification")

    page.goto(f"/t/{main.pk}")
    screenshot_dir.joinpath("xss").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_dir / "xss" / "thread.png"), full_page=False)
    page.goto("/people/attacker1")
    page.screenshot(path=str(screenshot_dir / "xss" / "profile.png"), full_page=False)

    assert problems == []
    assert dialogs == []
    page.goto(f"/t/{world['quiet'].pk}")
    assert "{{7*7}} {% debug %}" in page.locator("article.post .body").first.inner_text()


def test_the_inspection_catches_a_payload_that_runs(page, dialogs):
    """The checks above would see a payload that got through."""
    page.goto("/")
    page.evaluate("""() => {
        const div = document.createElement('div');
        div.innerHTML = '<img src=x onerror="window.__xss=1"><a href="javascript:void(0)">x</a>';
        document.body.appendChild(div);
    }""")
    page.wait_for_function("window.__xss === 1")

    problems = _check(page, dialogs, "/")

    assert "/: window.__xss = 1" in problems
    assert "/: IMG onerror" in problems
    assert "/: A href=javascript:void(0)" in problems
