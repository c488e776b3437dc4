"""Incidents: many people reporting the same problem at once, handled as one.

Detection looks at recent complaints not yet in an incident, encodes them with the
signals library's similarity vectors (unit length, so a dot product is the cosine), and
proposes an incident when at least MIN_REPORTS people said similar things within the
window, whatever their channel. An agent confirms it; one acknowledgment then goes to
every linked conversation and counts as its first response; one follow-up reaches
every affected person on their own channel when the problem is fixed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from fireside.care.actions import do_reply, do_set_status
from fireside.care.models import Alert, Conversation, Incident, Status
from fireside.errors import ActionError
from fireside.listening.models import Direction, Message
from fireside.people.models import User
from fireside.signals import similarity_vectors_for
from fireside.signals.similarity import content_words

WINDOW = timedelta(hours=2)
MIN_REPORTS = 10
SIMILARITY = 0.5


def do_detect_incidents(now: datetime | None = None, *, window: timedelta = WINDOW,
                        min_reports: int = MIN_REPORTS) -> list[Incident]:
    now = now or timezone.now()
    rows = list(Message.objects.filter(
        direction=Direction.IN, complaint=True, created_at__gte=now - window,
        conversation__isnull=False, conversation__incident__isnull=True,
        conversation__status__in=(Status.OPEN, Status.WAITING),
    ).order_by("created_at").values_list("conversation_id", "text")[:5000])
    if len(rows) < min_reports:
        return []
    by_conv: dict[int, str] = {}
    for conv_id, text in rows:
        by_conv.setdefault(conv_id, text)
    ids = list(by_conv)
    vectors = similarity_vectors_for([by_conv[i] for i in ids])
    sims = vectors @ vectors.T
    taken: set[int] = set()
    proposed = []
    order = np.argsort(-(sims >= SIMILARITY).sum(axis=1))
    for seed in order:
        if ids[seed] in taken:
            continue
        members = [j for j in np.flatnonzero(sims[seed] >= SIMILARITY) if ids[j] not in taken]
        if len(members) < min_reports:
            continue
        conv_ids = [ids[j] for j in members]
        words = Counter(w for j in members for w in set(content_words(by_conv[ids[j]]).split()))
        terms = [w for w, _n in words.most_common(4)]
        with transaction.atomic():
            # The seed is the report most like the others: its words make a readable title.
            example = " ".join(by_conv[ids[seed]].split())
            example = example if len(example) <= 90 else example[:89] + "…"
            incident = Incident.objects.create(
                title=f"{len(conv_ids)} people report: “{example}”", terms=terms,
                proposed_at=now)
            Conversation.objects.filter(id__in=conv_ids, incident__isnull=True).update(
                incident=incident)
            leads = User.objects.filter(role__in=("admin", "community_manager"))
            Alert.objects.bulk_create([Alert(recipient=u, kind=Alert.Kind.INCIDENT,
                                             text=incident.title[:300]) for u in leads])
        taken.update(conv_ids)
        proposed.append(incident)
    return proposed


def check_confirm(agent: User, incident: Incident, title: str = "") -> Incident:
    if incident.state != Incident.State.PROPOSED:
        raise ActionError("Only a proposed incident can be confirmed.")
    incident.state = Incident.State.CONFIRMED
    incident.confirmed_at, incident.confirmed_by = timezone.now(), agent
    if title.strip():
        incident.title = title.strip()[:200]
    incident.save()
    return incident


def check_dismiss(agent: User, incident: Incident) -> Incident:
    if incident.state != Incident.State.PROPOSED:
        raise ActionError("Only a proposed incident can be dismissed.")
    incident.state = Incident.State.DISMISSED
    incident.save(update_fields=["state"])
    incident.conversations.update(incident=None)
    return incident


def check_acknowledge(agent: User, incident: Incident, text: str) -> int:
    """One public acknowledgment, sent once into every linked conversation, where it
    counts as the first response. Returns how many conversations it reached."""
    text = text.strip()
    if not text:
        raise ActionError("Write the acknowledgment first.")
    if incident.state != Incident.State.CONFIRMED:
        raise ActionError("Confirm the incident before acknowledging it.")
    if incident.acknowledged_at is not None:
        raise ActionError("This incident was acknowledged already.")
    incident.acknowledgment, incident.acknowledged_at = text, timezone.now()
    incident.save(update_fields=["acknowledgment", "acknowledged_at"])
    convs = list(incident.conversations.select_related("channel"))
    for conv in convs:
        do_reply(agent, conv, text, at=incident.acknowledged_at, incident=incident)
    return len(convs)


def check_follow_up(agent: User, incident: Incident, text: str) -> int:
    """The problem is fixed: one follow-up to every affected person, each on their own
    channel, and their conversations resolved."""
    text = text.strip()
    if not text:
        raise ActionError("Write the follow-up first.")
    if incident.state != Incident.State.CONFIRMED:
        raise ActionError("Only a confirmed incident can be followed up.")
    incident.follow_up, incident.followed_up_at = text, timezone.now()
    incident.state = Incident.State.FIXED
    incident.save(update_fields=["follow_up", "followed_up_at", "state"])
    convs = list(incident.conversations.select_related("channel"))
    for conv in convs:
        do_reply(agent, conv, text, at=incident.followed_up_at, incident=incident)
        conv.refresh_from_db()
        do_set_status(conv, Status.RESOLVED)
    return len(convs)


