"""Every write to campaigns and ideas goes through here.

`check_*` validates untrusted input and permissions, then calls the matching `do_*`,
which writes, keeps the counters true and fires the side effects (notifications and
e-mail, similarity entries, the closing task) after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from fireside.community import actions as community
from fireside.community import tasks as community_tasks
from fireside.community.models import Notification, NotificationKind, Space, Thread
from fireside.errors import ActionError, Conflict, Forbidden, NotFound
from fireside.ideas import queries, tasks
from fireside.ideas.models import (
    STATUSES_WITH_REASON,
    Audience,
    Campaign,
    CampaignForm,
    ChoiceMode,
    Credit,
    CreditRole,
    Idea,
    IdeaFollow,
    Status,
    StatusChange,
    Vote,
    VoteBudget,
)
from fireside.people.models import Kind, User

MAX_DESCRIPTION = 10_000

STATUS_WORDS = {
    Status.NEW: "is new again",
    Status.UNDER_REVIEW: "is under review",
    Status.PLANNED: "is planned",
    Status.IN_PROGRESS: "is in progress",
    Status.SHIPPED: "has shipped",
    Status.DECLINED: "was declined",
    Status.MERGED: "was merged",
}


def _clean_title(title: str) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if len(title) < 3:
        raise ActionError("Give it a title of at least 3 characters.")
    if len(title) > 200:
        raise ActionError("A title can be at most 200 characters long.")
    return title


def _clean_text(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = (text or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ActionError(f"Keep it under {limit:,} characters.")
    return text


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise Forbidden("Sign in to take part.")
    if not user.email_verified and not user.is_staff_member:
        raise Forbidden("Verify your e-mail address before taking part.")


def _require_campaign(user: User, campaign: Campaign) -> None:
    if not queries.can_see_campaign(user, campaign):
        raise NotFound("No such campaign.")


def _require_runner(user: User, campaign: Campaign) -> None:
    if not queries.can_run_campaign(user, campaign):
        raise Forbidden("Only a moderator of this space can do that.")


def _require_open(campaign: Campaign) -> None:
    if not campaign.is_open:
        raise Conflict("This campaign is closed." if campaign.opens_at <= timezone.now()
                       else "This campaign has not opened yet.")


# Campaigns ----------------------------------------------------------------------------


def check_create_campaign(user: User, space: Space, *, title: str, description: str = "",
                          closes_at: datetime, opens_at: datetime | None = None,
                          audience: str = Audience.PUBLIC, audience_kinds: Iterable[str] = (),
                          form: str = CampaignForm.IDEAS, choice_mode: str = ChoiceMode.SINGLE,
                          vote_budget: int | None = None, accept_suggestions: bool = False,
                          options: Iterable[str] = ()) -> Campaign:
    _require_member(user)
    if not community.can_moderate(user, space):
        raise Forbidden("Only a moderator of this space can start a campaign in it.")
    if audience not in Audience.values or form not in CampaignForm.values or \
            choice_mode not in ChoiceMode.values:
        raise ActionError("Unknown audience, form or choice mode.")
    kinds = [k for k in audience_kinds if k]
    if audience == Audience.KINDS and (not kinds or set(kinds) - set(Kind.values)):
        raise ActionError(f"Choose the kinds of member who take part: {', '.join(Kind.values)}.")
    if audience != Audience.PUBLIC and space.visibility == "public":
        # The ideas' discussions live in the space: they must stay within the audience.
        raise ActionError("A campaign for a narrower audience belongs in a members-only or "
                          "private space, so that its discussions stay within that audience.")
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise ActionError("The campaign must close after it opens.")
    if vote_budget is not None and vote_budget < 1:
        raise ActionError("A vote budget is at least one vote.")
    return do_create_campaign(user, space, title=_clean_title(title),
                              description=_clean_text(description), opens_at=opens_at,
                              closes_at=closes_at, audience=audience, audience_kinds=kinds,
                              form=form, choice_mode=choice_mode, vote_budget=vote_budget,
                              accept_suggestions=accept_suggestions,
                              options=[_clean_title(o) for o in options if o.strip()])


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "campaign"
    slug, n = base, 2
    while Campaign.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def do_create_campaign(creator: User, space: Space, *, title: str, closes_at: datetime,
                       description: str = "", opens_at: datetime | None = None,
                       audience: str = Audience.PUBLIC, audience_kinds: Iterable[str] = (),
                       form: str = CampaignForm.IDEAS, choice_mode: str = ChoiceMode.SINGLE,
                       vote_budget: int | None = None, accept_suggestions: bool = False,
                       options: Iterable[str] = (), slug: str | None = None) -> Campaign:
    campaign = Campaign.objects.create(
        space=space, slug=slug or _unique_slug(title), title=title, description=description,
        audience=audience, audience_kinds=list(audience_kinds), form=form,
        choice_mode=choice_mode, vote_budget=vote_budget,
        accept_suggestions=accept_suggestions, opens_at=opens_at or timezone.now(),
        closes_at=closes_at, created_by=creator)
    for option in options:
        do_submit_idea(creator, campaign, title=option, is_option=True)
    transaction.on_commit(lambda: tasks.schedule_closing(campaign.pk, campaign.closes_at))
    return campaign


def do_close_campaign(campaign_id: int, now: datetime | None = None) -> bool:
    """Close a due campaign and announce its result; True if this call closed it.

    Idempotent: the conditional UPDATE lets exactly one caller through, however many
    workers run the closing task at once."""
    now = now or timezone.now()
    with transaction.atomic():
        closed = Campaign.objects.filter(pk=campaign_id, closed_at__isnull=True,
                                         closes_at__lte=now).update(closed_at=now)
        if not closed:
            return False
        campaign = Campaign.objects.select_related("space", "created_by").get(pk=campaign_id)
        results = queries.campaign_results(campaign)
        lines = [f"**{campaign.title}** is now closed. Thank you to the {results.participants} "
                 f"people who took part: {results.total_votes} votes from "
                 f"{results.voters} voters.", ""]
        for n, idea in enumerate(results.ideas[:10], 1):
            lines.append(f"{n}. [{idea.title}](/ideas/{idea.pk}): {idea.vote_count} "
                         f"vote{'s' if idea.vote_count != 1 else ''}")
        lines += ["", f"Full results: [/ideas/c/{campaign.slug}/results]"
                      f"(/ideas/c/{campaign.slug}/results)"]
        thread = community.do_create_thread(campaign.created_by, campaign.space,
                                            title=f"Results: {campaign.title}"[:200],
                                            body="\n".join(lines), notify=False)
        Campaign.objects.filter(pk=campaign.pk).update(result_thread=thread)
        winner = results.ideas[0] if results.ideas else None
        text = f"“{campaign.title}” has closed"
        text += f": the most votes went to “{winner.title}”." if winner else "."
        users = User.objects.filter(pk__in=queries.participant_ids(campaign))
        _notify(NotificationKind.CAMPAIGN, campaign.created_by, campaign, thread,
                [(u, text[:300]) for u in users], url=f"/ideas/c/{campaign.slug}/results")
    return True


def close_due_campaigns(now: datetime | None = None) -> list[int]:
    return [cid for cid in queries.due_campaign_ids(now) if do_close_campaign(cid, now)]


# Notifications ------------------------------------------------------------------------


def _notify(kind: str, actor: User, campaign: Campaign, thread: Thread,
            recipients: Iterable[tuple[User, str]], url: str,
            skip_actor: bool = True) -> list[Notification]:
    """One worded notification per recipient who may still see the campaign."""
    worded = {u.pk: (u, text) for u, text in recipients}
    visible = community.who_can_see(campaign.space, [u for u, _t in worded.values()])
    rows = [Notification(recipient=u, actor=actor, kind=kind, thread=thread,
                         text=worded[u.pk][1], url=url)
            for u in visible
            if queries.in_audience(u, campaign) and not (skip_actor and u.pk == actor.pk)]
    created = Notification.objects.bulk_create(rows)
    if created and created[0].pk is not None:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: community_tasks.email_notifications.enqueue(ids))
    return created


def _notify_status(actor: User, idea: Idea, status: str, reason: str,
                   voter_ids: Iterable[int] | None = None) -> None:
    """The author, the voters and the followers, each told why they hear about it."""
    words = STATUS_WORDS[Status(status)]
    if status == Status.MERGED and idea.merged_into is not None:
        words = f"was merged into “{idea.merged_into.title}”; votes moved with it"
    tail = f" ({reason})" if reason and status != Status.MERGED else ""
    voters = (User.objects.filter(pk__in=list(voter_ids)) if voter_ids is not None
              else User.objects.filter(idea_votes__idea=idea))
    recipients: dict[int, tuple[User, str]] = {}
    for user in User.objects.filter(idea_follows__idea=idea):
        recipients[user.pk] = (user, f"The idea you follow, “{idea.title}”, {words}.")
    for user in voters:
        recipients[user.pk] = (user, f"The idea you voted for, “{idea.title}”, {words}.")
    recipients[idea.author_id] = (idea.author, f"Your idea “{idea.title}” {words}.")
    target = idea.merged_into if idea.merged_into_id else idea
    assert target is not None
    thread = target.thread or idea.thread
    if thread is None:
        return
    _notify(NotificationKind.IDEA, actor, idea.campaign, thread,
            [(u, (text + tail)[:300]) for u, text in recipients.values()],
            url=f"/ideas/{target.pk}")


# Ideas --------------------------------------------------------------------------------


def check_submit_idea(user: User, campaign: Campaign, *, title: str, description: str = "",
                      tags: Iterable[str] = ()) -> Idea:
    _require_member(user)
    _require_campaign(user, campaign)
    _require_open(campaign)
    runner = queries.can_run_campaign(user, campaign)
    if campaign.is_choice and not (runner or campaign.accept_suggestions):
        raise Forbidden("This is a choice between the options offered; suggestions are off.")
    pending = campaign.is_choice and not runner
    return do_submit_idea(user, campaign, title=_clean_title(title),
                          description=_clean_text(description), tags=community.clean_tags(tags),
                          is_option=campaign.is_choice and runner, approved=not pending)


@transaction.atomic
def do_submit_idea(author: User, campaign: Campaign, *, title: str, description: str = "",
                   tags: Iterable[str] = (), is_option: bool = False,
                   approved: bool = True) -> Idea:
    idea = Idea.objects.create(campaign=campaign, title=title, description=description,
                               author=author, tags=list(tags), is_option=is_option,
                               is_approved=approved)
    Credit.objects.create(idea=idea, person=author, role=CreditRole.AUTHOR)
    do_follow_idea(author, idea)
    if approved:
        _open_discussion(idea)
    return idea


def _open_discussion(idea: Idea) -> None:
    """The idea's discussion is a thread in the campaign's space: the community's posts and
    replies, with the idea's page linked from the opening post."""
    campaign = idea.campaign
    body = (f"{idea.description}\n\n" if idea.description else "") + (
        f"*An idea for [{campaign.title}](/ideas/c/{campaign.slug})"
        f"{'' if campaign.title.rstrip()[-1:] in '.?!' else '.'} "
        f"[Vote for it and follow its status](/ideas/{idea.pk}); discuss it here.*")
    thread = community.do_create_thread(idea.author, campaign.space, title=idea.title,
                                        body=body, tags=idea.tags[:5], notify=False)
    Idea.objects.filter(pk=idea.pk).update(thread=thread)
    idea.thread = thread
    idea_id = idea.pk
    transaction.on_commit(lambda: tasks.index_similarity.enqueue("idea", [idea_id]))


def check_approve_suggestion(user: User, idea: Idea) -> Idea:
    _require_runner(user, idea.campaign)
    if idea.is_approved:
        return idea
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(is_approved=True)
        idea.is_approved = True
        _open_discussion(idea)
    return idea


# Votes --------------------------------------------------------------------------------


def check_vote(user: User, idea: Idea) -> Idea:
    _require_member(user)
    _require_campaign(user, idea.campaign)
    _require_open(idea.campaign)
    if idea.is_merged and idea.merged_into is not None:
        idea = idea.merged_into
    if not idea.is_approved:
        raise Conflict("This suggestion is waiting for a moderator.")
    if idea.is_decided:
        raise Conflict(f"This idea {STATUS_WORDS[Status(idea.status)]}: voting on it has "
                       "closed.")
    do_vote(user, idea)
    return idea


def do_vote(voter: User, idea: Idea, *, at: datetime | None = None) -> bool:
    """Cast a vote; True if it was new. Safe under any number of concurrent requests: the
    unique (idea, voter) constraint decides, and the counter moves only when the row went in.
    Budgets and single choices lock the member's budget row for the campaign first."""
    campaign = idea.campaign
    limited = campaign.vote_budget is not None or (
        campaign.is_choice and campaign.choice_mode == ChoiceMode.SINGLE)
    with transaction.atomic():
        if limited:
            VoteBudget.objects.bulk_create([VoteBudget(campaign=campaign, member=voter)],
                                           ignore_conflicts=True)
            VoteBudget.objects.select_for_update().get(campaign=campaign, member=voter)
            if Vote.objects.filter(idea=idea, voter=voter).exists():
                return False
            mine = Vote.objects.filter(campaign=campaign, voter=voter)
            if campaign.is_choice and campaign.choice_mode == ChoiceMode.SINGLE:
                for old in list(mine.values_list("idea_id", flat=True)):
                    _delete_vote(old, voter)
            elif campaign.vote_budget is not None and mine.count() >= campaign.vote_budget:
                if campaign.vote_budget == 1:
                    raise Conflict("You have used your one vote in this campaign. Withdraw it "
                                   "to vote for this idea.")
                raise Conflict(f"You have used all {campaign.vote_budget} of your votes in this "
                               "campaign. Withdraw one to vote for this idea.")
        try:
            with transaction.atomic():
                Vote.objects.create(idea=idea, voter=voter, campaign=campaign,
                                    created_at=at or timezone.now())
        except IntegrityError:
            return False
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
    idea.vote_count += 1
    return True


def _delete_vote(idea_id: int, voter: User) -> bool:
    deleted, _ = Vote.objects.filter(idea_id=idea_id, voter=voter).delete()
    if deleted:
        Idea.objects.filter(pk=idea_id).update(vote_count=F("vote_count") - 1)
    return bool(deleted)


def check_withdraw_vote(user: User, idea: Idea) -> Idea:
    _require_member(user)
    _require_campaign(user, idea.campaign)
    _require_open(idea.campaign)
    if idea.is_merged and idea.merged_into is not None:
        idea = idea.merged_into
    do_withdraw_vote(user, idea)
    return idea


@transaction.atomic
def do_withdraw_vote(voter: User, idea: Idea) -> bool:
    if _delete_vote(idea.pk, voter):
        idea.vote_count -= 1
        return True
    return False


# Follows ------------------------------------------------------------------------------


def check_follow_idea(user: User, idea: Idea, on: bool = True) -> Idea:
    if not user.is_authenticated:
        raise Forbidden("Sign in to follow.")
    _require_campaign(user, idea.campaign)
    do_follow_idea(user, idea, on)
    return idea


@transaction.atomic
def do_follow_idea(user: User, idea: Idea, on: bool = True) -> bool:
    if on:
        try:
            with transaction.atomic():
                IdeaFollow.objects.create(idea=idea, user=user)
        except IntegrityError:
            return False
        Idea.objects.filter(pk=idea.pk).update(follower_count=F("follower_count") + 1)
        return True
    deleted, _ = IdeaFollow.objects.filter(idea=idea, user=user).delete()
    if deleted:
        Idea.objects.filter(pk=idea.pk).update(follower_count=F("follower_count") - 1)
    return bool(deleted)


# Statuses, merges, credits ------------------------------------------------------------


def check_set_status(user: User, idea: Idea, status: str, reason: str = "") -> Idea:
    _require_runner(user, idea.campaign)
    reason = " ".join((reason or "").split())[:500]
    if status not in Status.values or status == Status.MERGED:
        raise ActionError("Choose one of: " + ", ".join(
            s for s in Status.values if s != Status.MERGED) + " (merging has its own form).")
    if idea.is_merged:
        raise Conflict("This idea was merged; change the status of the idea it went into.")
    if status in STATUSES_WITH_REASON and not reason:
        raise ActionError("Give the reason: everyone who took part will read it.")
    if status == idea.status and reason == idea.status_reason:
        return idea
    return do_set_status(user, idea, status, reason)


@transaction.atomic
def do_set_status(actor: User, idea: Idea, status: str, reason: str = "",
                  notify: bool = True) -> Idea:
    now = timezone.now()
    old = idea.status
    idea.status, idea.status_reason, idea.status_changed_at = status, reason, now
    if status == Status.SHIPPED and idea.shipped_at is None:
        idea.shipped_at = now
    idea.save(update_fields=["status", "status_reason", "status_changed_at", "shipped_at"])
    StatusChange.objects.create(idea=idea, actor=actor, old_status=old, new_status=status,
                                reason=reason, created_at=now)
    if status == Status.SHIPPED:
        Credit.objects.filter(idea=idea, granted_at__isnull=True).update(granted_at=now)
        from fireside.rewards.actions import on_event

        space_id = idea.campaign.space_id
        for person_id in Credit.objects.filter(idea=idea).values_list("person_id", flat=True):
            on_event("idea_shipped", person_id, key=f"shipped:idea:{idea.pk}:{person_id}",
                     space_id=space_id, reason=f"Idea shipped: “{idea.title[:120]}”")
    if notify:
        _notify_status(actor, idea, status, reason)
    return idea


def check_merge(user: User, source: Idea, target: Idea, reason: str = "") -> Idea:
    _require_runner(user, source.campaign)
    if source.pk == target.pk:
        raise ActionError("An idea cannot be merged into itself.")
    if source.campaign_id != target.campaign_id:
        raise ActionError("Ideas can only be merged within one campaign.")
    if source.is_merged or target.is_merged:
        raise Conflict("One of these ideas was already merged.")
    reason = " ".join((reason or "").split())[:500] or f"Merged into “{target.title}”."
    return do_merge(user, source, target, reason)


@transaction.atomic
def do_merge(actor: User, source: Idea, target: Idea, reason: str) -> Idea:
    """Move votes, followers and credits from `source` to `target`. A member who voted for
    both keeps one vote; the counters are recounted under the ideas' row locks."""
    locked = {i.pk: i for i in Idea.objects.select_for_update().filter(
        pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    source_voters = list(Vote.objects.filter(idea=source).values_list("voter_id", flat=True))
    target_voters = set(Vote.objects.filter(idea=target).values_list("voter_id", flat=True))
    Vote.objects.filter(idea=source, voter_id__in=target_voters).delete()
    Vote.objects.filter(idea=source).update(idea=target)
    target_followers = set(IdeaFollow.objects.filter(idea=target).values_list("user_id",
                                                                                flat=True))
    moved_followers = list(IdeaFollow.objects.filter(idea=source).exclude(
        user_id__in=target_followers).values_list("user_id", flat=True))
    IdeaFollow.objects.bulk_create([IdeaFollow(idea=target, user_id=u) for u in moved_followers],
                                   ignore_conflicts=True)
    credited = set(Credit.objects.filter(idea=target).values_list("person_id", flat=True))
    granted = timezone.now() if target.status == Status.SHIPPED else None
    Credit.objects.bulk_create([
        Credit(idea=target, person_id=c.person_id,
               role=CreditRole.COAUTHOR if c.role == CreditRole.AUTHOR else c.role,
               note=f"from the merged idea “{source.title}”"[:300], named_by=actor,
               granted_at=granted)
        for c in source.credits.all() if c.person_id not in credited
    ], ignore_conflicts=True)
    for idea in (source, target):
        Idea.objects.filter(pk=idea.pk).update(
            vote_count=Vote.objects.filter(idea=idea).count(),
            follower_count=IdeaFollow.objects.filter(idea=idea).count())
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    do_set_status(actor, source, Status.MERGED, reason, notify=False)
    _notify_status(actor, source, Status.MERGED, reason, voter_ids=source_voters)
    target.refresh_from_db()
    return target


def check_credit(user: User, idea: Idea, person: User, note: str = "") -> Credit:
    _require_runner(user, idea.campaign)
    if not person.is_active:
        raise NotFound("No such member.")
    return do_credit(user, idea, person, " ".join((note or "").split())[:300])


@transaction.atomic
def do_credit(named_by: User, idea: Idea, person: User, note: str = "") -> Credit:
    """Name someone who shaped the idea; the credit shows once the idea has shipped."""
    granted = timezone.now() if idea.status == Status.SHIPPED else None
    credit, created = Credit.objects.get_or_create(
        idea=idea, person=person,
        defaults={"role": CreditRole.SHAPER, "note": note, "named_by": named_by,
                  "granted_at": granted})
    if not created and note and not credit.note:
        credit.note = note
        credit.save(update_fields=["note"])
    return credit
