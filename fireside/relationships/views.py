"""Staff pages for relationships, and the member's own privacy page. Thin: parse, scope
through `queries`, call one action, answer."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fireside.errors import ActionError
from fireside.people.models import User
from fireside.relationships import actions, privacy, queries
from fireside.relationships.models import PersonChange, StandingKind, TaskKind, TaskStatus
from fireside.web import action_errors


def _staff(request: HttpRequest) -> User:
    queries.require_staff(request.user)
    assert isinstance(request.user, User)
    return request.user


@login_required
def people(request: HttpRequest) -> HttpResponse:
    _staff(request)
    q, standing = request.GET.get("q", "").strip(), request.GET.get("standing", "")
    return render(request, "relationships/people.html", {
        "people": list(queries.people(request.user, q=q, standing=standing)[:100]),
        "q": q, "standing": standing, "standings": StandingKind.choices,
    })


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    _staff(request)
    found = queries.get_person(request.user, person_id)
    return render(request, "relationships/person.html", {
        "person": found, "standing": queries.standing_of(found),
        "identities": list(found.identities.select_related("channel")),
        "timeline": queries.timeline(request.user, found),
        "weeks": queries.sentiment_by_week(found),
        "changes": list(queries.standing_changes(found)),
        "person_changes": list(queries.person_changes(found)),
        "tasks": list(queries.tasks(request.user, status="", person=found)[:20]),
    })


@login_required
def member_person(request: HttpRequest, handle: str) -> HttpResponse:
    """From a member's profile to their staff page (the person is made if need be)."""
    _staff(request)
    member = User.objects.filter(username=handle).first()
    if member is None:
        queries.require_staff(None)  # 404
    assert member is not None
    return redirect("relationships_person", person_id=actions.person_for_user(member).pk)


@login_required
@require_POST
@action_errors
def merge(request: HttpRequest, person_id: int) -> HttpResponse:
    staff = _staff(request)
    keep = queries.get_person(staff, person_id)
    other_id = request.POST.get("other_id", "")
    if not other_id.isdigit():
        raise ActionError("Give the number of the person to merge in.")
    other = queries.get_person(staff, int(other_id))
    actions.check_merge(staff, keep, other, request.POST.get("reason", ""))
    messages.success(request, f"{other} is merged into {keep}; the split button undoes it.")
    return redirect("relationships_person", person_id=keep.pk)


@login_required
@require_POST
@action_errors
def split(request: HttpRequest, person_id: int) -> HttpResponse:
    staff = _staff(request)
    found = queries.get_person(staff, person_id)
    ids = [int(i) for i in request.POST.getlist("identity") if i.isdigit()]
    change = actions.check_split(staff, found, ids, request.POST.get("reason", ""))
    messages.success(request, "The handles are split off into a new person.")
    return redirect("relationships_person", person_id=change.target_id)


@login_required
@require_POST
@action_errors
def undo(request: HttpRequest, change_id: int) -> HttpResponse:
    staff = _staff(request)
    change = PersonChange.objects.select_related("source", "target").filter(pk=change_id).first()
    if change is None:
        raise ActionError("No such change.")
    actions.check_undo_merge(staff, change, request.POST.get("reason", ""))
    messages.success(request, "The merge is undone.")
    return redirect("relationships_person", person_id=change.target_id)


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    _staff(request)
    f = {"status": request.GET.get("status", TaskStatus.OPEN),
         "owner": request.GET.get("owner", ""), "kind": request.GET.get("kind", "")}
    return render(request, "relationships/tasks.html", {
        "tasks": list(queries.tasks(request.user, status=f["status"], owner=f["owner"],
                                    kind=f["kind"])[:200]), "filters": f,
        "kinds": TaskKind.choices, "statuses": TaskStatus.choices,
    })


@login_required
@action_errors
def task(request: HttpRequest, task_id: int) -> HttpResponse:
    staff = _staff(request)
    found = queries.get_task(staff, task_id)
    if request.method == "POST":
        verb = request.POST.get("verb", "complete")
        if verb == "take":
            actions.check_assign(staff, found, staff)
            messages.success(request, "The task is yours.")
            return redirect("relationships_task", task_id=found.pk)
        if verb == "dismiss":
            actions.check_dismiss(staff, found, request.POST.get("note", ""))
            messages.success(request, "The task is dismissed.")
            return redirect("relationships_tasks")
        points = request.POST.get("points", "0").strip() or "0"
        if not points.lstrip("-").isdigit():
            raise ActionError("Points are a whole number.")
        actions.check_complete(staff, found, note=request.POST.get("note", ""),
                               reply=request.POST.get("reply", ""),
                               thank_you=request.POST.get("thank_you", ""), points=int(points))
        messages.success(request, "Done: what you did is recorded with the task.")
        return redirect("relationships_tasks")
    member = found.person.user
    return render(request, "relationships/task.html", {
        "task": found, "member": member, "standing": queries.standing_of(found.person),
        "timeline": queries.timeline(staff, found.person)[:10],
        "has_conversation": found.person.conversations.exists(),
    })


@login_required
def privacy_page(request: HttpRequest) -> HttpResponse:
    return render(request, "relationships/privacy.html", {
        "policy": privacy.deletion_policy()})


@login_required
def export_json(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    body = json.dumps(privacy.export(request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="fireside-{request.user.username}.json"')
    return response


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        privacy.check_delete_account(request.user, request.POST.get("password", ""))
    except ActionError as error:
        return render(request, "relationships/privacy.html", {
            "policy": privacy.deletion_policy(), "error": error.detail}, status=error.status)
    logout(request)
    messages.success(request, "Your account is deleted. Thank you for being part of it.")
    return redirect("home")
