"""A realistic stream for the demo organization, Ember Coffee Co.

`fireside simulate` feeds the live inbox: complaints, questions, praise and suggestions
about subscriptions, deliveries and grinders, on four simulated channels, through the
same ingest pipeline as every real source. `--burst` adds an outage ("the app won't
load", "can't log in") that incident detection picks up. `load_history` gives the demo
two days of past conversations, some answered and some waiting, with their clocks.
Every text here was written for Fireside.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TextIO

from django.utils import timezone

from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import IngestResult, RawMessage, ingest_batch
from fireside.listening.models import Channel, ChannelKind, Message

CHANNELS = (  # name, kind, the organization's own handle there
    ("Mastodon", ChannelKind.MASTODON, "@embercoffee@coffee.social"),
    ("Bluesky", ChannelKind.BLUESKY, "embercoffee.bsky.social"),
    ("Support e-mail", ChannelKind.IMAP, "care@ember.example"),
    ("Shop reviews", ChannelKind.WEBHOOK, "ember-shop"),
)
FIRST = ("Jo", "Sam", "Ana", "Ben", "Priti", "Luis", "Mei", "Olu", "Kai", "Rosa", "Tomás",
         "Ines", "Noor", "Felix", "Hana", "Dev", "Lotte", "Yusuf", "Clara", "Ravi")
LAST = ("Marsh", "Okoro", "Silva", "Brandt", "Nakamura", "Haddad", "Quinn", "Lind",
        "Moreau", "Kowalski", "Achebe", "Duarte", "Field", "Ito", "Varga")

COMPLAINTS = (
    "My Ember subscription box was supposed to arrive Tuesday and there is still nothing. "
    "Order {n}.",
    "Third bag in a row that arrived with a split seam, beans everywhere in the box.",
    "The Ember Burr grinder I bought last month has started squeaking and grinds unevenly.",
    "I was charged twice for this month's subscription. Please sort this out.",
    "The courier left my coffee in the rain again. Soaked box, stale beans. Not happy.",
    "Paused my subscription weeks ago and you still sent a bag and billed me for it.",
    "The grinder's hopper lid cracked on day two. Really disappointed for the price.",
    "Tracking has said 'out for delivery' for four days. Where is my order {n}?",
)
QUESTIONS = (
    "How do I pause my subscription while I'm travelling next month?",
    "Can I switch from the Ember House blend to the single origin without a new plan?",
    "Which grind setting on the Ember Burr do you recommend for a moka pot?",
    "Do you deliver to Ireland, and how long does it usually take?",
    "Is the Kenya Kiambu roast still coming back this season?",
    "Can I change the delivery day of my subscription to Fridays?",
    "How do I descale the grinder, or does it not need it?",
    "Do you offer gift subscriptions for three months?",
)
PRAISE = (
    "The new Ember espresso roast is wonderful. Best morning coffee I've had in years.",
    "Shout-out to the Ember care team, they replaced my grinder in two days. Brilliant.",
    "Subscription box arrived early and smelled amazing when I opened it. Thank you!",
    "Loving the tasting notes card in every bag, it makes me slow down and enjoy it.",
    "Ember's decaf is the first decaf I actually look forward to. Great work.",
)
SUGGESTIONS = (
    "It would be great if the app let me choose a grind size per delivery.",
    "Please offer compostable refill pouches for the subscription.",
    "Would love a smaller 250 g option for people who try lots of roasts.",
)
OUTAGE = (  # people in an outage say nearly the same thing, which is how it is spotted
    "The Ember app won't load and I can't log in.",
    "Ember app won't load, can't log in this morning.",
    "Is the Ember app down? It won't load and I can't log in.",
    "Can't log in to the Ember app, it won't load at all.",
    "The app won't load since this morning, can't log in to my Ember account.",
    "Ember app down? Won't load, can't log in to skip my delivery.",
)
REPLIES = (
    "Hi {name}, sorry about that! Could you send us your order number in a DM? We'll sort "
    "it out today.",
    "Thanks for reaching out, {name}. We've passed this to the team and will update you "
    "shortly.",
    "Hi {name}, good question! You can do that under Account > Subscription. Happy to help "
    "if anything's unclear.",
    "That's lovely to hear, {name}. Thank you, we'll pass it on to the roasters!",
)


def channels() -> list[Channel]:
    """The simulated channels, created on first use (their replies go nowhere)."""
    out = []
    for name, kind, handle in CHANNELS:
        channel = Channel.objects.filter(name=name).first()
        if channel is None:
            channel = do_create_channel(name, kind, config={"simulated": True,
                                                            "account": handle})
        out.append(channel)
    return out


def _person(rng: random.Random) -> tuple[str, str]:
    """One of 300 people, each name always the same handle: two authors never share a
    name, and someone who writes twice is one person, as on a real channel."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return name.lower().replace(" ", "_").replace("á", "a"), name


def _text(rng: random.Random) -> str:
    pool = rng.choices((COMPLAINTS, QUESTIONS, PRAISE, SUGGESTIONS), (4, 3, 2, 1))[0]
    return rng.choice(pool).format(n=f"#E{rng.randint(10000, 99999)}")


def messages(rng: random.Random, count: int, *, start: datetime, end: datetime,
             prefix: str, outage: bool = False) -> Iterator[tuple[int, RawMessage]]:
    """`count` messages spread between start and end, as (channel index, message)."""
    span = (end - start).total_seconds()
    for i in range(count):
        author, name = _person(rng)
        text = rng.choice(OUTAGE) if outage else _text(rng)
        at = start + timedelta(seconds=span * (i + rng.random()) / count)
        yield rng.randrange(len(CHANNELS)), RawMessage(
            external_id=f"{prefix}-{i}", author=author, author_name=name, text=text,
            created_at=at)


def _ingest(pairs: list[tuple[int, RawMessage]], targets: list[Channel]) -> IngestResult:
    total = IngestResult()
    for index, channel in enumerate(targets):
        batch = [raw for i, raw in pairs if i == index]
        if batch:
            total.add(ingest_batch(channel, batch))
    return total


def run(rate: float = 1.0, *, burst: bool = False, seconds: float | None = None,
        out: TextIO | None = None) -> IngestResult:
    """Send about `rate` messages a second until stopped (or for `seconds`)."""
    rng = random.Random()
    targets = channels()
    total = IngestResult()
    started = time.monotonic()
    tick = 0
    if burst:
        now = timezone.now()
        pairs = list(messages(rng, 30, start=now - timedelta(minutes=20), end=now,
                              prefix=f"sim-burst-{int(now.timestamp())}", outage=True))
        total.add(_ingest(pairs, targets))
        if out:
            print(f"outage burst: {len(pairs)} reports", file=out, flush=True)
    while seconds is None or time.monotonic() - started < seconds:
        tick += 1
        now = timezone.now()
        count = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
        pairs = list(messages(rng, count, start=now - timedelta(seconds=1), end=now,
                              prefix=f"sim-{int(now.timestamp() * 1000)}-{tick}"))
        result = _ingest(pairs, targets)
        total.add(result)
        if out and result.stored:
            print(f"{total.stored} messages sent, {total.opened} conversations opened",
                  file=out, flush=True)
        time.sleep(1.0)
    return total


def load_history(now: datetime | None = None, *, seed: int = 5) -> int:
    """Two days of past conversations for the demo; returns the messages stored (0 when
    they are there already)."""
    if Message.objects.filter(external_id__startswith="hist-").exists():
        return 0
    from fireside.care.actions import do_reply, do_set_status
    from fireside.care.incidents import do_detect_incidents
    from fireside.care.models import Conversation, Status
    from fireside.people.models import User

    now = now or timezone.now()
    rng = random.Random(seed)
    targets = channels()
    agents = list(User.objects.filter(role__in=("agent", "community_manager")))
    old = list(messages(rng, 160, start=now - timedelta(hours=48),
                        end=now - timedelta(hours=3), prefix="hist-old"))
    recent = list(messages(rng, 24, start=now - timedelta(hours=3), end=now,
                           prefix="hist-new"))
    outage = list(messages(rng, 14, start=now - timedelta(minutes=80), end=now,
                           prefix="hist-outage", outage=True))
    stored = _ingest(old + recent + outage, targets).stored
    if agents:
        # Older conversations were answered within a few hours; many are resolved.
        # Every wait that began before the cutoff (a first message, or the customer writing
        # again after a reply) was answered, but for a few that were missed.
        # The outage's reports stay open: they are the incident the inbox proposes.
        cutoff = now - timedelta(minutes=75)
        for conv in (Conversation.objects.filter(status=Status.OPEN, awaiting_since__lt=cutoff)
                     .exclude(messages__external_id__startswith="hist-outage")):
            if conv.pk % 12 == 0 and conv.intent != "praise":
                continue  # a few questions and complaints were missed: they show as breached
            agent = rng.choice(agents)
            assert conv.awaiting_since is not None
            at = conv.awaiting_since + timedelta(minutes=rng.choice((8, 25, 50, 95, 200)))
            name = (conv.person.display_name.split()[0] if conv.person else "there")
            do_reply(agent, conv, rng.choice(REPLIES).format(name=name), at=min(at, cutoff))
            if rng.random() < 0.6:
                conv.refresh_from_db()
                do_set_status(conv, Status.RESOLVED)
    do_detect_incidents(now, min_reports=10)
    return stored
