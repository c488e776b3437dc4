"""The worked example of docs/health.md, computed."""

from __future__ import annotations

from fireside.measure import health


def test_the_worked_example_in_the_docs_scores_815() -> None:
    week = health.WeekFigures(active_members=46, baseline_members=40, posts=30, views=240,
                              baseline_views=300, active_days=6, threads=10,
                              responded_in_time=8, gaps=12, gaps_in_time=9, participants=32,
                              turns=28)
    values = health.factors(week)
    assert values == {"members": 86, "content": 100, "traffic": 60,
                      "responsiveness": 78, "interaction": 72, "liveliness": 93}
    assert health.score(values) == 815


def test_a_silent_week_scores_zero() -> None:
    week = health.WeekFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert health.score(health.factors(week)) == 0
