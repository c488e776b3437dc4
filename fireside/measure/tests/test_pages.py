"""Staff open every dashboard, set goals and download tables; members never see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fireside.measure import rollups
from fireside.measure.models import Goal, PlaceEntry, ReadinessAnswer
from fireside.testing import make_reply, make_space, make_thread

pytestmark = pytest.mark.django_db
PAGES = ("measure", "measure_health", "measure_community", "measure_goals", "measure_roi",
         "measure_planning", "measure_scorecard", "measure_report")


@pytest.fixture
def activity(staff: Any, member: Any) -> None:
    thread = make_thread(make_space(), member, kind="question")
    make_reply(thread, staff)
    rollups.roll_up()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_staff_open_each_dashboard_with_its_charts(name: str, staff: Any,
                                                   activity: None) -> None:
    from django.urls import reverse

    response = _client(staff).get(reverse(name), {"period": "30d"})
    assert response.status_code == 200
    assert b"chart.umd.min.js" in response.content
    if name != "measure_goals":  # no goals yet, so nothing to chart
        assert b"data-chart=" in response.content


@pytest.mark.parametrize("name", PAGES)
def test_members_and_visitors_get_no_dashboard(name: str, member: Any) -> None:
    from django.urls import reverse

    assert _client(member).get(reverse(name)).status_code == 404
    assert Client().get(reverse(name)).status_code == 302


def test_every_table_downloads_as_csv(staff: Any, activity: None) -> None:
    client = _client(staff)
    response = client.get("/measure/health", {"csv": "health"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0].startswith("week,score,members")
    assert client.get("/measure/community", {"csv": "nope"}).status_code == 404


def test_staff_set_a_goal_and_see_its_progress(staff: Any, activity: None) -> None:
    client = _client(staff)
    response = client.post("/measure/goals", {"name": "Answer fast", "target": "1",
                                              "metric": "median_first_response_hours",
                                              "period": "month"}, follow=True)
    goal = Goal.objects.get()
    assert goal.at_most and b"Answer fast" in response.content
    assert b"on track" in response.content  # the staff reply came within the hour


def test_a_goal_with_a_bad_target_is_refused_with_a_message(staff: Any) -> None:
    response = _client(staff).post("/measure/goals", {"name": "x", "target": "lots",
                                                      "metric": "ideas", "period": "month"},
                                   follow=True)
    assert b"must be a number" in response.content and not Goal.objects.exists()


def test_the_scorecard_shows_evidence_and_the_self_assessment_beside_it(
        staff: Any, activity: None) -> None:
    client = _client(staff)
    client.post("/measure/scorecard", {"vision-1": "4", "guide-1": "4", "guide-2": "4"})
    assert ReadinessAnswer.objects.count() == 3
    content = _client(staff).get("/measure/scorecard").content.decode()
    for key in ("planning", "presences", "commitment", "relationships"):
        assert f'data-testid="dimension-{key}"' in content
    assert "Evidence" in content and "You rate yourselves higher" in content


def test_staff_add_a_place_fireside_does_not_listen_to(staff: Any) -> None:
    _client(staff).post("/measure/planning", {"name": "Reddit", "audience": "customers",
                                              "monthly_volume": "300", "sentiment": "0.2",
                                              "priority": "1"})
    assert PlaceEntry.objects.get().priority == 1
    assert b"Reddit" in _client(staff).get("/measure/planning").content


def test_a_thread_view_is_counted_once_and_crawlers_are_not(member: Any) -> None:
    from fireside.community.models import Thread
    from fireside.measure.models import PageViewDay

    thread = make_thread(make_space(), member)
    Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox").get(f"/t/{thread.pk}")
    Client(HTTP_USER_AGENT="Googlebot/2.1").get(f"/t/{thread.pk}")
    assert Thread.objects.get(pk=thread.pk).view_count == 1
    assert PageViewDay.objects.get().views == 1


def test_the_api_answers_staff_and_refuses_members(staff: Any, member: Any,
                                                   activity: None) -> None:
    assert _client(member).get("/api/v1/measure/health").status_code == 403
    response = _client(staff).post("/api/v1/measure/goals", {
        "name": "Ideas", "metric": "ideas", "target": 50, "period": "quarter"},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["on_track"] is False
    card = _client(staff).get("/api/v1/measure/scorecard").json()
    assert [d["key"] for d in card["dimensions"]] == ["planning", "presences", "commitment",
                                                      "relationships"]


def test_the_weekly_report_is_mailed_once_with_its_charts_inline(staff: Any,
                                                                activity: None) -> None:
    from datetime import date

    from django.core import mail

    from fireside.measure.report import send_weekly_report

    assert send_weekly_report(staff, date.today()) == 1
    assert send_weekly_report(staff, date.today()) == 0
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert 'src="cid:health"' in html
    images = [a for a in message.attachments if getattr(a, "get_content_type", None)]
    assert {a.get_content_type() for a in images} == {"image/png"} and len(images) == 3


def test_the_report_command_prints_each_report_and_refuses_bad_input(
        staff: Any, activity: None, capsys: Any) -> None:
    from fireside.cli import main

    for kind in ("health", "community", "roi", "scorecard"):
        assert main(["report", kind, "--format", "json"]) == 0
    assert '"dimension": "Relationships"' in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["report", "health", "--period", "forever"])
    assert exit_.value.code == 2


def test_the_weekly_report_shows_the_week_it_names(staff: Any, member: Any) -> None:
    """Previous weeks' reports are that week's figures, not the last 90 days'."""
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone

    from fireside.community.models import Post
    from fireside.measure.models import HealthWeek
    from fireside.measure.queries import ALL

    today = date.today()
    this_monday = today - timedelta(days=today.weekday())
    weeks = [this_monday - timedelta(days=7 * n) for n in (3, 2, 1)]
    old = make_thread(make_space(), member, title="Grinder clumps")
    make_reply(make_thread(make_space("other"), member, title="Today"), staff)
    two_weeks_ago = timezone.make_aware(datetime.combine(weeks[1] + timedelta(days=2), time(12)))
    Post.objects.filter(thread=old).update(created_at=two_weeks_ago)
    rollups.roll_up()
    for week, score in zip(weeks, (700, 650, 600), strict=True):
        HealthWeek.objects.update_or_create(week=week, space_key=ALL,
                                            defaults={"score": score})

    client = _client(staff)
    response = client.get("/measure/report", {"week": weeks[1].isoformat()})
    assert response.context["latest"].week == weeks[1]
    assert response.context["latest"].score == 650
    assert response.context["c"]["totals"]["posts"] == 1  # that week's one post
    page = response.content.decode()
    assert 'name="period"' not in page
    assert f"?week={weeks[2].isoformat()}" in page  # the next finished week is offered
    last = client.get("/measure/report", {"week": weeks[2].isoformat()})
    assert last.context["latest"].score == 600
    assert f"?week={this_monday.isoformat()}" not in last.content.decode()
