"""Writes for rewards: awarding points, badges, thank-you notes, introductions, opt-outs.

Every point enters through `do_award`, which inserts the ledger row and adds the same
amount to the member's Score buckets in one transaction. The same event never awards
twice: its `event_key` is unique in the ledger.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from fireside.errors import ActionError, Conflict, Forbidden, NotFound
from fireside.people.models import User
from fireside.rewards.models import (
    ALL_SPACES,
    ALL_TIME,
    Badge,
    BadgeAward,
    BadgeRule,
    EventKind,
    Introduction,
    MemberPreference,
    PointRule,
    PointsEntry,
    Score,
    ThankYou,
)

# Used when the organization has no PointRule row for a kind (the migration adds them).
DEFAULT_POINTS: dict[str, int] = {
    EventKind.ACCEPTED_ANSWER: 15,
    EventKind.HELPFUL_REACTION: 5,
    EventKind.IDEA_SHIPPED: 25,
    EventKind.HELPED_MEMBER: 10,
    EventKind.STAFF_AWARD: 0,
}
MAX_STAFF_POINTS = 500


def periods_of(at: datetime) -> tuple[str, str, str]:
    """The buckets an award at `at` counts in: all time, its ISO week, its month."""
    at = timezone.localtime(at)
    year, week, _ = at.isocalendar()
    return ALL_TIME, f"w{year}-{week:02d}", f"m{at.year}-{at.month:02d}"


def rule_points(kind: str) -> int | None:
    """Points for an event kind, or None when the organization switched the rule off."""
    rule = PointRule.objects.filter(kind=kind).values_list("points", "is_active").first()
    if rule is None:
        return DEFAULT_POINTS.get(kind, 0)
    points, active = rule
    return points if active else None


def _add_to_scores(user_id: int, space_id: int | None, points: int, at: datetime) -> None:
    """Add `points` to every bucket of the award in one statement.

    An upsert, so two awards racing to create the same bucket both count: the database
    applies `points = points + excluded.points` under the row lock. Rows go in a fixed
    order so that concurrent awards for one member never deadlock.
    """
    spaces = [ALL_SPACES] + ([space_id] if space_id else [])
    rows = [(user_id, space, period, points) for space in spaces for period in periods_of(at)]
    table = Score._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (f"INSERT INTO {table} (user_id, space_key, period, points) VALUES {values} "  # noqa: S608 - only placeholders and the model's table name
           f"ON CONFLICT (user_id, space_key, period) "
           f"DO UPDATE SET points = {table}.points + excluded.points")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


@transaction.atomic
def do_award(user_id: int, kind: str, *, event_key: str, points: int | None = None,
             space_id: int | None = None, reason: str = "", awarded_by: User | None = None,
             at: datetime | None = None) -> PointsEntry | None:
    """Record an award; returns None when this event was already awarded (or is worth
    nothing under the organization's rules)."""
    if points is None:
        points = rule_points(kind)
    if not points:
        return None
    at = at or timezone.now()
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                user_id=user_id, points=points, kind=kind, event_key=event_key[:120],
                space_id=space_id, reason=reason[:300], awarded_by=awarded_by, created_at=at)
    except IntegrityError:
        return None  # the same event, awarded before
    _add_to_scores(user_id, space_id, points, at)
    award_automatic_badges(user_id)
    return entry


def on_event(kind: str, user_id: int, *, key: str, space_id: int | None = None,
             reason: str = "") -> PointsEntry | None:
    """What other apps call when something worth points happens (inside their transaction).

    Awards the points and, for outcomes worth a personal thank-you, asks for a staff task
    once the transaction commits. Returns the new ledger row, None when already awarded.
    """
    entry = do_award(user_id, kind, event_key=key, space_id=space_id, reason=reason)
    if entry is None or kind not in (EventKind.ACCEPTED_ANSWER, EventKind.IDEA_SHIPPED):
        return entry
    from fireside.relationships.tasks import suggest_thanks

    # The task says what happened, not where: its space may be private to some staff.
    text = {EventKind.ACCEPTED_ANSWER: "An answer of theirs was accepted",
            EventKind.IDEA_SHIPPED: "An idea they shaped shipped"}[EventKind(kind)]
    transaction.on_commit(lambda: suggest_thanks.enqueue(user_id, text))
    return entry


def shipped_key(idea_id: int, person_id: int) -> str:
    """The ledger key of a credit on a shipped idea: one award per person and idea, whether
    the credit existed when the idea shipped or was named later."""
    return f"shipped:idea:{idea_id}:{person_id}"


def do_award_late_credit(credit_id: int) -> PointsEntry | None:
    """Award the points of a credit granted after its idea shipped (a shaper named later,
    or credits merged into a shipped idea). Shipping awards the credits it finds; this
    catches the ones that come after, under the same key, so none is paid twice."""
    from fireside.ideas.models import Credit

    credit = (Credit.objects.filter(pk=credit_id, granted_at__isnull=False)
              .select_related("idea__campaign").first())
    if credit is None:
        return None
    idea = credit.idea
    return on_event(EventKind.IDEA_SHIPPED, credit.person_id,
                    key=shipped_key(idea.pk, credit.person_id), space_id=idea.campaign.space_id,
                    reason=f"Idea shipped: “{idea.title[:120]}”")


# Badges ---------------------------------------------------------------------------


def _metric(user_id: int, rule: str) -> int:
    if rule == BadgeRule.POINTS:
        return total_points(user_id)
    if rule == BadgeRule.THANKS_RECEIVED:
        return ThankYou.objects.filter(recipient_id=user_id).count()
    kind = {BadgeRule.ACCEPTED_ANSWERS: EventKind.ACCEPTED_ANSWER,
            BadgeRule.HELPFUL_REACTIONS: EventKind.HELPFUL_REACTION,
            BadgeRule.IDEAS_SHIPPED: EventKind.IDEA_SHIPPED}[BadgeRule(rule)]
    return PointsEntry.objects.filter(user_id=user_id, kind=kind, points__gt=0).count()


def total_points(user_id: int) -> int:
    return Score.objects.filter(user_id=user_id, space_key=ALL_SPACES,
                                period=ALL_TIME).values_list("points", flat=True).first() or 0


def award_automatic_badges(user_id: int) -> list[Badge]:
    """Give every automatic badge whose rule the member now meets and who lacks it."""
    held = BadgeAward.objects.filter(user_id=user_id).values_list("badge_id", flat=True)
    due = [badge for badge in Badge.objects.exclude(rule=BadgeRule.MANUAL).exclude(id__in=held)
           if _metric(user_id, badge.rule) >= badge.threshold]
    BadgeAward.objects.bulk_create(
        [BadgeAward(badge=b, user_id=user_id, reason=b.description) for b in due],
        ignore_conflicts=True)
    return due


def check_award_badge(actor: User, badge: Badge, user: User, reason: str = "") -> BadgeAward:
    if not actor.is_staff_member:
        raise Forbidden("Only staff can award badges.")
    if badge.rule != BadgeRule.MANUAL:
        raise ActionError("This badge is given automatically by its rule.")
    if not user.is_active:
        raise NotFound("No such member.")
    award, created = BadgeAward.objects.get_or_create(
        badge=badge, user=user, defaults={"awarded_by": actor,
                                          "reason": " ".join(reason.split())[:300]})
    if not created:
        raise Conflict(f"{user.name} already has this badge.")
    return award


def check_give_points(actor: User, user: User, points: int, reason: str,
                      key: str | None = None) -> PointsEntry | None:
    """Staff give (or, with a negative number, correct) points by hand, with a reason."""
    if not actor.is_staff_member:
        raise Forbidden("Only staff can give points.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionError("Say why: the reason is kept in the ledger.")
    if not points or abs(points) > MAX_STAFF_POINTS:
        raise ActionError(f"Give between 1 and {MAX_STAFF_POINTS} points (or a negative "
                          "number to correct).")
    key = key or f"staff:{actor.pk}:{user.pk}:{timezone.now().timestamp()}"
    return do_award(user.pk, EventKind.STAFF_AWARD, event_key=key, points=points,
                    reason=reason, awarded_by=actor)


# Thank-you notes ------------------------------------------------------------------


def check_thank(sender: User, recipient: User, message: str, *, points: int = 0) -> ThankYou:
    message = (message or "").strip()[:1000]
    if not message:
        raise ActionError("Write a few words of thanks.")
    if sender.pk == recipient.pk:
        raise ActionError("You cannot thank yourself.")
    if not recipient.is_active:
        raise NotFound("No such member.")
    if points and not sender.is_staff_member:
        raise Forbidden("Only staff can add points to a thank-you.")
    return do_thank(sender, recipient, message, points=points)


@transaction.atomic
def do_thank(sender: User, recipient: User, message: str, *, points: int = 0) -> ThankYou:
    note = ThankYou.objects.create(sender=sender, recipient=recipient, message=message)
    if points:
        check_give_points(sender, recipient, points, f"Thank-you: {message[:200]}",
                          key=f"thanks:{note.pk}")
    elif not sender.is_staff_member:
        # Help given to another member: once per pair a day, so thanks cannot be farmed.
        day = timezone.localdate().isoformat()
        do_award(recipient.pk, EventKind.HELPED_MEMBER,
                 event_key=f"helped:{sender.pk}:{recipient.pk}:{day}",
                 reason=f"Thanked by @{sender.username}")
    award_automatic_badges(recipient.pk)
    return note


# Introductions --------------------------------------------------------------------


def opted_out(user: User) -> bool:
    return MemberPreference.objects.filter(user=user, no_introductions=True).exists()


def do_set_introductions(user: User, *, allowed: bool) -> MemberPreference:
    pref, _ = MemberPreference.objects.update_or_create(
        user=user, defaults={"no_introductions": not allowed})
    return pref


def check_introduce(introducer: User, first: User, second: User, message: str) -> Introduction:
    message = (message or "").strip()[:2000]
    if first.pk == second.pk:
        raise ActionError("Introduce two different people.")
    if not (first.is_active and second.is_active):
        raise NotFound("No such member.")
    if not message:
        raise ActionError("Say why they should meet: both will read it.")
    for person in (first, second):
        if opted_out(person) and person.pk != introducer.pk:
            raise Forbidden(f"{person.name} prefers not to be introduced.")
    return do_introduce(introducer, first, second, message)


def do_introduce(introducer: User, first: User, second: User, message: str) -> Introduction:
    a, b = sorted((first, second), key=lambda u: u.pk)
    try:
        with transaction.atomic():
            return Introduction.objects.create(introducer=introducer, first=a, second=b,
                                               message=message)
    except IntegrityError as e:
        raise Conflict(f"{a.name} and {b.name} have been introduced already.") from e


def levels() -> list[tuple[int, str]]:
    configured = getattr(settings, "FIRESIDE_LEVELS", None)
    return sorted(configured or [(0, "Newcomer"), (50, "Regular"), (150, "Contributor"),
                                 (400, "Expert"), (1000, "Leader")])


def level_for(points: int) -> tuple[str, int | None]:
    """The level's name and the points the next level needs (None at the top)."""
    name, next_at = "Newcomer", None
    for threshold, label in levels():
        if points >= threshold:
            name = label
        elif next_at is None:
            next_at = threshold
    return name, next_at

