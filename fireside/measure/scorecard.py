"""Living or existing: four dimensions scored from data, each with its evidence (numbers
and where they come from) and next steps, beside the readiness self-assessment.

Each dimension is the mean of its checks, each check 0-100 (docs/measure.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, Sum

from fireside.measure import readiness
from fireside.measure.models import (
    ChannelDay,
    ChannelPriority,
    Goal,
    MemberDay,
    PlaceEntry,
    SpaceDay,
    TrainingRecord,
)


@dataclass
class Dimension:
    key: str
    name: str
    checks: list[int] = field(default_factory=list)
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (figure, source)
    next_steps: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return round(sum(self.checks) / len(self.checks)) if self.checks else 0

    @property
    def verdict(self) -> str:
        return "living" if self.score >= 60 else "getting there" if self.score >= 35 \
            else "existing"

    def check(self, points: float, evidence: str, source: str, step: str = "") -> None:
        self.checks.append(max(0, min(100, round(points))))
        self.evidence.append((evidence, source))
        if step and points < 70:
            self.next_steps.append(step)


def _pct(part: float, whole: float) -> float:
    return 100 * part / whole if whole else 0.0


def planning(today: date) -> Dimension:
    from fireside.community.models import Space
    from fireside.listening.models import Channel
    from fireside.people.models import Organization

    d = Dimension("planning", "Planning")
    vision = Organization.objects.filter(pk=1).values_list("vision", flat=True).first() or ""
    d.check(100 if len(vision) > 20 else 0, "A written vision" if vision else "No vision written",
            "The organization's settings", "Write the organization's vision for its community.")
    spaces = Space.objects.count()
    with_purpose = Space.objects.exclude(purpose="").count()
    d.check(_pct(with_purpose, spaces), f"{with_purpose} of {spaces} spaces state a purpose",
            "Spaces", "Give every space a purpose its members can read.")
    places = Channel.objects.filter(is_active=True).count() + PlaceEntry.objects.count()
    ranked = ChannelPriority.objects.count() + PlaceEntry.objects.filter(priority__gt=0).count()
    d.check(_pct(ranked, places),
            f"{ranked} of {places} places where people talk are prioritized",
            "Channel priorities and planning entries",
            "Rank the channels on the planning page, and add the places Fireside does not "
            "listen to.")
    goals = Goal.objects.filter(is_active=True).count()
    d.check(min(100, 34 * goals), f"{goals} active goal{'s' * (goals != 1)}", "Goals",
            "Set at least three measurable goals with a target and a period.")
    return d


def presences(today: date) -> Dimension:
    d = Dimension("presences", "Presences")
    start = today - timedelta(days=29)
    t = ChannelDay.objects.filter(day__gte=start, day__lte=today).aggregate(
        out=Sum("outbound"), named=Sum("outbound_named"), promo=Sum("outbound_promo"),
        conv=Sum("conversations"), resp=Sum("responded"))
    out = t["out"] or 0
    d.check(_pct(t["named"] or 0, out),
            f"{t['named'] or 0} of {out} organization messages in 30 days signed by a named "
            "person", "Messages sent on every channel",
            "Answer as named people rather than the brand account.")
    s = SpaceDay.objects.filter(day__gte=start, day__lte=today).aggregate(
        q=Sum("questions"), u=Sum("unanswered_questions"))
    asked = (s["q"] or 0) + (t["conv"] or 0)
    answered = (s["q"] or 0) - (s["u"] or 0) + (t["resp"] or 0)
    d.check(_pct(answered, asked),
            f"{answered} of {asked} questions and conversations answered in 30 days",
            "Community threads and care conversations",
            "Answer every open question: see Unanswered and the care inbox.")
    useful = out - (t["promo"] or 0)
    d.check(_pct(useful, out) if out else 0,
            f"{t['promo'] or 0} of {out} messages were self-promotion", "Messages sent",
            "Share useful answers and stories; keep promotion to a small share.")
    return d


def commitment(today: date) -> Dimension:
    from fireside.care.models import RotaShift
    from fireside.people.models import Role, User

    d = Dimension("commitment", "Commitment")
    hours: set[tuple[int, int]] = set()
    for weekday, start, end in RotaShift.objects.values_list("weekday", "start_hour",
                                                             "end_hour"):
        hours.update((weekday, h) for h in range(start, min(end, 24)))
    d.check(_pct(len(hours), 7 * 16),
            f"{len(hours)} of 168 hours a week covered on the rota (aim: 112, 16 a day)",
            "Care rota", "Cover more of the week on the rota, evenings and weekends first.")
    staff = User.objects.filter(Q(is_superuser=True) | ~Q(role=Role.MEMBER)).count()
    active = (MemberDay.objects.filter(is_staff=True, day__gte=today - timedelta(days=29))
              .values("member_id").distinct().count())
    d.check(_pct(active, staff), f"{active} of {staff} staff active in the last 30 days",
            "Staff posts, reactions and replies",
            "Give every staff member time in the community each week.")
    trained = (TrainingRecord.objects.filter(day__gte=today - timedelta(days=365))
               .values("user").distinct().count())
    d.check(_pct(trained, staff), f"{trained} of {staff} staff trained in the last year",
            "Training records", "Record training in the guidelines for every staff member.")
    return d


def relationships(today: date) -> Dimension:
    d = Dimension("relationships", "Relationships")
    from fireside.relationships.models import StaffTask, TaskKind, TaskStatus

    for kind, word, step in ((TaskKind.THANK, "promoters thanked",
                              "Thank your promoters: open the Tasks page."),
                             (TaskKind.HELP, "detractors helped",
                              "Reach out to each detractor with help.")):
        tasks = StaffTask.objects.filter(kind=kind)
        done = tasks.filter(status=TaskStatus.DONE).count()
        total = tasks.exclude(status=TaskStatus.DISMISSED).count()
        d.check(_pct(done, total) if total else 0, f"{done} of {total} {word}",
                "Staff tasks", step)
    recent = ChannelDay.objects.filter(day__gt=today - timedelta(days=28), day__lte=today)
    before = ChannelDay.objects.filter(day__gt=today - timedelta(days=56),
                                       day__lte=today - timedelta(days=28))

    def net(rows: Any) -> float | None:
        t = rows.aggregate(p=Sum("positive"), n=Sum("negative"), i=Sum("inbound"))
        return ((t["p"] or 0) - (t["n"] or 0)) / t["i"] if t["i"] else None

    now, then = net(recent), net(before)
    if now is None:
        d.check(0, "No messages heard in four weeks", "Messages received",
                "Connect the channels your customers use.")
    else:
        change = now - then if then is not None else 0.0
        d.check(50 + 50 * now + 100 * change,
                f"Net sentiment {now:+.2f} over four weeks"
                + (f", {change:+.2f} on the four before" if then is not None else ""),
                "Messages received on every channel",
                "Find what drives negative messages and answer it publicly.")
    return d


DIMENSIONS = (planning, presences, commitment, relationships)


def scorecard(today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    dims = [build(today) for build in DIMENSIONS]
    by_key = {d.key: d for d in dims}
    selves, people = readiness.self_scores()
    comparison = []
    for discipline in readiness.DISCIPLINES:
        measured = by_key[readiness.MEASURED_BY[discipline]]
        own = selves[discipline]
        if own is None:
            verdict = "not answered yet"
        elif own - measured.score >= 25:
            verdict = f"you rate yourselves higher than the {measured.name} data shows"
        elif measured.score - own >= 25:
            verdict = f"the {measured.name} data is better than you think"
        else:
            verdict = "the self-view and the data agree"
        comparison.append({"discipline": discipline, "self": own, "measured": measured.score,
                           "dimension": measured.name, "verdict": verdict,
                           "disagree": own is not None and abs(own - measured.score) >= 25})
    overall = round(sum(d.score for d in dims) / len(dims))
    return {"dimensions": dims, "overall": overall,
            "verdict": "living" if overall >= 60 else "existing" if overall < 35
            else "between existing and living",
            "readiness": comparison, "respondents": people}
