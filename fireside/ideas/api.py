"""Ideas in the API: campaigns, ideas, votes, follows, statuses, merges, credits, the
roadmap, results and the similar search. Handlers scope through `queries` and call one
action, as the pages do."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from fireside import ratelimit
from fireside.api_auth import READ_AUTH
from fireside.community import queries as community_queries
from fireside.errors import ActionError, NotFound
from fireside.ideas import actions, queries, similar
from fireside.ideas.models import Campaign, Idea
from fireside.people.models import User

router = Router(tags=["ideas"])


def _viewer(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _member(request: HttpRequest) -> User:
    user = _viewer(request)
    if not isinstance(user, User):
        raise ActionError("Sign in to do that.")
    return user


class CampaignOut(Schema):
    slug: str
    space: str
    title: str
    description: str
    audience: str
    audience_kinds: list[str]
    form: str
    choice_mode: str
    vote_budget: int | None
    accept_suggestions: bool
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    state: str
    url: str

    @staticmethod
    def of(c: Campaign) -> CampaignOut:
        return CampaignOut(slug=c.slug, space=c.space.slug, title=c.title,
                           description=c.description, audience=c.audience,
                           audience_kinds=c.audience_kinds, form=c.form,
                           choice_mode=c.choice_mode, vote_budget=c.vote_budget,
                           accept_suggestions=c.accept_suggestions, opens_at=c.opens_at,
                           closes_at=c.closes_at, closed_at=c.closed_at, state=c.state,
                           url=f"/ideas/c/{c.slug}")


class CampaignIn(Schema):
    space: str
    title: str = Field(..., max_length=200)
    description: str = ""
    closes_at: datetime
    opens_at: datetime | None = None
    audience: Literal["public", "members", "kinds"] = "public"
    audience_kinds: list[str] = []
    form: Literal["ideas", "choice"] = "ideas"
    choice_mode: Literal["single", "approval"] = "single"
    vote_budget: int | None = None
    accept_suggestions: bool = False
    options: list[str] = []


class IdeaOut(Schema):
    id: int
    campaign: str
    title: str
    description: str
    author: str
    tags: list[str]
    status: str
    status_reason: str
    is_option: bool
    is_approved: bool
    vote_count: int
    follower_count: int
    voted: bool = False
    merged_into_id: int | None
    thread_id: int | None
    created_at: datetime
    shipped_at: datetime | None
    url: str

    @staticmethod
    def of(idea: Idea, voted: bool = False) -> IdeaOut:
        return IdeaOut(id=idea.pk, campaign=idea.campaign.slug, title=idea.title,
                       description=idea.description, author=idea.author.username,
                       tags=idea.tags, status=idea.status, status_reason=idea.status_reason,
                       is_option=idea.is_option, is_approved=idea.is_approved,
                       vote_count=idea.vote_count, follower_count=idea.follower_count,
                       voted=voted, merged_into_id=idea.merged_into_id,
                       thread_id=idea.thread_id, created_at=idea.created_at,
                       shipped_at=idea.shipped_at, url=f"/ideas/{idea.pk}")


class IdeaIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = ""
    tags: list[str] = []


class VoteOut(Schema):
    idea_id: int
    vote_count: int
    voted: bool
    votes_left: int | None


class StatusIn(Schema):
    status: Literal["new", "under_review", "planned", "in_progress", "shipped", "declined"]
    reason: str = ""


class MergeIn(Schema):
    into: int
    reason: str = ""


class CreditIn(Schema):
    handle: str
    note: str = ""


class CreditOut(Schema):
    idea_id: int
    idea_title: str
    person: str
    role: str
    note: str
    granted_at: datetime | None


class RoadmapColumn(Schema):
    status: str
    label: str
    ideas: list[IdeaOut]


class ResultsOut(Schema):
    campaign: CampaignOut
    total_votes: int
    voters: int
    participants: int
    ideas: list[IdeaOut]
    days: list[str]
    cumulative_votes: list[int]


class SimilarOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    score: float


# Campaigns ----------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut], auth=READ_AUTH,
            summary="Campaigns I may see")
def list_campaigns(request: HttpRequest) -> list[CampaignOut]:
    return [CampaignOut.of(c) for c in queries.visible_campaigns(_viewer(request))]


@router.post("/campaigns", response={201: CampaignOut}, summary="Start a campaign (moderators)")
def create_campaign(request: HttpRequest, data: CampaignIn) -> Status[CampaignOut]:
    space = community_queries.get_space(_viewer(request), data.space)
    campaign = actions.check_create_campaign(
        _member(request), space, title=data.title, description=data.description,
        closes_at=data.closes_at, opens_at=data.opens_at, audience=data.audience,
        audience_kinds=data.audience_kinds, form=data.form, choice_mode=data.choice_mode,
        vote_budget=data.vote_budget, accept_suggestions=data.accept_suggestions,
        options=data.options)
    return Status(201, CampaignOut.of(campaign))


@router.get("/campaigns/{slug}", response=CampaignOut, auth=READ_AUTH)
def get_campaign(request: HttpRequest, slug: str) -> CampaignOut:
    return CampaignOut.of(queries.get_campaign(_viewer(request), slug))


@router.get("/campaigns/{slug}/ideas", response=list[IdeaOut], auth=READ_AUTH)
def campaign_ideas(request: HttpRequest, slug: str, sort: Literal["top", "new"] = "top",
                   status: str | None = None, limit: int = 100,
                   offset: int = 0) -> list[IdeaOut]:
    viewer = _viewer(request)
    campaign = queries.get_campaign(viewer, slug)
    ideas = list(queries.campaign_ideas(
        viewer, campaign, sort=sort, status=status,
        moderator=queries.can_run_campaign(viewer, campaign)
    )[max(0, offset): max(0, offset) + max(1, min(limit, 200))])
    voted = queries.viewer_voted(viewer, [i.pk for i in ideas])
    return [IdeaOut.of(i, i.pk in voted) for i in ideas]


@router.post("/campaigns/{slug}/ideas", response={201: IdeaOut},
             summary="Submit an idea, or suggest an option in a choice")
def submit_idea(request: HttpRequest, slug: str, data: IdeaIn) -> Status[IdeaOut]:
    campaign = queries.get_campaign(_viewer(request), slug)
    ratelimit.hit("post", str(_member(request).pk))
    idea = actions.check_submit_idea(_member(request), campaign, title=data.title,
                                     description=data.description, tags=data.tags)
    return Status(201, IdeaOut.of(idea))


@router.get("/campaigns/{slug}/results", response=ResultsOut, auth=READ_AUTH)
def campaign_results(request: HttpRequest, slug: str) -> ResultsOut:
    campaign = queries.get_campaign(_viewer(request), slug)
    r = queries.campaign_results(campaign)
    return ResultsOut(campaign=CampaignOut.of(campaign), total_votes=r.total_votes,
                      voters=r.voters, participants=r.participants,
                      ideas=[IdeaOut.of(i) for i in r.ideas],
                      days=[d.isoformat() for d in r.days], cumulative_votes=r.cumulative)


# Ideas --------------------------------------------------------------------------------


@router.get("/ideas/{idea_id}", response=IdeaOut, auth=READ_AUTH)
def get_idea(request: HttpRequest, idea_id: int) -> IdeaOut:
    idea = queries.get_idea(_viewer(request), idea_id)
    return IdeaOut.of(idea, bool(queries.viewer_voted(_viewer(request), [idea.pk])))


def _vote_out(request: HttpRequest, idea: Idea) -> VoteOut:
    idea.refresh_from_db(fields=["vote_count"])
    return VoteOut(idea_id=idea.pk, vote_count=idea.vote_count,
                   voted=bool(queries.viewer_voted(_viewer(request), [idea.pk])),
                   votes_left=queries.votes_left(_viewer(request), idea.campaign))


@router.put("/ideas/{idea_id}/vote", response=VoteOut, summary="Vote (idempotent)")
def vote(request: HttpRequest, idea_id: int) -> VoteOut:
    idea = queries.get_idea(_viewer(request), idea_id)
    return _vote_out(request, actions.check_vote(_member(request), idea))


@router.delete("/ideas/{idea_id}/vote", response=VoteOut, summary="Withdraw my vote")
def withdraw_vote(request: HttpRequest, idea_id: int) -> VoteOut:
    idea = queries.get_idea(_viewer(request), idea_id)
    return _vote_out(request, actions.check_withdraw_vote(_member(request), idea))


@router.put("/ideas/{idea_id}/follow", response={204: None})
def follow(request: HttpRequest, idea_id: int) -> Status[None]:
    actions.check_follow_idea(_member(request), queries.get_idea(_viewer(request), idea_id))
    return Status(204, None)


@router.delete("/ideas/{idea_id}/follow", response={204: None})
def unfollow(request: HttpRequest, idea_id: int) -> Status[None]:
    actions.check_follow_idea(_member(request), queries.get_idea(_viewer(request), idea_id),
                              on=False)
    return Status(204, None)


@router.post("/ideas/{idea_id}/status", response=IdeaOut,
             summary="Change the status; tells the author, voters and followers")
def set_status(request: HttpRequest, idea_id: int, data: StatusIn) -> IdeaOut:
    idea = queries.get_idea(_viewer(request), idea_id)
    return IdeaOut.of(actions.check_set_status(_member(request), idea, data.status,
                                               data.reason))


@router.post("/ideas/{idea_id}/merge", response=IdeaOut,
             summary="Merge this idea into another; returns the idea merged into")
def merge(request: HttpRequest, idea_id: int, data: MergeIn) -> IdeaOut:
    source = queries.get_idea(_viewer(request), idea_id)
    target = queries.get_idea(_viewer(request), data.into)
    return IdeaOut.of(actions.check_merge(_member(request), source, target, data.reason))


@router.post("/ideas/{idea_id}/approve", response=IdeaOut,
             summary="Accept a suggested option (moderators)")
def approve(request: HttpRequest, idea_id: int) -> IdeaOut:
    idea = queries.get_idea(_viewer(request), idea_id)
    return IdeaOut.of(actions.check_approve_suggestion(_member(request), idea))


@router.get("/ideas/{idea_id}/credits", response=list[CreditOut], auth=READ_AUTH)
def idea_credits(request: HttpRequest, idea_id: int) -> list[CreditOut]:
    idea = queries.get_idea(_viewer(request), idea_id)
    return [CreditOut(idea_id=idea.pk, idea_title=idea.title, person=c.person.username,
                      role=c.role, note=c.note, granted_at=c.granted_at)
            for c in queries.idea_credits(idea)]


@router.post("/ideas/{idea_id}/credits", response={201: CreditOut},
             summary="Credit someone who shaped the idea (moderators)")
def add_credit(request: HttpRequest, idea_id: int, data: CreditIn) -> Status[CreditOut]:
    idea = queries.get_idea(_viewer(request), idea_id)
    person = User.objects.filter(username__iexact=data.handle.lstrip("@"), is_active=True).first()
    if person is None:
        raise NotFound("No such member.")
    c = actions.check_credit(_member(request), idea, person, data.note)
    return Status(201, CreditOut(idea_id=idea.pk, idea_title=idea.title, person=person.username,
                                 role=c.role, note=c.note, granted_at=c.granted_at))


@router.get("/people/{handle}/credits", response=list[CreditOut], auth=READ_AUTH,
            summary="A member's credits for shipped ideas")
def person_credits(request: HttpRequest, handle: str) -> list[CreditOut]:
    person = User.objects.filter(username=handle, is_active=True).first()
    if person is None:
        raise NotFound("No such member.")
    return [CreditOut(idea_id=c.idea_id, idea_title=c.idea.title, person=person.username,
                      role=c.role, note=c.note, granted_at=c.granted_at)
            for c in queries.profile_credits(_viewer(request), person)]


@router.get("/roadmap", response=list[RoadmapColumn], auth=READ_AUTH,
            summary="Ideas grouped by status")
def roadmap(request: HttpRequest, campaign: str | None = None) -> list[RoadmapColumn]:
    viewer = _viewer(request)
    target = queries.get_campaign(viewer, campaign) if campaign else None
    return [RoadmapColumn(status=s, label=label, ideas=[IdeaOut.of(i) for i in ideas])
            for s, label, ideas in queries.roadmap(viewer, target)]


@router.get("/similar", response=list[SimilarOut], auth=READ_AUTH,
            summary="The most similar visible threads or ideas, best first")
def similar_items(request: HttpRequest, text: str, kind: Literal["thread", "idea"] | None = None,
                  limit: int = 5) -> list[SimilarOut]:
    hits = similar.similar(_viewer(request), text, kind=kind, limit=limit)
    return [SimilarOut(id=h.id, kind=h.kind, title=h.title, url=h.url, score=h.score)
            for h in hits]
