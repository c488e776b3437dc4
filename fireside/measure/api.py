"""Measure in the API: health, community figures, goals and the scorecard, staff only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from fireside.errors import Forbidden
from fireside.measure import actions, queries
from fireside.measure.goals import progress
from fireside.measure.models import Goal
from fireside.measure.scorecard import scorecard

router = Router(tags=["measure"])


def _staff(request: HttpRequest) -> None:
    if not queries.is_staff(request.user):
        raise Forbidden("Only staff can read measures.")


class HealthWeekOut(Schema):
    week: date
    score: int
    members: int
    content: int
    traffic: int
    responsiveness: int
    interaction: int
    liveliness: int


class GoalIn(Schema):
    name: str
    metric: str
    target: float
    period: str = "month"
    space_id: int | None = None


class GoalOut(Schema):
    id: int
    name: str
    metric: str
    target: float
    period: str
    at_most: bool
    value: float | None
    percent: int
    on_track: bool


def _goal_out(goal: Goal) -> GoalOut:
    p = progress(goal, date.today())
    return GoalOut(id=goal.pk, name=goal.name, metric=goal.metric, target=goal.target,
                   period=goal.period, at_most=goal.at_most, value=p.value, percent=p.percent,
                   on_track=p.on_track)


@router.get("/measure/health", response=list[HealthWeekOut])
def health(request: HttpRequest, period: str = "90d", space: int | None = None) -> Any:
    _staff(request)
    f = queries.Filters.of({"period": period, "space": str(space or "")})
    return queries.health(request.user, f)["rows"]


@router.get("/measure/community")
def community(request: HttpRequest, period: str = "90d", space: int | None = None) -> Any:
    _staff(request)
    c = queries.community(request.user, queries.Filters.of({"period": period,
                                                            "space": str(space or "")}))
    return {"dau": c["dau"], "mau": c["mau"], "new_contributors": c["new_contributors"],
            "member_answer_percent": c["member_share"],
            "median_first_reply_hours": c["median_first_reply_hours"],
            "totals": c["totals"], "care": c["care"]}


@router.get("/measure/goals", response=list[GoalOut])
def goals(request: HttpRequest) -> Any:
    _staff(request)
    return [_goal_out(g) for g in Goal.objects.filter(is_active=True)]


@router.post("/measure/goals", response={201: GoalOut})
def create_goal(request: HttpRequest, payload: GoalIn) -> Any:
    goal = actions.check_create_goal(request.user, name=payload.name, metric=payload.metric,
                                     target=payload.target, period=payload.period,
                                     space_id=payload.space_id)
    return Status(201, _goal_out(goal))


@router.get("/measure/scorecard")
def scorecard_view(request: HttpRequest) -> Any:
    _staff(request)
    card = scorecard()
    return {"overall": card["overall"], "verdict": card["verdict"],
            "dimensions": [{"key": d.key, "name": d.name, "score": d.score,
                            "verdict": d.verdict,
                            "evidence": [{"figure": e, "source": s} for e, s in d.evidence],
                            "next_steps": d.next_steps} for d in card["dimensions"]],
            "readiness": card["readiness"]}
