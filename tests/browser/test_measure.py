"""On the demo organization, as a new staff member would: set a goal, open each measure
dashboard and see its charts drawn; the scorecard shows evidence for every dimension.
Screenshots land in the test's temporary folder (measure/), to be looked at."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from fireside.demo import load_demo
from fireside.measure.models import Goal

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = (("overview", "/measure/"), ("health", "/measure/health"),
         ("community", "/measure/community"), ("goals", "/measure/goals"),
         ("roi", "/measure/roi"), ("planning", "/measure/planning"),
         ("scorecard", "/measure/scorecard"), ("report", "/measure/report"))
DIMENSIONS = ("planning", "presences", "commitment", "relationships")
# Every chart on the page has a Chart.js instance and paints pixels that are not blank.
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {
  const chart = window.Chart && Chart.getChart(c);
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
  const points = chart ? chart.data.datasets.reduce(
    (n, d) => n + d.data.filter(v => v !== null && v !== undefined).length, 0) : 0;
  return {id: c.dataset.chart, chart: !!chart, painted: painted, points: points};
})"""


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> dict[str, str]:
    """The `fireside demo` organization; returns each staff e-mail's password."""
    settings.DATA_DIR = tmp_path  # the demo keeps its log-ins there
    return {login.email: login.password for login in load_demo().rows}


def test_staff_set_a_goal_and_every_dashboard_of_the_demo_draws_its_charts(
        page: Any, live_server: Any, demo: dict[str, str], tmp_path: Path) -> None:
    shots = tmp_path / "measure"
    shots.mkdir()
    page.goto("/login?next=/measure/")
    page.fill("#id_username", "maya")
    page.fill("#id_password", demo["maya@ember.example"])
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{live_server.url}/measure/")
    assert page.locator("nav a:has-text('Measure')").count() == 1

    page.click(".measure-tabs a:has-text('Goals')")
    form = page.locator("[data-testid=goal-form]")
    form.locator("input[name=name]").fill("Welcome new contributors")
    form.locator("select[name=metric]").select_option("new_contributors")
    form.locator("input[name=target]").fill("3")
    form.locator("button").click()
    page.locator("[data-testid=goal]", has_text="Welcome new contributors").wait_for()
    assert Goal.objects.filter(name="Welcome new contributors", target=3).exists()

    for name, path in PAGES:
        page.goto(path)
        page.wait_for_function("document.querySelectorAll('canvas[data-drawn=\"1\"]').length"
                               " === document.querySelectorAll('canvas[data-chart]').length")
        charts = page.evaluate(CHARTS_DRAWN)
        assert charts, f"{name} has no chart"
        for chart in charts:
            # Drawn, and from data: a chart of an empty series paints only its axes.
            assert chart["chart"] and chart["painted"] > 500 and chart["points"], (name, chart)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    page.goto("/measure/scorecard")
    for key in DIMENSIONS:
        dimension = page.locator(f"[data-testid=dimension-{key}]")
        evidence = dimension.locator(".evidence li").all_inner_texts()
        assert len(evidence) >= 2, (key, evidence)
        # Each piece of evidence says where it comes from; the dimension's are figures.
        assert all(" · " in line for line in evidence), (key, evidence)
        assert sum(bool(re.search(r"\d", line)) for line in evidence) >= 2, (key, evidence)
        assert re.fullmatch(r"\d+", dimension.locator(".score").inner_text().strip()), key
    page.locator("[data-testid=dimension-relationships]").screenshot(
        path=str(shots / "scorecard-relationships.png"))
