"""Every write of the measure app: goals, value entries, planning places, readiness
answers, training records. `check_*` validates untrusted input, then calls `do_*`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from fireside.errors import ActionError, Forbidden
from fireside.measure import readiness
from fireside.measure.models import (
    Audience,
    Goal,
    MeasureSettings,
    Metric,
    Period,
    PlaceEntry,
    ReadinessAnswer,
    RoiEntry,
    RoiKind,
    TrainingRecord,
)
from fireside.measure.queries import is_staff
from fireside.people.models import User

# Lower is better for these: a goal on them is "at most".
AT_MOST = frozenset({Metric.MEDIAN_FIRST_RESPONSE_HOURS, Metric.UNANSWERED_QUESTIONS})


def _staff(actor: Any) -> None:
    if not is_staff(actor):
        raise Forbidden("Only staff can do this.")


def _number(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(f"{what} must be a number.") from None
    if not number.is_finite() or abs(number) >= Decimal("1e9"):
        raise ActionError(f"{what} must be a number below a billion.")
    return number


def do_create_goal(actor: User, *, name: str, metric: str, target: float, period: str,
                   space_id: int | None = None) -> Goal:
    return Goal.objects.create(name=name, metric=metric, target=target, period=period,
                               at_most=metric in AT_MOST, space_id=space_id,
                               created_by=actor)


def check_create_goal(actor: Any, *, name: str, metric: str, target: Any, period: str,
                      space_id: int | None = None) -> Goal:
    _staff(actor)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ActionError("Give the goal a name of at most 120 characters.")
    if metric not in Metric.values:
        raise ActionError("Choose a metric from the list.")
    if period not in Period.values:
        raise ActionError("Choose a week, a month or a quarter.")
    number = _number(target, "The target")
    if number < 0:
        raise ActionError("The target cannot be negative.")
    if space_id is not None:
        from fireside.community.models import Space

        if not Space.objects.filter(pk=space_id).exists():
            raise ActionError("No such space.")
    return do_create_goal(actor, name=name, metric=metric, target=float(number),
                          period=period, space_id=space_id)


def check_archive_goal(actor: Any, goal_id: int) -> Goal:
    _staff(actor)
    goal = Goal.objects.filter(pk=goal_id).first()
    if goal is None:
        raise ActionError("No such goal.")
    goal.is_active = False
    goal.save(update_fields=["is_active"])
    return goal


def check_add_roi_entry(actor: Any, *, title: str, amount: Any, kind: str = RoiKind.OTHER,
                        day: date | None = None, idea_id: int | None = None) -> RoiEntry:
    _staff(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ActionError("Describe the value in at most 200 characters.")
    if kind not in (RoiKind.IDEA, RoiKind.OTHER):
        raise ActionError("Value entries are ideas shipped or other value; deflection is "
                          "computed.")
    return RoiEntry.objects.create(title=title, amount=_number(amount, "The amount"), kind=kind,
                                   day=day or date.today(), idea_id=idea_id, created_by=actor)


def check_set_cost_per_contact(actor: Any, amount: Any, currency: str = "") -> MeasureSettings:
    _staff(actor)
    number = _number(amount, "The cost per contact")
    if number < 0:
        raise ActionError("The cost per contact cannot be negative.")
    row, _ = MeasureSettings.objects.get_or_create(pk=1)
    row.cost_per_contact = number
    if currency.strip():
        row.currency = currency.strip()[:8]
    row.save()
    return row


def check_add_place(actor: Any, *, name: str, audience: str, monthly_volume: Any,
                    sentiment: Any = 0, priority: Any = 0, note: str = "") -> PlaceEntry:
    _staff(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ActionError("Name the place in at most 100 characters.")
    if audience not in Audience.values:
        raise ActionError("Choose customers, employees or suppliers.")
    volume, mood, rank = (_number(monthly_volume or 0, "The monthly volume"),
                          _number(sentiment or 0, "The sentiment"),
                          _number(priority or 0, "The priority"))
    if volume < 0 or not -1 <= mood <= 1 or not 0 <= rank <= 99:
        raise ActionError("Volume is a count, sentiment between -1 and 1, priority 0-99.")
    return PlaceEntry.objects.create(name=name, audience=audience, monthly_volume=int(volume),
                                     sentiment=float(mood), priority=int(rank),
                                     note=(note or "")[:300])


def check_answer_readiness(actor: Any, answers: dict[str, Any]) -> int:
    """Store one staff member's answers (0-4 each); returns how many were stored."""
    _staff(actor)
    clean: dict[str, int] = {}
    for key, raw in answers.items():
        if key not in readiness.QUESTIONS:
            continue
        if str(raw) not in {"0", "1", "2", "3", "4"}:
            raise ActionError("Answer each question with a score from 0 to 4.")
        clean[key] = int(raw)
    if not clean:
        raise ActionError("Answer at least one question.")
    with transaction.atomic():
        for key, score in clean.items():
            ReadinessAnswer.objects.update_or_create(question=key, answered_by=actor,
                                                     defaults={"score": score})
    return len(clean)


def check_record_training(actor: Any, *, user: User, title: str, hours: Any,
                          day: date | None = None) -> TrainingRecord:
    _staff(actor)
    if not (title or "").strip():
        raise ActionError("Name the training.")
    return TrainingRecord.objects.create(user=user, title=title.strip()[:200],
                                         hours=_number(hours, "Hours"),
                                         day=day or date.today())
