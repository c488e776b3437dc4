"""Dashboards for staff: thin views over queries, goals, roi and scorecard. Every table
downloads as CSV with ?csv=<table name>; filters are GET parameters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fireside.errors import ActionError
from fireside.measure import actions, queries, readiness, report
from fireside.measure.charts import Table, csv_response
from fireside.measure.goals import progress
from fireside.measure.models import Audience, Goal, Metric, Period
from fireside.measure.roi import ledger
from fireside.measure.scorecard import scorecard

Builder = Callable[[HttpRequest, queries.Filters], dict[str, Any]]


def _page(template: str, build: Builder) -> Callable[[HttpRequest], HttpResponse]:
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        queries.require_staff(request.user)
        filters = queries.Filters.of(request.GET)
        context = build(request, filters)
        tables: dict[str, Table] = {t.name: t for t in context.get("tables", [])}
        if "csv" in request.GET:
            table = tables.get(request.GET["csv"])
            if table is None:
                raise Http404("No such table.")
            return csv_response(table)
        return render(request, template, {**context, "filters": filters,
                                          **queries.choices(request.user)})
    return view


def _post(request: HttpRequest, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except ActionError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, done)
    return redirect(request.get_full_path())


def _overview(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    return {**report.weekly(request.user, date.today(), f), "section": "overview"}


def _health(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    return {**report.health_context(request.user, f), "section": "health"}


def _community(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    return {**report.community_context(request.user, f), "section": "community"}


def _goals(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    today = date.today()
    rows = [progress(g, today) for g in Goal.objects.filter(is_active=True)
            .select_related("space")]
    table = Table("goals", ["goal", "metric", "target", "period", "from", "to", "value",
                            "percent", "on track"],
                  [[p.goal.name, p.goal.metric, p.goal.target, p.goal.period, p.start, p.end,
                    p.value, p.percent, p.on_track] for p in rows])
    from fireside.measure.charts import chart

    return {"section": "goals", "progress": rows, "tables": [table],
            "goals_chart": chart("bar", [p.goal.name for p in rows],
                                 {"% of the way to target": [p.percent for p in rows]},
                                 max_y=100),
            "metrics": Metric.choices, "goal_periods": Period.choices}


def _roi(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    book = ledger(f.start, f.end)
    table = Table("roi", ["day", "kind", "title", "amount"],
                  [[line.day, line.kind, line.title, line.amount] for line in book.lines])
    kinds = book.by_kind()
    from fireside.measure.charts import chart

    return {"section": "roi", "ledger": book, "tables": [table],
            "roi_chart": chart("doughnut", list(kinds), {"value": [float(v) for v in
                                                                   kinds.values()]})}


def _planning(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    from fireside.measure.charts import chart

    rows = queries.channels(request.user, f)
    table = Table("planning", ["priority", "place", "source", "audience", "messages a month",
                               "net sentiment", "answered %", "within an hour %"],
                  [[r["priority"] or "", r["name"], r["source"], r["audience"],
                    r["monthly_volume"], r["sentiment"], r["answered_share"],
                    r["within_hour_share"]] for r in rows])
    return {"section": "planning", "places": rows, "tables": [table],
            "audiences": Audience.choices,
            "volume_chart": chart("bar", [r["name"] for r in rows],
                                  {"messages a month": [r["monthly_volume"] for r in rows]}),
            "sentiment_chart": chart("bar", [r["name"] for r in rows],
                                     {"net sentiment": [r["sentiment"] for r in rows]})}


def _scorecard(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    from fireside.measure.charts import chart
    from fireside.measure.models import ReadinessAnswer

    card = scorecard()
    mine = dict(ReadinessAnswer.objects.filter(answered_by_id=request.user.pk)
                .values_list("question", "score"))
    table = Table("scorecard", ["dimension", "score", "evidence", "source"],
                  [[d.name, d.score, e, s] for d in card["dimensions"] for e, s in d.evidence])
    return {"section": "scorecard", "card": card, "tables": [table],
            "questions": [(k, text, mine.get(k)) for k, (_, text) in
                          readiness.QUESTIONS.items()], "scale": range(5),
            "compare_chart": chart("bar", [r["discipline"] for r in card["readiness"]],
                                   {"self-assessment": [r["self"] for r in card["readiness"]],
                                    "measured": [r["measured"] for r in card["readiness"]]},
                                   max_y=100)}


def _report(request: HttpRequest, f: queries.Filters) -> dict[str, Any]:
    raw = request.GET.get("week", "")
    try:
        day = date.fromisoformat(raw) if raw else date.today() - timedelta(days=7)
    except ValueError:
        day = date.today() - timedelta(days=7)
    # The week links keep the space and channel chosen.
    keep = "".join(f"&{name}={value}" for name, value in
                   (("space", f.space_id), ("channel", f.channel_id)) if value)
    return {**report.weekly(request.user, day, f, pin=True), "section": "report",
            "keep_filters": keep}


overview = _page("measure/overview.html", _overview)
health = _page("measure/health.html", _health)
community = _page("measure/community.html", _community)
weekly_report = _page("measure/report.html", _report)
_goals_page = _page("measure/goals.html", _goals)
_roi_page = _page("measure/roi.html", _roi)
_planning_page = _page("measure/planning.html", _planning)
_scorecard_page = _page("measure/scorecard.html", _scorecard)


def _space_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


@login_required
def goals(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        queries.require_staff(request.user)
        p = request.POST
        if "archive" in p:
            return _post(request, lambda: actions.check_archive_goal(
                request.user, int(p["archive"]) if p["archive"].isdigit() else 0),
                "Goal archived.")
        return _post(request, lambda: actions.check_create_goal(
            request.user, name=p.get("name", ""), metric=p.get("metric", ""),
            target=p.get("target", ""), period=p.get("period", ""),
            space_id=_space_id(p.get("space", ""))), "Goal set.")
    return _goals_page(request)


@login_required
def roi(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        queries.require_staff(request.user)
        p = request.POST
        if "cost_per_contact" in p:
            return _post(request, lambda: actions.check_set_cost_per_contact(
                request.user, p["cost_per_contact"], p.get("currency", "")),
                "Cost per contact saved.")
        return _post(request, lambda: actions.check_add_roi_entry(
            request.user, title=p.get("title", ""), amount=p.get("amount", ""),
            kind=p.get("kind", "other")), "Value recorded.")
    return _roi_page(request)


@login_required
def planning(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        queries.require_staff(request.user)
        p = request.POST
        return _post(request, lambda: actions.check_add_place(
            request.user, name=p.get("name", ""), audience=p.get("audience", ""),
            monthly_volume=p.get("monthly_volume", "0"), sentiment=p.get("sentiment", "0"),
            priority=p.get("priority", "0"), note=p.get("note", "")), "Place added.")
    return _planning_page(request)


@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        queries.require_staff(request.user)
        answers = {k: v for k, v in request.POST.items() if k in readiness.QUESTIONS}
        return _post(request, lambda: actions.check_answer_readiness(request.user, answers),
                     "Self-assessment saved.")
    return _scorecard_page(request)
