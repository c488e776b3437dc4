"""Reads of campaigns and ideas, always scoped to what the viewer may see.

A campaign is visible when its space is (`community.queries`) and the viewer belongs to
its audience; an idea when its campaign is, and, for a suggestion still waiting for a
moderator, only to its author and the moderators.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fireside.community.queries import Viewer, can_moderate, can_see_space, visible_space_ids
from fireside.ideas.models import (
    ROADMAP_STATUSES,
    Audience,
    Campaign,
    Credit,
    Idea,
    IdeaFollow,
    Status,
    StatusChange,
    Vote,
)
from fireside.people.models import User


def _member(viewer: Viewer) -> User | None:
    if isinstance(viewer, User) and viewer.is_authenticated and viewer.is_active:
        return viewer
    return None


def in_audience(viewer: Viewer, campaign: Campaign) -> bool:
    """The audience narrows the space: staff always belong, so that they can run it."""
    if campaign.audience == Audience.PUBLIC:
        return True
    member = _member(viewer)
    if member is None:
        return False
    if campaign.audience == Audience.MEMBERS or member.is_staff_member:
        return True
    return member.kind in (campaign.audience_kinds or [])


def can_see_campaign(viewer: Viewer, campaign: Campaign) -> bool:
    return can_see_space(viewer, campaign.space) and in_audience(viewer, campaign)


def can_run_campaign(viewer: Viewer, campaign: Campaign) -> bool:
    """Moderators of the campaign's space set statuses, merge, credit and approve."""
    return can_moderate(viewer, campaign.space)


def visible_campaigns(viewer: Viewer) -> list[Campaign]:
    """Campaigns are few, so the audience is checked here rather than in SQL."""
    campaigns = Campaign.objects.filter(space_id__in=visible_space_ids(viewer)).select_related(
        "space")
    return [c for c in campaigns if in_audience(viewer, c)]


def visible_campaign_ids(viewer: Viewer) -> list[int]:
    return [c.pk for c in visible_campaigns(viewer)]


def get_campaign(viewer: Viewer, slug: str) -> Campaign:
    campaign = Campaign.objects.select_related("space").filter(slug=slug).first()
    if campaign is None or not can_see_campaign(viewer, campaign):
        raise Http404("No such campaign.")
    return campaign


def _idea_visible(viewer: Viewer, idea: Idea) -> bool:
    if idea.is_approved:
        return True
    member = _member(viewer)
    return member is not None and (member.pk == idea.author_id
                                   or can_run_campaign(member, idea.campaign))


def get_idea(viewer: Viewer, idea_id: int) -> Idea:
    idea = (Idea.objects.select_related("campaign__space", "author", "merged_into", "thread")
            .filter(pk=idea_id).first())
    if idea is None or not can_see_campaign(viewer, idea.campaign) or not _idea_visible(
            viewer, idea):
        raise Http404("No such idea.")
    return idea


def campaign_ideas(viewer: Viewer, campaign: Campaign, *, sort: str = "top",
                   status: str | None = None, moderator: bool = False) -> QuerySet[Idea]:
    """The campaign's ideas, merged ones left out; pending suggestions for moderators."""
    ideas = Idea.objects.filter(campaign=campaign).exclude(status=Status.MERGED)
    if not moderator:
        member = _member(viewer)
        mine = ideas.filter(is_approved=False, author_id=member.pk) if member else ideas.none()
        ideas = ideas.filter(is_approved=True) | mine
    if status:
        ideas = ideas.filter(status=status)
    order = ("-created_at", "-id") if sort == "new" else ("-vote_count", "-id")
    return ideas.select_related("author", "campaign").order_by(*order)


def viewer_voted(viewer: Viewer, idea_ids: list[int]) -> set[int]:
    member = _member(viewer)
    if member is None or not idea_ids:
        return set()
    return set(Vote.objects.filter(voter=member, idea_id__in=idea_ids)
               .values_list("idea_id", flat=True))


def viewer_follows(viewer: Viewer, idea: Idea) -> bool:
    member = _member(viewer)
    return member is not None and IdeaFollow.objects.filter(idea=idea, user=member).exists()


def votes_left(viewer: Viewer, campaign: Campaign) -> int | None:
    """None when the campaign has no budget."""
    if campaign.vote_budget is None:
        return None
    member = _member(viewer)
    used = Vote.objects.filter(campaign=campaign, voter=member).count() if member else 0
    return max(0, campaign.vote_budget - used)


def roadmap(viewer: Viewer, campaign: Campaign | None = None,
            per_status: int = 50) -> list[tuple[str, str, list[Idea]]]:
    """(status, label, ideas) for every roadmap status, most voted first."""
    ideas = Idea.objects.filter(campaign_id__in=visible_campaign_ids(viewer), is_approved=True,
                                status__in=ROADMAP_STATUSES)
    if campaign is not None:
        ideas = ideas.filter(campaign=campaign)
    columns: dict[str, list[Idea]] = {s: [] for s in ROADMAP_STATUSES}
    for idea in ideas.select_related("campaign", "author").order_by("-vote_count", "-id"):
        if len(columns[idea.status]) < per_status:
            columns[idea.status].append(idea)
    return [(s.value, s.label, columns[s]) for s in ROADMAP_STATUSES]


def status_history(idea: Idea) -> QuerySet[StatusChange]:
    return idea.status_changes.select_related("actor")


def idea_credits(idea: Idea) -> QuerySet[Credit]:
    return idea.credits.select_related("person").order_by("created_at", "id")


def profile_credits(viewer: Viewer, person: User, limit: int = 30) -> list[Credit]:
    """Credits for shipped ideas, on ideas the viewer may see: for the profile page."""
    return list(
        Credit.objects.filter(person=person, granted_at__isnull=False,
                              idea__campaign_id__in=visible_campaign_ids(viewer))
        .select_related("idea", "idea__campaign").order_by("-granted_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class Results:
    campaign: Campaign
    ideas: list[Idea]
    total_votes: int
    voters: int
    participants: int
    days: list[date]
    cumulative: list[int]


def campaign_results(campaign: Campaign) -> Results:
    """Counts and the cumulative votes per day; call after checking the viewer may see it."""
    ideas = list(Idea.objects.filter(campaign=campaign, is_approved=True)
                 .exclude(status=Status.MERGED).select_related("author")
                 .order_by("-vote_count", "-id"))
    stamps = list(Vote.objects.filter(campaign=campaign).values_list("created_at", "voter_id"))
    per_day: Counter[date] = Counter(timezone.localtime(s).date() for s, _v in stamps)
    days: list[date] = []
    cumulative: list[int] = []
    if per_day:
        first = min(per_day)
        end = timezone.localtime(min(timezone.now(), campaign.closes_at)).date()
        end = max(end, max(per_day))
        running = 0
        day = first
        while day <= end:
            running += per_day.get(day, 0)
            days.append(day)
            cumulative.append(running)
            day = date.fromordinal(day.toordinal() + 1)
    voters = {v for _s, v in stamps}
    authors = set(Idea.objects.filter(campaign=campaign).values_list("author_id", flat=True))
    return Results(campaign=campaign, ideas=ideas, total_votes=len(stamps), voters=len(voters),
                   participants=len(voters | authors), days=days, cumulative=cumulative)


def participant_ids(campaign: Campaign) -> set[int]:
    """Everyone who took part: voters, authors and followers of its ideas."""
    ids = set(Vote.objects.filter(campaign=campaign).values_list("voter_id", flat=True))
    ids |= set(Idea.objects.filter(campaign=campaign).values_list("author_id", flat=True))
    ids |= set(IdeaFollow.objects.filter(idea__campaign=campaign).values_list("user_id",
                                                                                flat=True))
    return ids


def due_campaign_ids(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(Campaign.objects.filter(closed_at__isnull=True, closes_at__lte=now)
                .values_list("id", flat=True))


