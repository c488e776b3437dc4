"""Relationships in the API. Staff only: people across channels, their timeline and
standing, merges and splits, staff tasks. Members reach only their own export and the
deletion of their account (`/me/export`, `/me/delete`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from fireside.errors import ActionError, NotFound
from fireside.people.models import Person, User
from fireside.relationships import actions, privacy, queries
from fireside.relationships.models import PersonChange, StaffTask, Standing

router = Router(tags=["relationships"])


def _viewer(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _member(request: HttpRequest) -> User:
    user = _viewer(request)
    if not isinstance(user, User):
        raise ActionError("Sign in to do that.")
    return user


class StandingOut(Schema):
    standing: str
    score: float
    positive_recent: int
    negative_recent: int
    open_complaints: int
    reason: str
    computed_at: datetime


class IdentityOut(Schema):
    id: int
    channel: str
    handle: str


class PersonOut(Schema):
    id: int
    display_name: str
    member: str | None
    standing: StandingOut | None
    identities: list[IdentityOut]


class ItemOut(Schema):
    at: datetime
    kind: str
    text: str
    where: str
    url: str
    sentiment: str


class PersonDetailOut(PersonOut):
    timeline: list[ItemOut]


class MergeIn(Schema):
    other_id: int
    reason: str = ""


class SplitIn(Schema):
    identity_ids: list[int]
    reason: str = ""


class ChangeOut(Schema):
    id: int
    kind: str
    source_id: int | None
    target_id: int | None
    moved: dict[str, Any]
    reason: str
    created_at: datetime


class TaskOut(Schema):
    id: int
    person_id: int
    person: str
    kind: str
    status: str
    reason: str
    owner: str | None
    due_at: datetime
    completed_at: datetime | None


class CompleteIn(Schema):
    note: str = ""
    reply: str = ""
    thank_you: str = ""
    points: int = 0


class AssignIn(Schema):
    owner: str | None = None


class RecomputeOut(Schema):
    people: int
    changed: int
    tasks: int


class DeleteIn(Schema):
    password: str


class DeleteOut(Schema):
    deleted: bool
    policy: str


def _standing(person: Person) -> StandingOut | None:
    row = Standing.objects.filter(person=person).first()
    if row is None:
        return None
    return StandingOut(standing=row.standing, score=row.score,
                       positive_recent=row.positive_recent, negative_recent=row.negative_recent,
                       open_complaints=row.open_complaints, reason=row.reason,
                       computed_at=row.computed_at)


def _person(person: Person) -> dict[str, Any]:
    return {"id": person.pk,
            "display_name": person.user.name if person.user else str(person),
            "member": person.user.username if person.user else None,
            "standing": _standing(person),
            "identities": [IdentityOut(id=i.pk, channel=i.channel.name, handle=i.handle)
                           for i in person.identities.select_related("channel")]}


def _change(c: PersonChange) -> ChangeOut:
    return ChangeOut(id=c.pk, kind=c.kind, source_id=c.source_id, target_id=c.target_id,
                     moved=c.moved, reason=c.reason, created_at=c.created_at)


def _task(t: StaffTask) -> TaskOut:
    name = t.person.user.name if t.person.user else str(t.person)
    return TaskOut(id=t.pk, person_id=t.person_id, person=name, kind=t.kind,
                   status=t.status, reason=t.reason,
                   owner=t.owner.username if t.owner else None, due_at=t.due_at,
                   completed_at=t.completed_at)


@router.get("/relationships/people", response=list[PersonOut], summary="People (staff)")
def people(request: HttpRequest, q: str = "", standing: str = "") -> list[PersonOut]:
    rows = queries.people(_viewer(request), q=q, standing=standing)[:100]
    return [PersonOut(**_person(p)) for p in rows]


@router.get("/relationships/people/{person_id}", response=PersonDetailOut,
            summary="A person across channels, with their timeline (staff)")
def person(request: HttpRequest, person_id: int) -> PersonDetailOut:
    found = queries.get_person(_viewer(request), person_id)
    items = [ItemOut(at=i.at, kind=i.kind, text=i.text, where=i.where, url=i.url,
                     sentiment=i.sentiment) for i in queries.timeline(_viewer(request), found)]
    return PersonDetailOut(**_person(found), timeline=items)


@router.post("/relationships/people/{person_id}/merge", response={201: ChangeOut},
             summary="Merge another person into this one (staff)")
def merge(request: HttpRequest, person_id: int, data: MergeIn) -> Status[ChangeOut]:
    keep = queries.get_person(_viewer(request), person_id)
    other = queries.get_person(_viewer(request), data.other_id)
    return Status(201, _change(actions.check_merge(_member(request), keep, other, data.reason)))


@router.post("/relationships/people/{person_id}/split", response={201: ChangeOut},
             summary="Split handles off into a new person (staff)")
def split(request: HttpRequest, person_id: int, data: SplitIn) -> Status[ChangeOut]:
    found = queries.get_person(_viewer(request), person_id)
    return Status(201, _change(actions.check_split(_member(request), found, data.identity_ids,
                                                   data.reason)))


@router.post("/relationships/changes/{change_id}/undo", response={201: ChangeOut},
             summary="Undo a merge with a split that moves back what it moved (staff)")
def undo(request: HttpRequest, change_id: int) -> Status[ChangeOut]:
    queries.require_staff(_viewer(request))
    change = PersonChange.objects.select_related("source", "target").filter(pk=change_id).first()
    if change is None:
        raise NotFound("No such change.")
    return Status(201, _change(actions.check_undo_merge(_member(request), change)))


@router.get("/relationships/tasks", response=list[TaskOut], summary="Staff tasks (staff)")
def tasks(request: HttpRequest, status: str = "open", owner: str = "",
          kind: str = "") -> list[TaskOut]:
    return [_task(t) for t in queries.tasks(_viewer(request), status=status, owner=owner,
                                            kind=kind)[:200]]


@router.post("/relationships/tasks/{task_id}/complete", response=TaskOut,
             summary="Complete a task with what was done (staff)")
def complete(request: HttpRequest, task_id: int, data: CompleteIn) -> TaskOut:
    task = queries.get_task(_viewer(request), task_id)
    return _task(actions.check_complete(_member(request), task, **data.dict()))


@router.post("/relationships/tasks/{task_id}/assign", response=TaskOut)
def assign(request: HttpRequest, task_id: int, data: AssignIn) -> TaskOut:
    task = queries.get_task(_viewer(request), task_id)
    owner = User.objects.filter(username=data.owner).first() if data.owner else None
    if data.owner and owner is None:
        raise ActionError("No such staff member.")
    return _task(actions.check_assign(_member(request), task, owner))


@router.post("/relationships/recompute", response=RecomputeOut,
             summary="Recompute every standing now (staff)")
def recompute(request: HttpRequest) -> RecomputeOut:
    outcome = actions.check_recompute(_member(request))
    return RecomputeOut(people=outcome.people, changed=outcome.changed, tasks=outcome.tasks)


@router.get("/me/export", summary="Everything Fireside keeps that is yours, as JSON")
def export(request: HttpRequest) -> dict[str, Any]:
    return privacy.export(_member(request))


@router.post("/me/delete", response=DeleteOut,
             summary="Delete my account (type the password again)")
def delete_me(request: HttpRequest, data: DeleteIn) -> DeleteOut:
    policy = privacy.check_delete_account(_member(request), data.password)
    return DeleteOut(deleted=True, policy=policy)
