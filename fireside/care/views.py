"""Care pages: the inbox, a conversation, an incident, SLA policies, the rota and saved
replies. Thin: parse, scope, one action."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fireside.care import actions, delivery, incidents, queries, setup
from fireside.care.models import (
    BusinessCalendar,
    Priority,
    RotaShift,
    SavedReply,
    SlaPolicy,
    Status,
)
from fireside.care.rota import agents_on_shift, uncovered_hours
from fireside.listening.models import Channel
from fireside.people.models import User
from fireside.web import action_errors, is_htmx

PAGE = 50


def _agent(request: HttpRequest) -> User:
    queries.require_agent(request.user)
    assert isinstance(request.user, User)
    return request.user


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _agent(request)
    f = {k: request.GET.get(k, "") for k in ("owner", "channel", "priority", "status")}
    after = queries.parse_cursor(request.GET.get("after", ""))
    convs, cursor = queries.inbox_page(
        request.user, size=PAGE, after=after, owner=f["owner"],
        channel_id=int(f["channel"]) if f["channel"].isdigit() else None,
        priority=f["priority"], status=f["status"] or "waiting-for-us")
    more = urlencode({**{k: v for k, v in f.items() if v}, "after": cursor}) if cursor else ""
    return render(request, "care/inbox.html", {
        "conversations": convs, "filters": f, "now": timezone.now(),
        "next_page": more, "paged": after is not None,
        # One reverse for the page, not one per row: "/care/c/" then the id.
        "conversation_url": reverse("care_conversation", args=[0])[:-1],
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
    elif verb == "retry":
        message = delivery.check_retry(agent, conv, _int(request.POST.get("message")) or 0)
        if is_htmx(request):
            return reply_state(request, conv.pk, message.pk)
        messages.info(request, "Sending the reply again.")
    return HttpResponseRedirect(reverse("care_conversation", args=[conv.pk]))


@login_required
def reply_state(request: HttpRequest, conv_id: int, message_id: int) -> HttpResponse:
    """One message as the conversation page shows it: htmx polls a reply being sent."""
    _agent(request)
    conv = queries.get_conversation(request.user, conv_id)
    message = get_object_or_404(queries.conversation_messages(conv), pk=message_id)
    return render(request, "care/_message.html", {"m": message})


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


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    _agent(request)
    return render(request, "care/policies.html", {
        "policies": list(SlaPolicy.objects.select_related("channel", "calendar")
                         .order_by("channel__name", "priority")),
        "channels": Channel.objects.only("id", "name"), "priorities": Priority.choices,
        "calendars": BusinessCalendar.objects.all(), "can_edit": setup.is_lead(request.user),
    })


@login_required
@require_POST
@action_errors
def policies_act(request: HttpRequest, verb: str) -> HttpResponse:
    lead = _agent(request)
    if verb == "add":
        setup.check_save_policy(
            lead, name=request.POST.get("name", ""),
            first_response=request.POST.get("first_response", ""),
            next_response=request.POST.get("next_response", ""),
            resolution=request.POST.get("resolution", ""),
            warn_before=request.POST.get("warn_before", "15"),
            escalate_after=request.POST.get("escalate_after", "30"),
            priority=request.POST.get("priority", ""),
            channel_id=_int(request.POST.get("channel")),
            calendar_id=_int(request.POST.get("calendar")))
        messages.success(request, "Policy saved; new clocks follow it.")
    elif verb == "delete":
        policy = get_object_or_404(SlaPolicy, pk=_int(request.POST.get("policy")) or 0)
        setup.do_delete_policy(lead, policy)
    return HttpResponseRedirect(reverse("care_policies"))


@login_required
def rota(request: HttpRequest) -> HttpResponse:
    _agent(request)
    gaps = set(uncovered_hours())
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    grid = [(days[d], [(h, (d, h) in gaps) for h in range(24)]) for d in range(7)]
    return render(request, "care/rota.html", {
        "shifts": list(RotaShift.objects.select_related("agent")), "grid": grid,
        "gap_count": len(gaps), "days": list(enumerate(days)),
        "agents": User.objects.exclude(role="").filter(is_active=True).order_by("display_name"),
        "on_shift": User.objects.filter(pk__in=agents_on_shift()),
        "can_edit": setup.is_lead(request.user),
    })


@login_required
@require_POST
@action_errors
def rota_act(request: HttpRequest, verb: str) -> HttpResponse:
    lead = _agent(request)
    if verb == "add":
        setup.check_add_shift(lead, agent_id=_int(request.POST.get("agent")) or 0,
                              weekday=_int(request.POST.get("weekday")) or 0,
                              start_hour=_int(request.POST.get("start_hour")) or 0,
                              end_hour=_int(request.POST.get("end_hour")) or 0,
                              time_zone=request.POST.get("time_zone", "UTC").strip() or "UTC")
    elif verb == "remove":
        shift = get_object_or_404(RotaShift, pk=_int(request.POST.get("shift")) or 0)
        setup.do_remove_shift(lead, shift)
    return HttpResponseRedirect(reverse("care_rota"))


@login_required
def saved_replies(request: HttpRequest) -> HttpResponse:
    _agent(request)
    return render(request, "care/saved_replies.html",
                  {"replies": list(SavedReply.objects.order_by("title"))})


@login_required
@require_POST
@action_errors
def saved_replies_act(request: HttpRequest, verb: str) -> HttpResponse:
    agent = _agent(request)
    if verb == "add":
        setup.check_save_reply(agent, title=request.POST.get("title", ""),
                               body=request.POST.get("body", ""))
    elif verb == "delete":
        reply = get_object_or_404(SavedReply, pk=_int(request.POST.get("reply")) or 0)
        setup.do_delete_saved_reply(agent, reply)
    return HttpResponseRedirect(reverse("care_saved_replies"))


@login_required
@require_POST
def round_robin(request: HttpRequest) -> HttpResponse:
    _agent(request)
    given = setup.do_assign_round_robin()
    if given:
        messages.success(request, f"Assigned {sum(given.values())} conversations among "
                                  f"{len(given)} agents on shift.")
    else:
        messages.info(request, "Nothing assigned: nobody is on shift, or nothing is unowned.")
    return HttpResponseRedirect(reverse("care_inbox"))
