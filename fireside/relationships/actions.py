"""Writes for relationships: merging and splitting people, staff tasks and their outcomes.

Every action here is for staff; each checks `is_staff_member` itself, so that a page or
API handler that forgets cannot open the door.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fireside.care.models import Conversation, Status
from fireside.errors import ActionError, Conflict, Forbidden, NotFound
from fireside.listening.models import Identity, Message
from fireside.people.models import Person, User
from fireside.relationships import standing
from fireside.relationships.models import (
    PersonChange,
    StaffTask,
    TaskKind,
    TaskOutcome,
    TaskStatus,
)


def require_staff(actor: Any) -> User:
    if not (isinstance(actor, User) and actor.is_authenticated and actor.is_staff_member):
        raise Forbidden("Only staff can do that.")
    return actor


def person_for_user(user: User) -> Person:
    """The member's Person, created when they have none yet (members who never wrote on
    an outside channel still have a relationship with the organization)."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person
    try:
        with transaction.atomic():
            return Person.objects.create(user=user, display_name=user.name)
    except IntegrityError:
        return Person.objects.get(user=user)


def _clean_reason(reason: str) -> str:
    return " ".join((reason or "").split())[:300]


# Merge and split -------------------------------------------------------------------


def check_merge(actor: User, keep: Person, other: Person, reason: str) -> PersonChange:
    require_staff(actor)
    if keep.pk == other.pk:
        raise ActionError("Choose two different people to merge.")
    if keep.user_id and other.user_id:
        raise Conflict("Both are members with their own accounts; accounts are not merged.")
    return do_merge(actor, keep, other, _clean_reason(reason))


@transaction.atomic
def do_merge(actor: User, keep: Person, other: Person, reason: str) -> PersonChange:
    """Move everything of `other` to `keep` and record exactly what moved."""
    moved = _move(other, keep, identities=Identity.objects.filter(person=other),
                  messages=Message.objects.filter(person=other),
                  conversations=Conversation.objects.filter(person=other),
                  user=True)
    change = PersonChange.objects.create(kind=PersonChange.Kind.MERGE, actor=actor,
                                         source=other, target=keep, moved=moved, reason=reason)
    transaction.on_commit(lambda: standing.recompute([keep.pk, other.pk]))
    return change


def _move(source: Person, target: Person, *, identities: Any, messages: Any,
          conversations: Any, user: bool) -> dict[str, Any]:
    identity_ids = list(identities.values_list("id", flat=True))
    message_ids = list(messages.values_list("id", flat=True))
    conversation_ids = list(conversations.values_list("id", flat=True))
    Identity.objects.filter(id__in=identity_ids).update(person=target)
    Message.objects.filter(id__in=message_ids).update(person=target)
    Conversation.objects.filter(id__in=conversation_ids).update(person=target)
    moved_user = None
    if user and source.user_id and not target.user_id:
        moved_user = source.user_id
        Person.objects.filter(pk=source.pk).update(user=None)
        Person.objects.filter(pk=target.pk).update(user_id=moved_user)
        source.user_id, target.user_id = None, moved_user
    # Open tasks follow the person, unless the target already has one of that kind.
    task_ids = []
    for task in StaffTask.objects.filter(person=source, status=TaskStatus.OPEN):
        if StaffTask.objects.filter(person=target, kind=task.kind,
                                    status=TaskStatus.OPEN).exists():
            continue
        StaffTask.objects.filter(pk=task.pk).update(person=target)
        task_ids.append(task.pk)
    return {"identities": identity_ids, "messages": message_ids,
            "conversations": conversation_ids, "user": moved_user, "tasks": task_ids}


def check_undo_merge(actor: User, change: PersonChange, reason: str = "") -> PersonChange:
    require_staff(actor)
    if change.kind != PersonChange.Kind.MERGE:
        raise ActionError("Only a merge can be undone.")
    if change.undone_by_id:
        raise Conflict("This merge was undone already.")
    if change.source_id is None or change.target_id is None:
        raise Conflict("One of the people of this merge no longer exists.")
    return do_undo_merge(actor, change, _clean_reason(reason) or "merge undone")


@transaction.atomic
def do_undo_merge(actor: User, change: PersonChange, reason: str) -> PersonChange:
    """A split that puts back what the merge moved (as far as it is still on the target)."""
    assert change.source is not None and change.target is not None
    target, source = change.target, change.source
    moved = change.moved or {}
    result = _move(target, source,
                   identities=Identity.objects.filter(person=target,
                                                      id__in=moved.get("identities", [])),
                   messages=Message.objects.filter(person=target,
                                                   id__in=moved.get("messages", [])),
                   conversations=Conversation.objects.filter(
                       person=target, id__in=moved.get("conversations", [])),
                   user=moved.get("user") is not None and target.user_id == moved.get("user"))
    split = PersonChange.objects.create(kind=PersonChange.Kind.SPLIT, actor=actor,
                                        source=target, target=source, moved=result,
                                        reason=reason)
    PersonChange.objects.filter(pk=change.pk).update(undone_by=split)
    transaction.on_commit(lambda: standing.recompute([target.pk, source.pk]))
    return split


def check_split(actor: User, person: Person, identity_ids: Iterable[int],
                reason: str) -> PersonChange:
    """Split the chosen handles (and their messages) off into a new person."""
    require_staff(actor)
    chosen = list(Identity.objects.filter(person=person, id__in=list(identity_ids)))
    if not chosen:
        raise ActionError("Choose the handles that belong to someone else.")
    if len(chosen) == person.identities.count() and not person.user_id:
        raise ActionError("Leave at least one handle with this person.")
    return do_split(actor, person, chosen, _clean_reason(reason))


@transaction.atomic
def do_split(actor: User, person: Person, chosen: list[Identity], reason: str) -> PersonChange:
    ids = [i.pk for i in chosen]
    new = Person.objects.create(display_name=chosen[0].display_name or chosen[0].handle)
    messages = Message.objects.filter(person=person, identity_id__in=ids)
    conv_ids = set(messages.exclude(conversation=None).values_list("conversation_id", flat=True))
    moved = _move(person, new, identities=Identity.objects.filter(id__in=ids),
                  messages=messages,
                  conversations=Conversation.objects.filter(person=person, id__in=conv_ids),
                  user=False)
    change = PersonChange.objects.create(kind=PersonChange.Kind.SPLIT, actor=actor,
                                         source=person, target=new, moved=moved, reason=reason)
    transaction.on_commit(lambda: standing.recompute([person.pk, new.pk]))
    return change


# Staff tasks -----------------------------------------------------------------------


def do_open_task(person: Person, kind: str, reason: str, *,
                 due_in: timedelta | None = None, now: datetime | None = None) -> StaffTask:
    """Open a task, or return the one of that kind already open for the person."""
    now = now or timezone.now()
    due = now + (due_in or (standing.THANK_DUE if kind == TaskKind.THANK else standing.HELP_DUE))
    existing = StaffTask.objects.filter(person=person, kind=kind, status=TaskStatus.OPEN).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return StaffTask.objects.create(person=person, kind=kind, reason=reason[:300],
                                            due_at=due, created_at=now)
    except IntegrityError:
        return StaffTask.objects.get(person=person, kind=kind, status=TaskStatus.OPEN)


def do_suggest_thanks(user_id: int, reason: str) -> StaffTask | None:
    """An outcome worth a personal thank-you (an accepted answer, a shipped idea)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.is_staff_member:
        return None
    return do_open_task(person_for_user(user), TaskKind.THANK, reason)


def check_assign(actor: User, task: StaffTask, owner: User | None) -> StaffTask:
    require_staff(actor)
    if owner is not None and not owner.is_staff_member:
        raise ActionError("Tasks go to staff members.")
    task.owner = owner
    task.save(update_fields=["owner"])
    return task


def check_complete(actor: User, task: StaffTask, *, note: str = "", reply: str = "",
                   thank_you: str = "", points: int = 0) -> StaffTask:
    """Close a task with what was done: a reply on the person's open conversation, a
    public thank-you (with points, optionally), and a note."""
    require_staff(actor)
    if task.status != TaskStatus.OPEN:
        raise Conflict("This task is closed already.")
    note, reply, thank_you = note.strip()[:2000], reply.strip()[:5000], thank_you.strip()
    if not (note or reply or thank_you or points):
        raise ActionError("Say what you did: a reply, a thank-you, points or a note.")
    member = task.person.user
    if (thank_you or points) and (member is None or not member.is_active):
        raise ActionError("Thank-you notes and points go to members; reply instead.")
    conv = None
    if reply:
        conv = (Conversation.objects.filter(person=task.person)
                .order_by(_open_first(), "-last_message_at").first())
        if conv is None:
            raise ActionError("This person has no conversation to reply in.")
    return do_complete(actor, task, note=note, reply=reply, thank_you=thank_you,
                       points=points, conversation=conv)


def _open_first() -> Any:
    from django.db.models import Case, IntegerField, Value, When

    return Case(When(status__in=(Status.OPEN, Status.WAITING), then=Value(0)),
                default=Value(1), output_field=IntegerField())


@transaction.atomic
def do_complete(actor: User, task: StaffTask, *, note: str, reply: str, thank_you: str,
                points: int, conversation: Conversation | None) -> StaffTask:
    from fireside.care import actions as care_actions
    from fireside.rewards import actions as rewards_actions

    task = StaffTask.objects.select_for_update(of=("self",)).select_related(
        "person__user").get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise Conflict("This task is closed already.")
    outcome = TaskOutcome(task=task, note=note, reply=reply)
    member = task.person.user
    if reply and conversation is not None:
        care_actions.check_reply(actor, conversation, reply)
    if thank_you and member is not None:
        outcome.thank_you = rewards_actions.check_thank(actor, member, thank_you, points=points)
        if points:
            from fireside.rewards.models import PointsEntry

            outcome.points_entry = PointsEntry.objects.filter(
                event_key=f"thanks:{outcome.thank_you.pk}").first()
    elif points and member is not None:
        outcome.points_entry = rewards_actions.check_give_points(
            actor, member, points, f"For: {task.reason}", key=f"task:{task.pk}")
    outcome.save()
    task.status, task.completed_at, task.completed_by = TaskStatus.DONE, timezone.now(), actor
    if task.owner_id is None:
        task.owner = actor
    task.save(update_fields=["status", "completed_at", "completed_by", "owner"])
    return task


def check_dismiss(actor: User, task: StaffTask, note: str = "") -> StaffTask:
    require_staff(actor)
    if task.status != TaskStatus.OPEN:
        raise Conflict("This task is closed already.")
    with transaction.atomic():
        TaskOutcome.objects.create(task=task, note=note.strip()[:2000] or "dismissed")
        task.status, task.completed_at, task.completed_by = (TaskStatus.DISMISSED,
                                                             timezone.now(), actor)
        task.save(update_fields=["status", "completed_at", "completed_by"])
    return task


def check_recompute(actor: User, person_ids: list[int] | None = None) -> standing.Outcome:
    require_staff(actor)
    return standing.recompute(person_ids)


def missing_person(person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    return person
