"""Rewards and relationships for the demo organization: points, a badge, thank-you notes,
an introduction, a promoter (Alex, praising on Mastodon) and a detractor (Rosa, with an
open complaint on Bluesky), with their staff tasks. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from fireside.listening.actions import channel_named
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.people.models import User
from fireside.relationships import standing
from fireside.rewards import actions as rewards
from fireside.rewards.models import Badge, BadgeAward, EventKind, Introduction, ThankYou

PRAISE = ("The Ember Flow grinder changed my mornings, thank you!",
          "Your pour-over guide is brilliant, best coffee I have made at home",
          "Thanks to the community for the light roast tips, wonderful people here")
HELPED = 40  # of the demo's detractors' help tasks, the oldest first
COMPLAINT = ("My wholesale order arrived damaged again and nobody has answered my e-mail. "
             "Really disappointed.")


def load_relationships_demo(say: Callable[[str], None]) -> None:
    people = {u.username: u for u in User.objects.filter(
        username__in=("tom", "priya", "alex", "sam", "rosa", "jonas"))}
    if len(people) < 6:
        return
    now = timezone.now()
    # Alex praises on Mastodon three times this week; Rosa complains on Bluesky.
    mastodon = channel_named("Mastodon", "mastodon")
    bluesky = channel_named("Bluesky", "bluesky")
    stored = ingest_batch(mastodon, [
        RawMessage(external_id=f"demo-alex-{i}", author="@alex@brew.social", text=text,
                   created_at=now - timedelta(days=3 - i), author_name="Alex Kim",
                   user_id=people["alex"].pk) for i, text in enumerate(PRAISE)]).stored
    stored += ingest_batch(bluesky, [
        RawMessage(external_id="demo-rosa-1", author="rosa.bsky.social", text=COMPLAINT,
                   created_at=now - timedelta(hours=5), author_name="Rosa Alvarez",
                   user_id=people["rosa"].pk)]).stored
    if stored:
        say(f"heard {stored} messages from Alex and Rosa on social channels")
        # Priya answered Alex's praise an hour after his last post; Rosa still waits.
        from fireside.care.actions import do_reply
        from fireside.care.models import Conversation

        praised = Conversation.objects.filter(messages__external_id="demo-alex-0").first()
        if praised is not None:
            do_reply(people["priya"], praised, "Thank you, Alex! We love hearing this. Tell us "
                     "which beans you grind first thing.", at=now - timedelta(hours=23))
    # Everyone heard from (care conversations too), not only Alex and Rosa: one aggregate
    # pass over the window's messages, as the nightly job does; unchanged rows stay as
    # they are, so a second run adds nothing.
    outcome = standing.recompute(None)
    if outcome.changed:
        say(f"standings: {outcome.changed} set, {outcome.tasks} staff tasks opened")

    tom, sam = people["tom"], people["sam"]
    note = "Thank you for welcoming every newcomer in Espresso corner, Sam!"
    if not ThankYou.objects.filter(sender=tom, recipient=sam, message=note).exists():
        rewards.check_thank(tom, sam, note, points=30)
        rewards.check_thank(people["alex"], sam, "Your milk-steaming tip saved my flat white.")
        say("thank-you notes for Sam")
    hero = Badge.objects.filter(slug="community-hero").first()
    if hero and not BadgeAward.objects.filter(badge=hero, user=sam).exists():
        rewards.check_award_badge(tom, hero, sam, "Ran the first home-espresso meetup")
    rewards.do_award(people["priya"].pk, EventKind.STAFF_AWARD, event_key="demo:priya:guide",
                     points=40, reason="Wrote the grinder calibration guide", awarded_by=tom)
    rewards.do_award(people["alex"].pk, EventKind.HELPED_MEMBER, event_key="demo:alex:helped",
                     reason="Thanked by @sam for pour-over help")
    a, b = sorted((people["rosa"], people["jonas"]), key=lambda u: u.pk)
    if not Introduction.objects.filter(first=a, second=b).exists():
        rewards.do_introduce(tom, a, b, "Rosa runs a café and buys green coffee; Jonas "
                             "supplies it. You should talk logistics!")
        say("introduced Rosa and Jonas")
    _work_some_tasks(tom, people["alex"], people["rosa"], sam, say)


def _work_some_tasks(tom: User, alex: User, rosa: User, sam: User,
                     say: Callable[[str], None]) -> None:
    """Tom has already worked through part of the task list, so the scorecard shows
    progress rather than nothing; Alex's thank-you and Rosa's help are left for a newcomer
    to do. Only on the first run: a second run finds Tom's finished tasks and stops."""
    from fireside.relationships.actions import check_complete, do_suggest_thanks
    from fireside.relationships.models import StaffTask, TaskKind, TaskStatus

    if StaffTask.objects.filter(status=TaskStatus.DONE, completed_by=tom).exists():
        return
    open_tasks = (StaffTask.objects.filter(status=TaskStatus.OPEN).select_related("person")
                  .exclude(person__user__in=(alex, rosa)).order_by("created_at", "id"))
    helped = list(open_tasks.filter(kind=TaskKind.HELP)[:HELPED])
    for task in helped:
        check_complete(tom, task, note="Called them, apologized and put it right; "
                                       "they said they would stay with us.")
    thank = do_suggest_thanks(sam.pk, "Three accepted answers in Brewing help this month")
    if thank is not None:
        check_complete(tom, thank, note="Sent a handwritten card and a bag of the new roast.")
    say(f"Tom worked {len(helped)} help tasks and thanked Sam")
