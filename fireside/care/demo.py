"""Care for the demo organization: a team, SLA policies, a rota with gaps, saved replies
and two days of conversations from the simulator, with a proposed incident. Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from fireside.care.models import Priority, RotaShift, SavedReply, SlaPolicy, Team
from fireside.care.rota import do_alert_uncovered
from fireside.people.models import User

SAVED_REPLIES = (
    ("Order number, please", "Hi! Sorry for the trouble. Could you send us your order number "
     "(it starts with #E) so we can look into it right away?"),
    ("Pause a subscription", "You can pause any time under Account > Subscription > Pause. "
     "Pick the date to restart and nothing ships or is charged until then."),
    ("Grinder replacement", "We're sorry your grinder let you down. It's under warranty: "
     "we'll send a replacement today and a prepaid label for the old one."),
)


def load_care_demo(say: Callable[[str], None]) -> None:
    from fireside.listening.simulate import load_history

    staff = {u.username: u for u in User.objects.filter(username__in=("tom", "lena", "priya",
                                                                       "maya"))}
    team, created = Team.objects.get_or_create(name="Customer care",
                                               defaults={"lead": staff.get("tom")})
    if created:
        team.members.set([u for h, u in staff.items() if h in ("lena", "priya")])
    if not SlaPolicy.objects.exists():
        SlaPolicy.objects.create(name="Standard", first_response_minutes=60,
                                 next_response_minutes=240, resolution_minutes=24 * 60)
        SlaPolicy.objects.create(name="Urgent complaints", priority=Priority.HIGH,
                                 first_response_minutes=30, next_response_minutes=60,
                                 resolution_minutes=8 * 60, warn_before_minutes=10)
        say("created SLA policies")
    if not RotaShift.objects.exists() and "lena" in staff and "priya" in staff:
        # Weekdays 07-19 UTC and Saturday late morning: nights and Sunday are gaps.
        for day in range(5):
            RotaShift.objects.create(agent=staff["lena"], weekday=day, start_hour=7,
                                     end_hour=13, team=team)
            RotaShift.objects.create(agent=staff["priya"], weekday=day, start_hour=13,
                                     end_hour=19, team=team)
        RotaShift.objects.create(agent=staff["lena"], weekday=5, start_hour=9, end_hour=13,
                                 team=team)
        say("created the rota")
    for title, body in SAVED_REPLIES:
        SavedReply.objects.get_or_create(title=title, defaults={"body": body})
    stored = load_history()
    if stored:
        say(f"simulated two days of conversations: {stored} messages")
        do_alert_uncovered()
