"""The demo organization's campaigns: a live one with ideas in every status, a choice,
and a closed one with its result announced. Idempotent: campaigns are looked up by slug."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from fireside.community.models import Post, Space, Thread
from fireside.ideas import actions
from fireside.ideas.models import Campaign, CampaignForm, ChoiceMode, Idea, Status
from fireside.people.models import User

IDEAS_SPACE = {"slug": "ideas", "name": "Ideas & roadmap",
               "purpose": "Tell us what to make next and vote on what others suggest: "
                          "we say what became of every idea and credit the people behind it."}

FLAVOUR_IDEAS = [
    # (author, title, description, status, reason, voters, days ago)
    ("alex", "Oat milk pumpkin spice latte",
     "A seasonal latte that works with oat milk from the start, not as an afterthought.",
     Status.SHIPPED, "In every box from November, with a recipe card.",
     ["sam", "rosa", "jonas", "maya", "lena"], 20),
    ("alex", "Maple pecan winter blend",
     "A medium roast with maple and toasted pecan notes for the cold months.",
     Status.PLANNED, "Roasting trials start next month.", ["sam", "rosa", "jonas"], 18),
    ("rosa", "Decaf single origin from Colombia",
     "Sugar-cane processed decaf that still tastes like coffee.",
     Status.IN_PROGRESS, "Samples are on their way from our importer.", ["alex", "sam"], 15),
    ("sam", "Refill pouches for the beans",
     "Compostable refill pouches so the tins can be reused.",
     Status.UNDER_REVIEW, "", ["rosa", "alex", "jonas", "priya"], 12),
    ("rosa", "Cardamom cold brew concentrate",
     "Cold brew with a hint of cardamom, sold as a concentrate for summer.",
     Status.NEW, "", ["alex"], 3),
    ("sam", "Pineapple espresso tonic",
     "Espresso over tonic with pineapple juice: the summer drink of my dreams.",
     Status.DECLINED, "We tried it in our lab: the acidity fights the espresso and the result "
     "was not something we would be proud to sell.", ["jonas"], 10),
]
MERGED_IDEA = ("jonas", "Pumpkin latte with oat milk",
               "Please make the pumpkin latte dairy-free!", ["rosa", "lena"], 19)


def load_ideas_demo(people: dict[str, User], spaces: dict[str, Space],
                    say: Callable[[str], None] | None = None) -> None:
    space, created = Space.objects.get_or_create(
        slug=IDEAS_SPACE["slug"], defaults={"name": IDEAS_SPACE["name"],
                                            "purpose": IDEAS_SPACE["purpose"], "position": 2})
    if created:
        space.moderators.set([people["priya"]])
    spaces.setdefault(space.slug, space)
    host, mod = people["tom"], people["priya"]
    now = timezone.now()
    if not Campaign.objects.filter(slug="next-flavour").exists():
        _flavour_campaign(people, space, host, mod, now)
        if say:
            say("created campaign What should we brew next?")
    if not Campaign.objects.filter(slug="name-the-holiday-blend").exists():
        _naming_campaign(people, space, host, now)
    if not Campaign.objects.filter(slug="first-brew-guide").exists():
        _closed_campaign(people, space, host, now)


def _backdate(idea: Idea, days: float) -> None:
    """The idea and its discussion thread were posted `days` ago (so the home page's
    recent activity is not fourteen idea threads from the minute the demo loaded)."""
    stamp = timezone.now() - timedelta(days=days)
    Idea.objects.filter(pk=idea.pk).update(created_at=stamp)
    if idea.thread_id:
        Thread.objects.filter(pk=idea.thread_id).update(created_at=stamp)
        Thread.objects.filter(pk=idea.thread_id, reply_count=0).update(last_activity_at=stamp)
        Post.objects.filter(thread_id=idea.thread_id, is_opening=True).update(created_at=stamp)


def _flavour_campaign(people: dict[str, User], space: Space, host: User, mod: User,
                      now: object) -> None:
    start = timezone.now() - timedelta(days=21)
    campaign = actions.do_create_campaign(
        host, space, slug="next-flavour", title="What should we brew next?",
        description="New flavours, blends and ways to buy: suggest what you would love from "
                    "Ember, and vote for up to five ideas. We will say what happens to each.",
        opens_at=start, closes_at=timezone.now() + timedelta(days=21), vote_budget=5)
    made: dict[str, Idea] = {}
    for author, title, description, _s, _r, voters, days in FLAVOUR_IDEAS:
        idea = actions.do_submit_idea(people[author], campaign, title=title,
                                      description=description)
        _backdate(idea, days)
        for n, handle in enumerate(voters):
            actions.do_vote(people[handle], idea,
                            at=timezone.now() - timedelta(days=days - 1 - n * 0.7))
        made[title] = idea
    author, title, description, voters, days = MERGED_IDEA
    duplicate = actions.do_submit_idea(people[author], campaign, title=title,
                                       description=description)
    _backdate(duplicate, days)
    for handle in voters:
        actions.do_vote(people[handle], duplicate, at=timezone.now() - timedelta(days=days - 1))
    shipped = made["Oat milk pumpkin spice latte"]
    actions.do_merge(mod, duplicate, shipped, "Same idea as the oat milk pumpkin spice latte.")
    actions.do_credit(mod, shipped, people["priya"], "Developed the recipe")
    for _a, title, _d, status, reason, _v, _days in FLAVOUR_IDEAS:
        idea = made[title]
        idea.refresh_from_db()
        path = {Status.PLANNED: [Status.UNDER_REVIEW, Status.PLANNED],
                Status.IN_PROGRESS: [Status.PLANNED, Status.IN_PROGRESS],
                Status.SHIPPED: [Status.PLANNED, Status.IN_PROGRESS, Status.SHIPPED]}.get(
                    status, [status] if status != Status.NEW else [])
        for step in path:
            actions.do_set_status(mod, idea, step, reason if step == status else "")


def _naming_campaign(people: dict[str, User], space: Space, host: User, now: object) -> None:
    campaign = actions.do_create_campaign(
        host, space, slug="name-the-holiday-blend", title="Name our holiday blend",
        description="Our holiday blend needs a name. Pick your favourite, or suggest one: "
                    "a moderator adds good suggestions to the list.",
        form=CampaignForm.CHOICE, choice_mode=ChoiceMode.SINGLE, accept_suggestions=True,
        opens_at=timezone.now() - timedelta(days=4), closes_at=timezone.now() + timedelta(days=10),
        options=["Ember Hearth", "Winter Embers", "Fireside Reserve"])
    options = {i.title: i for i in Idea.objects.filter(campaign=campaign)}
    for handle, title in (("alex", "Winter Embers"), ("sam", "Ember Hearth"),
                          ("rosa", "Winter Embers"), ("jonas", "Fireside Reserve"),
                          ("lena", "Winter Embers")):
        actions.do_vote(people[handle], options[title])
    actions.do_submit_idea(people["sam"], campaign, title="Northern Lights", approved=False)


def _closed_campaign(people: dict[str, User], space: Space, host: User, now: object) -> None:
    start = timezone.now() - timedelta(days=40)
    campaign = actions.do_create_campaign(
        host, space, slug="first-brew-guide", title="Which brew guide should we write first?",
        description="We are writing brew guides. Vote for the one you want first.",
        form=CampaignForm.CHOICE, choice_mode=ChoiceMode.APPROVAL, opens_at=start,
        closes_at=timezone.now() - timedelta(days=10),
        options=["AeroPress for travellers", "Moka pot without bitterness", "Pour-over basics"])
    options = list(Idea.objects.filter(campaign=campaign).order_by("pk"))
    votes = {"alex": [0, 2], "sam": [1], "rosa": [1, 2], "jonas": [2], "lena": [2],
             "maya": [0]}
    for n, (handle, picks) in enumerate(votes.items()):
        for pick in picks:
            actions.do_vote(people[handle], options[pick],
                            at=start + timedelta(days=2 + n * 4))
    actions.do_close_campaign(campaign.pk)
