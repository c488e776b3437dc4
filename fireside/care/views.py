"""Care pages: the inbox, a conversation, an incident. Thin: parse, scope, one action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fireside.care import actions, incidents, queries
from fireside.care.models import Priority, SavedReply, Status
from fireside.listening.models import Channel
from fireside.people.models import User
from fireside.web import action_errors

PAGE = 50


def _agent(request: HttpRequest) -> User:
    queries.require_agent(request.user)
    assert isinstance(request.user, User)
    return request.user


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _agent(request)
    f = {k: request.GET.get(k, "") for k in ("owner", "channel", "priority", "status")}
    convs = queries.inbox(request.user, owner=f["owner"],
                          channel_id=int(f["channel"]) if f["channel"].isdigit() else None,
                          priority=f["priority"], status=f["status"] or "waiting-for-us")
    return render(request, "care/inbox.html", {
        "conversations": list(convs[:PAGE]), "filters": f, "now": timezone.now(),
        "channels": Channel.objects.only("id", "name"), "priorities": Priority.choices,
        "statuses": Status.choices, "alerts": list(queries.unread_alerts(request.user)),
        "incidents": list(queries.recent_incidents(request.user)[:5]),
    })


@login_required
def conversation(request: HttpRequest, conv_id: int) -> HttpResponse:
    agent = _agent(request)
    conv = queries.get_conversation(request.user, conv_id)
    other = actions.do_open(agent, conv)
    return render(request, "care/conversation.html", {
        "conv": conv, "messages_": list(queries.conversation_messages(conv)),
        "notes": list(conv.notes.select_related("author").order_by("created_at")),
        "other_agent": other, "now": timezone.now(), "statuses": Status.choices,
        "priorities": Priority.choices, "saved_replies": list(SavedReply.objects.all()[:50]),
    })


@login_required
@require_POST
@action_errors
def conversation_act(request: HttpRequest, conv_id: int, verb: str) -> HttpResponse:
    agent = _agent(request)
    conv = queries.get_conversation(request.user, conv_id)
    if verb == "reply":
        actions.check_reply(agent, conv, request.POST.get("text", ""))
        status = request.POST.get("then", "")
        if status:
            conv.refresh_from_db()
            actions.check_set_status(conv, status)
    elif verb == "status":
        actions.check_set_status(conv, request.POST.get("status", ""))
    elif verb == "note":
        actions.check_note(agent, conv, request.POST.get("body", ""))
    elif verb == "claim":
        actions.check_claim(agent, conv)
    elif verb == "update":
        actions.check_update(conv, priority=request.POST.get("priority") or None,
                             tags=request.POST.get("tags", "").split(",")
                             if "tags" in request.POST else None)
    return HttpResponseRedirect(reverse("care_conversation", args=[conv.pk]))


@login_required
def incident(request: HttpRequest, incident_id: int) -> HttpResponse:
    _agent(request)
    item = queries.get_incident(request.user, incident_id)
    return render(request, "care/incident.html", {
        "incident": item, "now": timezone.now(),
        "conversations": list(item.conversations.select_related("channel", "person")
                              .order_by("first_message_at")[:200]),
    })


@login_required
@require_POST
@action_errors
def incident_act(request: HttpRequest, incident_id: int, verb: str) -> HttpResponse:
    agent = _agent(request)
    item = queries.get_incident(request.user, incident_id)
    if verb == "confirm":
        incidents.check_confirm(agent, item, request.POST.get("title", ""))
    elif verb == "dismiss":
        incidents.check_dismiss(agent, item)
    elif verb == "acknowledge":
        incidents.check_acknowledge(agent, item, request.POST.get("text", ""))
    elif verb == "follow-up":
        incidents.check_follow_up(agent, item, request.POST.get("text", ""))
    return HttpResponseRedirect(reverse("care_incident", args=[item.pk]))
