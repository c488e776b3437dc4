"""The social readiness self-assessment: six disciplines, two questions each, 0-4."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg

DISCIPLINES = ("vision", "strategy", "purpose", "launch", "guide", "adapt")
QUESTIONS: dict[str, tuple[str, str]] = {
    "vision-1": ("vision", "Our leadership can say in a sentence why we are on social media."),
    "vision-2": ("vision", "Our community work is tied to written business goals."),
    "strategy-1": ("strategy", "We have chosen and ranked the platforms where our people are."),
    "strategy-2": ("strategy", "We measure our goals and look at the figures every month."),
    "purpose-1": ("purpose", "Each space and channel has a stated purpose for its members."),
    "purpose-2": ("purpose", "We mostly share useful things rather than promote ourselves."),
    "launch-1": ("launch", "Named people, not a logo, answer on our channels."),
    "launch-2": ("launch", "Questions get answered, by us or by members, within a day."),
    "guide-1": ("guide", "Staff have dedicated hours for community work, on a rota."),
    "guide-2": ("guide", "Staff are trained in our guidelines for social work."),
    "adapt-1": ("adapt", "We thank our promoters and help our detractors personally."),
    "adapt-2": ("adapt", "We change what we do when sentiment or health moves."),
}
# The scorecard dimension whose data speaks to each discipline.
MEASURED_BY = {"vision": "planning", "strategy": "planning", "purpose": "presences",
               "launch": "presences", "guide": "commitment", "adapt": "relationships"}
SCALE = ("0 not at all", "1 a little", "2 partly", "3 mostly", "4 fully")


def self_scores() -> tuple[dict[str, int | None], int]:
    """Each discipline 0-100 from the mean answer of every staff member; and how many
    staff answered."""
    from fireside.measure.models import ReadinessAnswer

    means: dict[str, list[float]] = defaultdict(list)
    for question, mean in (ReadinessAnswer.objects.values_list("question")
                           .annotate(mean=Avg("score"))):
        if question in QUESTIONS:
            means[QUESTIONS[question][0]].append(float(mean))
    people = ReadinessAnswer.objects.values("answered_by").distinct().count()
    return ({d: round(25 * sum(means[d]) / len(means[d])) if means[d] else None
             for d in DISCIPLINES}, people)
