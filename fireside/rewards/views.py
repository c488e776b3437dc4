"""Rewards pages: the leaderboard, thank-you notes, badges given by staff, and the people
a member should meet. Thin: parse, scope through `queries`, call one action, answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fireside.community import queries as community_queries
from fireside.people.models import User
from fireside.rewards import actions, queries
from fireside.rewards.models import Badge, BadgeRule
from fireside.web import action_errors


def profile_context(viewer: Any, member: User) -> dict[str, Any]:
    """What the profile page shows about reputation: public to everyone."""
    rep = queries.reputation(member)
    is_staff = bool(getattr(viewer, "is_authenticated", False)
                    and getattr(viewer, "is_staff_member", False))
    return {"reputation": rep, "viewer_is_staff": is_staff,
            "manual_badges": list(Badge.objects.filter(rule=BadgeRule.MANUAL))
            if is_staff else []}


def leaderboard(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "month")
    if period not in queries.PERIODS:
        period = "month"
    space, rows = queries.leaderboard(request.user, space_slug=request.GET.get("space", ""),
                                      period=period)
    return render(request, "rewards/leaderboard.html", {
        "rows": rows, "space": space, "period": period, "periods": queries.PERIODS,
        "spaces": community_queries.visible_spaces(request.user),
    })


@login_required
@require_POST
@action_errors
def thank(request: HttpRequest, handle: str) -> HttpResponse:
    assert isinstance(request.user, User)
    member = queries.get_member(handle)
    actions.check_thank(request.user, member, request.POST.get("message", ""))
    messages.success(request, f"Your thank-you is on {member.name}'s profile.")
    return redirect("profile", handle=member.username)


@login_required
@require_POST
@action_errors
def award_badge(request: HttpRequest, handle: str) -> HttpResponse:
    assert isinstance(request.user, User)
    member = queries.get_member(handle)
    badge = get_object_or_404(Badge, slug=request.POST.get("badge", ""))
    actions.check_award_badge(request.user, badge, member, request.POST.get("reason", ""))
    messages.success(request, f"{member.name} has the {badge.name} badge.")
    return redirect("profile", handle=member.username)


@login_required
@action_errors
def meet(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        first = queries.get_member(request.POST.get("first", "").strip().lstrip("@")
                                   or user.username)
        second = queries.get_member(request.POST.get("second", "").strip().lstrip("@"))
        actions.check_introduce(user, first, second, request.POST.get("message", ""))
        messages.success(request, f"{first.name} and {second.name} are introduced.")
        return redirect("meet")
    return render(request, "rewards/meet.html", {
        "suggestions": queries.suggestions(user),
        "introductions": queries.introductions_for(user),
        "opted_out": actions.opted_out(user),
    })


@login_required
@require_POST
def meet_preference(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    allowed = request.POST.get("allowed") == "1"
    actions.do_set_introductions(request.user, allowed=allowed)
    messages.success(request, "Others may introduce you again." if allowed
                     else "Nobody will suggest or introduce you any more.")
    return redirect("meet")
