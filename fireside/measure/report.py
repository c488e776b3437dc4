"""The contexts behind the health, community and weekly report pages, and the weekly
report e-mail (HTML with its charts as inline PNG images, drawn with Pillow)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from email.mime.image import MIMEImage
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from fireside.measure import health as formula
from fireside.measure import queries
from fireside.measure.charts import Table, chart
from fireside.measure.goals import progress
from fireside.measure.models import Goal, ReportSent


def health_context(viewer: Any, f: queries.Filters) -> dict[str, Any]:
    h = queries.health(viewer, f)
    weeks = [w.isoformat() for w in h["weeks"]]
    rows = h["rows"]
    latest = h["latest"]
    table = Table("health", ["week", "score", *formula.FACTORS, "active members", "posts",
                             "views"],
                  [[r.week, r.score, *(getattr(r, x) for x in formula.FACTORS),
                    r.active_members, r.posts, r.views] for r in rows])
    spaces = Table("health_by_space", ["space", *weeks],
                   [[s["name"], *s["scores"]] for s in h["spaces"]])
    return {
        "health": h, "latest": latest, "band": formula.band(latest.score) if latest else "",
        "factors": [(x, getattr(latest, x)) for x in formula.FACTORS] if latest else [],
        "tables": [table, spaces],
        "score_chart": chart("line", [r.week for r in rows], {"health (0-1000)":
                                                              [r.score for r in rows]}),
        "factor_chart": chart("bar", list(formula.FACTORS),
                              {"this week": [getattr(latest, x) for x in formula.FACTORS]}
                              if latest else {}, max_y=100),
        "space_chart": chart("line", weeks, {s["name"]: s["scores"] for s in h["spaces"]}),
    }


def community_context(viewer: Any, f: queries.Filters) -> dict[str, Any]:
    c = queries.community(viewer, f)
    active = c["active"]
    t = c["totals"]
    daily = Table("active_members", ["day", "daily active", "monthly active",
                                     "new contributors"], [list(r) for r in active])
    figures = Table("community_figures", ["figure", "value"], [
        ["posts", t["posts"]], ["threads started", t["threads"]],
        ["questions", t["questions"]], ["unanswered questions", t["unanswered_questions"]],
        ["answered by members", t["answered_by_member"]],
        ["answered by staff", t["answered_by_staff"]],
        ["median first reply (hours)", c["median_first_reply_hours"]],
        ["new contributors", c["new_contributors"]],
        ["care conversations", c["care"]["conversations"]],
        ["care answered within an hour %", c["care"]["within_hour_share"]],
        ["care mean first response (minutes)", c["care"]["avg_first_response_minutes"]]])
    return {
        "c": c, "tables": [figures, daily],
        "active_chart": chart("line", [r[0] for r in active],
                              {"daily active": [r[1] for r in active],
                               "monthly active": [r[2] for r in active]}),
        "new_chart": chart("bar", [r[0] for r in active],
                           {"new contributors": [r[3] for r in active]}),
        "buckets_chart": chart("bar", [b[0] for b in c["buckets"]],
                               {"threads": [b[1] for b in c["buckets"]]}),
        "answered_chart": chart("doughnut", ["members", "staff", "unanswered"],
                                {"questions": [t["answered_by_member"], t["answered_by_staff"],
                                               t["unanswered_questions"]]}),
    }


def weekly(viewer: Any, day: date, f: queries.Filters, *, pin: bool = False) -> dict[str, Any]:
    """The week holding `day`, with the health and community figures around it. Pinned
    (the weekly report), the figures are that week's: health up to it and judged on it,
    the community figures of its seven days."""
    week = day - timedelta(days=day.weekday())
    week_end = week + timedelta(days=6)
    health_f = replace(f, until=week + timedelta(days=7)) if pin else f
    community_f = replace(f, period="7d", until=week_end) if pin else f
    goals = [progress(g, week_end if pin else day) for g in Goal.objects.filter(is_active=True)]
    context = {**health_context(viewer, health_f), **community_context(viewer, community_f)}
    context["tables"] = [*context["tables"], Table(
        "goals", ["goal", "value", "target", "on track"],
        [[p.goal.name, p.value, p.goal.target, p.on_track] for p in goals])]
    next_week = week + timedelta(days=7)
    return {**context, "week": week, "week_end": week_end, "goals": goals,
            "previous_week": week - timedelta(days=7),
            # Only finished weeks have a report: the one in progress is not offered.
            "next_week": next_week if next_week + timedelta(days=7) <= timezone.now().date()
            else None}


# The e-mail --------------------------------------------------------------------------------

def png_chart(values: list[float], *, kind: str = "line", labels: list[str] | None = None,
              width: int = 560, height: int = 180, color: str = "#c2410c") -> bytes:
    """A small line or bar chart as PNG; mail clients block SVG and scripts."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 36, width - 10, 10, height - 24
    draw.line([(left, bottom), (right, bottom)], fill="#d1d5db")
    top_value = max([*values, 1.0])
    draw.text((2, top), f"{top_value:g}", fill="#6b7280")
    draw.text((2, bottom - 10), "0", fill="#6b7280")
    n = max(1, len(values))
    step = (right - left) / n
    points = []
    for i, v in enumerate(values):
        x = left + step * (i + 0.5)
        y = bottom - (bottom - top) * v / top_value
        if kind == "bar":
            draw.rectangle([x - step * 0.35, y, x + step * 0.35, bottom], fill=color)
        points.append((x, y))
        if labels and (n <= 8 or i % max(1, n // 6) == 0):
            draw.text((x - 16, bottom + 6), labels[i][:10], fill="#6b7280")
    if kind == "line" and len(points) > 1:
        draw.line(points, fill=color, width=3)
    for x, y in points if kind == "line" else ():
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=color)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def send_weekly_report(viewer: Any, today: date, *, force: bool = False) -> int:
    """E-mail last week's report to every staff member with an address, once per week;
    returns how many were sent. `viewer` is any staff user (the reads are staff-only)."""
    from fireside.people.models import Role, User

    week = today - timedelta(days=today.weekday() + 7)
    if not force and ReportSent.objects.filter(week=week).exists():
        return 0
    f = queries.Filters(period="90d")
    context = weekly(viewer, week, f, pin=True)
    rows = context["health"]["rows"]
    active = context["c"]["active"]
    images = {
        "health": png_chart([r.score for r in rows], labels=[r.week.isoformat()[5:]
                                                             for r in rows]),
        "factors": png_chart([v for _, v in context["factors"]], kind="bar",
                             labels=[k for k, _ in context["factors"]]),
        "active": png_chart([r[2] for r in active], color="#2563eb",
                            labels=[r[0].isoformat()[5:] for r in active]),
    }
    html = render_to_string("measure/email_report.html", {**context,
                                                          "site_url": settings.SITE_URL})
    recipients = list(User.objects.filter(Q(is_superuser=True) | ~Q(role=Role.MEMBER))
                      .exclude(email="").values_list("email", flat=True))
    if not recipients:
        return 0
    message = EmailMultiAlternatives(
        subject=f"Community health, week of {week:%d %b %Y}",
        body=f"The weekly community report: {settings.SITE_URL}/measure/report?week={week}",
        to=[settings.DEFAULT_FROM_EMAIL], bcc=recipients)
    message.attach_alternative(html, "text/html")
    message.mixed_subtype = "related"
    for name, data in images.items():
        part = MIMEImage(data, "png")
        part.add_header("Content-ID", f"<{name}>")
        part.add_header("Content-Disposition", "inline", filename=f"{name}.png")
        message.attach(part)
    message.send()
    ReportSent.objects.update_or_create(week=week, defaults={"recipients": len(recipients)})
    return len(recipients)
