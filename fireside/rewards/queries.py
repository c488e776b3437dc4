"""Reads of rewards, scoped to the viewer: leaderboards, reputation, people to meet."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from fireside.community import queries as community_queries
from fireside.community.models import Space, Thread, ThreadKind
from fireside.people.models import Kind, User
from fireside.rewards.actions import level_for, periods_of, total_points
from fireside.rewards.models import (
    ALL_SPACES,
    BadgeAward,
    Introduction,
    MemberPreference,
    Score,
    ThankYou,
)

PERIODS = {"week": "This week", "month": "This month", "all": "All time"}


def period_key(period: str) -> str:
    all_time, week, month = periods_of(timezone.now())
    return {"week": week, "month": month}.get(period, all_time)


@dataclass(frozen=True)
class Row:
    rank: int
    user: User
    points: int


def leaderboard(viewer: community_queries.Viewer, *, space_slug: str = "", period: str = "all",
                limit: int = 25) -> tuple[Space | None, list[Row]]:
    """The top members of a space (or of every space) in a period, read from Score rows
    through the score_leaderboard index: no ledger row is summed here."""
    space = None
    space_key = ALL_SPACES
    if space_slug:
        space = community_queries.get_space(viewer, space_slug)  # 404 if out of sight
        space_key = space.pk
    rows = (Score.objects.filter(space_key=space_key, period=period_key(period), points__gt=0,
                                 user__is_active=True)
            .select_related("user").order_by("-points", "user_id")[:limit])
    return space, [Row(rank=i + 1, user=s.user, points=s.points) for i, s in enumerate(rows)]


@dataclass
class Reputation:
    points: int
    level: str
    next_level_at: int | None
    badges: list[BadgeAward]
    thanks: list[ThankYou]


def reputation(user: User, *, thanks_limit: int = 10) -> Reputation:
    """What anyone may see about a member's reputation; all of it is public."""
    points = total_points(user.pk)
    level, next_at = level_for(points)
    badges = list(BadgeAward.objects.filter(user=user).select_related("badge")
                  .order_by("-created_at"))
    thanks = list(ThankYou.objects.filter(recipient=user, sender__is_active=True)
                  .select_related("sender").order_by("-created_at")[:thanks_limit])
    return Reputation(points, level, next_at, badges, thanks)


def get_member(handle: str) -> User:
    user = User.objects.filter(username=handle, is_active=True).first()
    if user is None:
        raise Http404("No such member.")
    return user


# People you should meet --------------------------------------------------------------


@dataclass
class Suggestion:
    user: User
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


def _opted_out_ids() -> set[int]:
    return set(MemberPreference.objects.filter(no_introductions=True)
               .values_list("user_id", flat=True))


def introduced_ids(user: User) -> set[int]:
    pairs = Introduction.objects.filter(Q(first=user) | Q(second=user)).values_list(
        "first_id", "second_id")
    return {a if b == user.pk else b for a, b in pairs}


def suggestions(viewer: User, limit: int = 6) -> list[Suggestion]:
    """Members the viewer should meet, with the reasons, strongest first.

    - complementary needs: the viewer asked about a subject and someone's answer on that
      subject was accepted;
    - the customer and the employee who knows the product: employees whose expertise
      matches what the viewer is interested in or asked about;
    - shared interests.
    Members who opted out, the viewer and people already introduced are left out.
    """
    skip = _opted_out_ids() | introduced_ids(viewer) | {viewer.pk}
    if viewer.pk in _opted_out_ids():
        return []
    found: dict[int, Suggestion] = {}

    def add(user: User, reason: str, score: float) -> None:
        if user.pk in skip or not user.is_active:
            return
        s = found.setdefault(user.pk, Suggestion(user))
        if reason not in s.reasons:
            s.reasons.append(reason)
            s.score += score

    visible = community_queries.visible_space_ids(viewer)
    asked_tags = set(Thread.objects.filter(
        author=viewer, kind=ThreadKind.QUESTION, space_id__in=visible, is_deleted=False)
        .values_list("tags__name", flat=True)) - {None}
    if asked_tags:
        answered = (Thread.objects.filter(tags__name__in=asked_tags, space_id__in=visible,
                                          accepted_post__isnull=False, is_deleted=False)
                    .exclude(accepted_post__author=viewer)
                    .values_list("accepted_post__author_id", "tags__name").distinct()[:200])
        authors = User.objects.in_bulk({a for a, _t in answered})
        for author_id, tag in answered:
            if tag in asked_tags and author_id in authors:
                add(authors[author_id], f"answered questions about {tag} that you asked about",
                    3.0)
    topics = {t.lower() for t in (viewer.interests or [])} | {t.lower() for t in asked_tags}
    # Bounded candidate sets: members with profiles to match, newest first.
    if topics and viewer.kind == Kind.CUSTOMER:
        for employee in User.objects.filter(is_active=True, kind=Kind.EMPLOYEE).exclude(
                expertise=[]).order_by("-id")[:500]:
            shared = topics & {t.lower() for t in employee.expertise}
            if shared:
                add(employee, f"works here and knows {', '.join(sorted(shared))}", 2.0)
    if viewer.interests:
        mine = {t.lower() for t in viewer.interests}
        for other in User.objects.filter(is_active=True).exclude(interests=[]).order_by(
                "-last_login", "-id")[:2000]:
            shared = mine & {t.lower() for t in other.interests}
            if shared:
                add(other, f"also into {', '.join(sorted(shared))}", 1.0 * len(shared))
    ranked = sorted(found.values(), key=lambda s: (-s.score, s.user.pk))
    return ranked[:limit]


def introductions_for(user: User) -> list[Introduction]:
    return list(Introduction.objects.filter(Q(first=user) | Q(second=user))
                .select_related("introducer", "first", "second").order_by("-created_at")[:50])
