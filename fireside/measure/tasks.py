"""Background entry points: the rollup pass and the weekly report e-mail."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from fireside.measure import rollups


@task()
def roll_up() -> dict[str, int]:
    result = rollups.roll_up()
    return {**result.rows, "days": result.days, "weeks": result.weeks}


@task()
def send_weekly_report() -> int:
    """Runs hourly; sends last week's report once (ReportSent guards against repeats)."""
    from django.db.models import Q

    from fireside.measure.report import send_weekly_report as send
    from fireside.people.models import Role, User

    viewer = (User.objects.filter(Q(is_superuser=True) | ~Q(role=Role.MEMBER))
              .order_by("id").first())
    if viewer is None:
        return 0
    return send(viewer, date.today())
