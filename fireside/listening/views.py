"""The stream page: what is being said, filtered, with volume over time. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fireside.care.queries import require_agent
from fireside.listening import queries
from fireside.listening.models import Channel
from fireside.signals import INTENTS, SENTIMENT_LABELS
from fireside.web import is_htmx

PAGE = 50


@login_required
def stream(request: HttpRequest) -> HttpResponse:
    require_agent(request.user)
    filters = queries.StreamFilter.of(request.GET)
    before = request.GET.get("before", "")
    messages = queries.stream(request.user, filters,
                              before_id=int(before) if before.isdigit() else None, limit=PAGE)
    context = {"messages_": messages, "filters": filters,
               "older": messages[-1].pk if len(messages) == PAGE else None}
    if is_htmx(request):
        return render(request, "listening/_stream_items.html", context)
    volume = queries.volume(request.user, filters)
    return render(request, "listening/stream.html", {
        **context, "volume": volume,
        "chart": {"labels": [h.strftime("%H:00") for h in volume.hours], **volume.counts},
        "rows": list(zip(volume.hours, *volume.counts.values(), strict=True)),
        "channels": Channel.objects.only("id", "name"), "sentiments": SENTIMENT_LABELS,
        "intents": INTENTS,
    })
