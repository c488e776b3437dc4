"""Idea pages: thin views that scope through `queries` and call one action.

Voting and following work as plain form posts; with htmx the button swaps in place.
"""

from __future__ import annotations

import csv
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fireside import ratelimit
from fireside.community import queries as community_queries
from fireside.errors import ActionError
from fireside.ideas import actions, queries, similar, tasks
from fireside.ideas.models import Campaign, Idea, Status
from fireside.people.models import User
from fireside.web import action_errors, back, is_htmx


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _nudge(campaigns: list[Campaign]) -> None:
    now = timezone.now()
    due = [c.pk for c in campaigns if c.closed_at is None and c.closes_at <= now]
    if due:
        tasks.nudge_due(due)


def campaigns(request: HttpRequest) -> HttpResponse:
    items = queries.visible_campaigns(request.user)
    _nudge(items)
    now = timezone.now()
    return render(request, "ideas/campaigns.html", {
        "open": [c for c in items if c.is_open_at(now)],
        "upcoming": [c for c in items if c.closed_at is None and c.opens_at > now],
        "closed": [c for c in items if not c.is_open_at(now) and c.opens_at <= now],
    })


def roadmap(request: HttpRequest) -> HttpResponse:
    return render(request, "ideas/roadmap.html", {"columns": queries.roadmap(request.user)})


def _decorate(request: HttpRequest, ideas: list[Idea]) -> list[Idea]:
    voted = queries.viewer_voted(request.user, [i.pk for i in ideas])
    for idea in ideas:
        idea.viewer_voted = idea.pk in voted  # type: ignore[attr-defined]
    return ideas


def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = queries.get_campaign(request.user, slug)
    _nudge([campaign])
    runner = queries.can_run_campaign(request.user, campaign)
    sort = "new" if request.GET.get("sort") == "new" else "top"
    ideas = _decorate(request, list(queries.campaign_ideas(
        request.user, campaign, sort=sort, moderator=runner)[:200]))
    return render(request, "ideas/campaign.html", {
        "campaign": campaign, "ideas": ideas, "sort": sort, "runner": runner,
        "votes_left": queries.votes_left(request.user, campaign),
        "form": {"title": request.GET.get("title", ""), "description": "", "tags": ""},
    })


@login_required
@action_errors
def idea_new(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = queries.get_campaign(request.user, slug)
    if request.method != "POST":
        return redirect("campaign", slug=slug)
    form = {k: request.POST.get(k, "") for k in ("title", "description", "tags")}
    try:
        ratelimit.hit("post", str(request.user.pk))
        idea = actions.check_submit_idea(_member(request), campaign, title=form["title"],
                                         description=form["description"],
                                         tags=form["tags"].split(","))
    except ActionError as error:
        ideas = _decorate(request, list(queries.campaign_ideas(request.user, campaign)[:200]))
        return render(request, "ideas/campaign.html", {
            "campaign": campaign, "ideas": ideas, "sort": "top", "form": form,
            "error": error.detail, "votes_left": queries.votes_left(request.user, campaign),
            "runner": queries.can_run_campaign(request.user, campaign),
        }, status=error.status)
    if not idea.is_approved:
        messages.success(request, "Thank you! A moderator will look at your suggestion soon.")
    return redirect("idea", idea_id=idea.pk)


def idea_detail(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea(request.user, idea_id)
    campaign = idea.campaign
    runner = queries.can_run_campaign(request.user, campaign)
    replies = []
    if idea.thread is not None and idea.thread.is_visible_to_all:
        replies = list(community_queries.thread_posts(idea.thread).filter(
            is_opening=False, is_deleted=False).order_by("-created_at", "-id")[:5])[::-1]
    _decorate(request, [idea])
    return render(request, "ideas/idea.html", {
        "idea": idea, "campaign": campaign, "runner": runner, "replies": replies,
        "credits": list(queries.idea_credits(idea)),
        "history": list(queries.status_history(idea)),
        "following": queries.viewer_follows(request.user, idea),
        "votes_left": queries.votes_left(request.user, campaign),
        "statuses": [(s.value, s.label) for s in Status if s != Status.MERGED],
        "merge_targets": list(queries.campaign_ideas(request.user, campaign, moderator=True)
                              .exclude(pk=idea.pk)[:200]) if runner else [],
        "similar": similar.similar(request.user, idea.title, kind="idea", limit=4,
                                   exclude_idea=idea.pk) if runner else [],
    })


@login_required
@require_POST
@action_errors
def vote(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea(request.user, idea_id)
    if request.POST.get("on", "1") == "1":
        idea = actions.check_vote(_member(request), idea)
    else:
        idea = actions.check_withdraw_vote(_member(request), idea)
    if is_htmx(request):
        idea.refresh_from_db(fields=["vote_count"])
        _decorate(request, [idea])
        response = render(request, "ideas/_vote.html", {
            "idea": idea, "campaign": idea.campaign,
            "votes_left": queries.votes_left(request.user, idea.campaign)})
        if idea.campaign.vote_budget is not None or idea.campaign.is_choice:
            response["HX-Trigger"] = "votes-changed"
        return response
    return back(request, reverse("idea", args=[idea.pk]))


@login_required
@require_POST
@action_errors
def follow(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea(request.user, idea_id)
    on = request.POST.get("on", "1") == "1"
    actions.check_follow_idea(_member(request), idea, on)
    if is_htmx(request):
        return render(request, "ideas/_follow.html", {"idea": idea, "following": on})
    return back(request, reverse("idea", args=[idea.pk]))


@login_required
@require_POST
@action_errors
def set_status(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea(request.user, idea_id)
    actions.check_set_status(_member(request), idea, request.POST.get("status", ""),
                             request.POST.get("reason", ""))
    messages.success(request, f"Marked “{idea.get_status_display()}”. The author, the voters "
                              "and the followers have been told.")
    return redirect("idea", idea_id=idea.pk)


@login_required
@require_POST
@action_errors
def merge(request: HttpRequest, idea_id: int) -> HttpResponse:
    source = queries.get_idea(request.user, idea_id)
    try:
        target = queries.get_idea(request.user, int(request.POST.get("into", "0")))
    except ValueError as error:
        raise Http404 from error
    target = actions.check_merge(_member(request), source, target, request.POST.get("reason", ""))
    messages.success(request, f"Merged into “{target.title}”: votes and followers moved over.")
    return redirect("idea", idea_id=target.pk)


@login_required
@require_POST
@action_errors
def credit(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea(request.user, idea_id)
    handle = request.POST.get("handle", "").strip().lstrip("@")
    person = User.objects.filter(username__iexact=handle, is_active=True).first()
    if person is None:
        raise ActionError(f"Nobody here has the handle @{handle}.")
    actions.check_credit(_member(request), idea, person, request.POST.get("note", ""))
    messages.success(request, f"{person.name} is credited for shaping this idea.")
    return redirect("idea", idea_id=idea.pk)


@login_required
@require_POST
@action_errors
def approve(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea(request.user, idea_id)
    actions.check_approve_suggestion(_member(request), idea)
    messages.success(request, "Approved: it is now an option everyone can vote for.")
    return redirect("idea", idea_id=idea.pk)


def similar_fragment(request: HttpRequest) -> HttpResponse:
    """As a member types a title: similar ideas and threads, so they vote instead."""
    text = request.GET.get("title") or request.GET.get("text") or ""
    hits = similar.similar(request.user, text, limit=5) if len(text.strip()) >= 3 else []
    template = "ideas/_similar.html" if is_htmx(request) else "ideas/similar_page.html"
    return render(request, template, {"hits": hits, "text": text})


def results(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = queries.get_campaign(request.user, slug)
    _nudge([campaign])
    data = queries.campaign_results(campaign)
    chart = {"labels": [d.isoformat() for d in data.days], "values": data.cumulative,
             "ideas": [i.title[:40] for i in data.ideas[:10]],
             "counts": [i.vote_count for i in data.ideas[:10]]}
    return render(request, "ideas/results.html", {
        "campaign": campaign, "results": data, "chart": chart})


def results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = queries.get_campaign(request.user, slug)
    data = queries.campaign_results(campaign)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-results.csv"'
    writer = csv.writer(response)
    writer.writerow(["rank", "idea_id", "title", "author", "status", "votes", "followers",
                     "url"])
    for n, idea in enumerate(data.ideas, 1):
        writer.writerow([n, idea.pk, _csv_safe(idea.title), idea.author.username, idea.status,
                         idea.vote_count, idea.follower_count,
                         request.build_absolute_uri(reverse("idea", args=[idea.pk]))])
    return response


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with these as formulas."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@action_errors
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Moderators ask the community a question: open ideas, or a choice between options."""
    user = _member(request)
    spaces = [s for s in community_queries.visible_spaces(user)
              if community_queries.can_moderate(user, s)]
    if not spaces:
        raise Http404
    form = {k: request.POST.get(k, "") for k in (
        "space", "title", "description", "form", "choice_mode", "audience", "opens_at",
        "closes_at", "vote_budget", "options")} if request.method == "POST" else {
        "form": "ideas", "choice_mode": "single", "audience": "public"}
    error = None
    if request.method == "POST":
        try:
            space = community_queries.get_space(user, form["space"])
            campaign = actions.check_create_campaign(
                user, space, title=form["title"], description=form["description"],
                opens_at=_parse_local(form["opens_at"]) if form["opens_at"] else None,
                closes_at=_parse_local(form["closes_at"]),
                audience=form["audience"],
                audience_kinds=request.POST.getlist("audience_kinds"),
                form=form["form"], choice_mode=form["choice_mode"],
                vote_budget=int(form["vote_budget"]) if form["vote_budget"].strip() else None,
                accept_suggestions=bool(request.POST.get("accept_suggestions")),
                options=form["options"].splitlines(),
            )
        except (ActionError, ValueError) as e:
            error = e.detail if isinstance(e, ActionError) else "Check the dates and numbers."
        else:
            messages.success(request, "The campaign is live. Tell your community about it!")
            return redirect("campaign", slug=campaign.slug)
    from fireside.ideas.models import Audience, CampaignForm, ChoiceMode
    from fireside.people.models import Kind

    return render(request, "ideas/campaign_new.html", {
        "spaces": spaces, "form": form, "error": error, "forms": CampaignForm.choices,
        "modes": ChoiceMode.choices, "audiences": Audience.choices, "kinds": Kind.choices,
        "chosen_kinds": request.POST.getlist("audience_kinds"),
    }, status=400 if error else 200)


def _parse_local(value: str) -> datetime:
    """A `datetime-local` field's value, read in the site's time zone."""
    parsed = datetime.fromisoformat(value)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
