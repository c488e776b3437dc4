"""Staff set a goal, open each measure dashboard and see its charts drawn; the scorecard
shows evidence for every dimension. Screenshots land in screenshots/measure/."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fireside.community.models import Post, Thread
from fireside.measure import rollups
from fireside.measure.models import Goal
from fireside.testing import PASSWORD, make_reply, make_space, make_thread, make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = (("overview", "/measure/"), ("health", "/measure/health"),
         ("community", "/measure/community"), ("goals", "/measure/goals"),
         ("roi", "/measure/roi"), ("planning", "/measure/planning"),
         ("scorecard", "/measure/scorecard"), ("report", "/measure/report"))
# Every chart on the page has a Chart.js instance and paints pixels that are not blank.
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {
  const chart = window.Chart && Chart.getChart(c);
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
  return {id: c.dataset.chart, chart: !!chart, painted: painted};
})"""


def _history() -> None:
    staff = make_user("maya", role="admin", kind="employee", display_name="Maya Okafor")
    members = [make_user(f"member{i}") for i in range(4)]
    spaces = [make_space("brewing", name="Brewing help"), make_space("orders", name="Orders")]
    now = timezone.now()
    for week in range(8, 0, -1):
        for n in range(2 + (8 - week) // 2):
            started = now - timedelta(weeks=week, hours=n * 7)
            thread = make_thread(spaces[n % 2], members[n % 4], kind="question")
            Thread.objects.filter(pk=thread.pk).update(created_at=started)
            Post.objects.filter(thread=thread).update(created_at=started)
            reply = make_reply(thread, staff if n % 3 else members[(n + 1) % 4])
            Post.objects.filter(pk=reply.pk).update(created_at=started + timedelta(minutes=40))
    rollups.recompute()


def test_staff_set_a_goal_and_every_dashboard_draws_its_charts(page: Any, live_server: Any,
                                                               screenshot_dir: Any) -> None:
    shots = screenshot_dir / "measure"
    shots.mkdir(parents=True, exist_ok=True)
    _history()
    page.goto("/login?next=/measure/")
    page.fill("#id_username", "maya")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{live_server.url}/measure/")
    assert page.locator("nav a:has-text('Measure')").count() == 1
    page.click(".measure-tabs a:has-text('Goals')")
    form = page.locator("[data-testid=goal-form]")
    form.locator("input[name=name]").fill("Answer fast")
    form.locator("select[name=metric]").select_option("median_first_response_hours")
    form.locator("input[name=target]").fill("1")
    form.locator("button").click()
    page.wait_for_selector("[data-testid=goal]")
    assert Goal.objects.get().name == "Answer fast"
    for name, path in PAGES:
        page.goto(path)
        page.wait_for_function("document.querySelectorAll('canvas[data-drawn=\"1\"]').length"
                               " === document.querySelectorAll('canvas[data-chart]').length")
        charts = page.evaluate(CHARTS_DRAWN)
        assert charts, f"{name} has no chart"
        for chart in charts:
            assert chart["chart"] and chart["painted"] > 500, (name, chart)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    page.goto("/measure/scorecard")
    for key in ("planning", "presences", "commitment", "relationships"):
        evidence = page.locator(f"[data-testid=dimension-{key}] .evidence li")
        assert evidence.count() >= 2, key
