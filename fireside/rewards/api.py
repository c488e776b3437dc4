"""Rewards in the API: leaderboards, reputation, thank-you notes, points and badges given by
staff, introductions and the opt-out. Thin: scope through `queries`, call one action."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from fireside.api_auth import READ_AUTH
from fireside.errors import ActionError
from fireside.people.models import User
from fireside.rewards import actions, queries
from fireside.rewards.models import Badge

router = Router(tags=["rewards"])


def _member(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise ActionError("Sign in to do that.")
    return user


class MemberRef(Schema):
    handle: str
    display_name: str

    @staticmethod
    def of(user: User) -> MemberRef:
        return MemberRef(handle=user.username, display_name=user.name)


class RowOut(Schema):
    rank: int
    member: MemberRef
    points: int


class LeaderboardOut(Schema):
    space: str | None
    period: str
    rows: list[RowOut]


class BadgeOut(Schema):
    slug: str
    name: str
    description: str
    awarded_at: datetime


class ThankYouOut(Schema):
    sender: MemberRef
    recipient: MemberRef
    message: str
    created_at: datetime


class ReputationOut(Schema):
    handle: str
    points: int
    level: str
    next_level_at: int | None
    badges: list[BadgeOut]
    thanks: list[ThankYouOut]


class ThankIn(Schema):
    to: str
    message: str
    points: int = 0


class PointsIn(Schema):
    to: str
    points: int
    reason: str


class PointsOut(Schema):
    handle: str
    awarded: int
    total: int


class BadgeIn(Schema):
    to: str
    reason: str = ""


class SuggestionOut(Schema):
    member: MemberRef
    reasons: list[str]


class IntroductionIn(Schema):
    first: str
    second: str
    message: str


class IntroductionOut(Schema):
    introduced_by: MemberRef
    people: list[MemberRef]
    message: str
    created_at: datetime


class OptOutIn(Schema):
    allowed: bool


class OptOutOut(Schema):
    introductions_allowed: bool


@router.get("/leaderboard", response=LeaderboardOut, auth=READ_AUTH,
            summary="Top members of a space (or every space) this week, month or all time")
def leaderboard(request: HttpRequest, space: str = "",
                period: Literal["week", "month", "all"] = "all",
                limit: int = 25) -> LeaderboardOut:
    found, rows = queries.leaderboard(request.auth, space_slug=space,  # type: ignore[attr-defined]
                                      period=period, limit=max(1, min(limit, 100)))
    return LeaderboardOut(space=found.slug if found else None, period=period,
                          rows=[RowOut(rank=r.rank, member=MemberRef.of(r.user),
                                       points=r.points) for r in rows])


def _thank_out(t: Any) -> ThankYouOut:
    return ThankYouOut(sender=MemberRef.of(t.sender), recipient=MemberRef.of(t.recipient),
                       message=t.message, created_at=t.created_at)


@router.get("/people/{handle}/reputation", response=ReputationOut, auth=READ_AUTH)
def reputation(request: HttpRequest, handle: str) -> ReputationOut:
    user = queries.get_member(handle)
    rep = queries.reputation(user)
    return ReputationOut(
        handle=user.username, points=rep.points, level=rep.level,
        next_level_at=rep.next_level_at,
        badges=[BadgeOut(slug=a.badge.slug, name=a.badge.name,
                         description=a.badge.description, awarded_at=a.created_at)
                for a in rep.badges],
        thanks=[_thank_out(t) for t in rep.thanks])


@router.post("/thanks", response={201: ThankYouOut}, summary="Thank a member, in public")
def thank(request: HttpRequest, data: ThankIn) -> Status[ThankYouOut]:
    note = actions.check_thank(_member(request), queries.get_member(data.to), data.message,
                               points=data.points)
    return Status(201, _thank_out(note))


@router.post("/rewards/points", response={201: PointsOut},
             summary="Give or correct points by hand (staff), with a reason")
def give_points(request: HttpRequest, data: PointsIn) -> Status[PointsOut]:
    user = queries.get_member(data.to)
    actions.check_give_points(_member(request), user, data.points, data.reason)
    return Status(201, PointsOut(handle=user.username, awarded=data.points,
                                 total=actions.total_points(user.pk)))


@router.post("/rewards/badges/{slug}/award", response={201: BadgeOut},
             summary="Give a manual badge (staff)")
def award_badge(request: HttpRequest, slug: str, data: BadgeIn) -> Status[BadgeOut]:
    badge = Badge.objects.filter(slug=slug).first()
    if badge is None:
        raise Http404
    award = actions.check_award_badge(_member(request), badge, queries.get_member(data.to),
                                      data.reason)
    return Status(201, BadgeOut(slug=badge.slug, name=badge.name, description=badge.description,
                                awarded_at=award.created_at))


@router.get("/me/introductions/suggestions", response=list[SuggestionOut],
            summary="People you should meet")
def suggestions(request: HttpRequest) -> list[SuggestionOut]:
    return [SuggestionOut(member=MemberRef.of(s.user), reasons=s.reasons)
            for s in queries.suggestions(_member(request))]


@router.get("/me/introductions", response=list[IntroductionOut])
def my_introductions(request: HttpRequest) -> list[IntroductionOut]:
    return [IntroductionOut(introduced_by=MemberRef.of(i.introducer),
                            people=[MemberRef.of(i.first), MemberRef.of(i.second)],
                            message=i.message, created_at=i.created_at)
            for i in queries.introductions_for(_member(request))]


@router.post("/introductions", response={201: IntroductionOut},
             summary="Introduce two members to each other, with a message")
def introduce(request: HttpRequest, data: IntroductionIn) -> Status[IntroductionOut]:
    intro = actions.check_introduce(_member(request), queries.get_member(data.first),
                                    queries.get_member(data.second), data.message)
    return Status(201, IntroductionOut(introduced_by=MemberRef.of(intro.introducer),
                                       people=[MemberRef.of(intro.first),
                                               MemberRef.of(intro.second)],
                                       message=intro.message, created_at=intro.created_at))


@router.put("/me/introductions/preference", response=OptOutOut,
            summary="Allow or refuse introductions")
def set_preference(request: HttpRequest, data: OptOutIn) -> OptOutOut:
    pref = actions.do_set_introductions(_member(request), allowed=data.allowed)
    return OptOutOut(introductions_allowed=not pref.no_introductions)
