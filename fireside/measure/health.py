"""The community health index: six factors, each 0-100, and a score of 0-1000.

The formula is open (docs/health.md, with a worked example) and computed here from the
rollups only. Every function is pure, so the worked example in the docs is a test.
"""

from __future__ import annotations

from dataclasses import dataclass

# What members may expect; the formula compares each week against these.
EXPECTED_POSTS_PER_WEEK = 20  # per space
READS_PER_POST = 10  # a post counts fully once it is read this many times on average
FIRST_REPLY_SECONDS = 24 * 3600  # members expect a first reply within a day
LATER_REPLY_SECONDS = 48 * 3600  # and each later reply within two days of the last post
BASELINE_WEEKS = 4
STEADY = 75  # the growth factors score a steady week at 75 and a third more at 100
FACTORS = ("members", "content", "traffic", "responsiveness", "interaction", "liveliness")


@dataclass(frozen=True)
class WeekFigures:
    """What the rollups say about one week of one space (or of the whole community)."""

    active_members: int
    baseline_members: float  # mean active members of the previous four weeks (0: none)
    posts: int
    views: int
    baseline_views: float
    active_days: int  # days of the week with at least one post
    threads: int  # threads started this week
    responded_in_time: int  # of those, first reply within FIRST_REPLY_SECONDS
    gaps: int  # later replies in those threads
    gaps_in_time: int
    participants: int  # summed over those threads
    turns: int
    spaces: int = 1  # how many spaces the expectation covers


def clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def growth(current: float, baseline: float) -> int:
    """STEADY for a week like the baseline; no baseline yet counts any activity as steady."""
    if baseline <= 0:
        return STEADY if current > 0 else 0
    return clamp(STEADY * current / baseline)


def factors(w: WeekFigures) -> dict[str, int]:
    expected = EXPECTED_POSTS_PER_WEEK * max(1, w.spaces)
    read_weight = min(1.0, w.views / (READS_PER_POST * w.posts)) if w.posts else 0.0
    if w.threads:
        first = w.responded_in_time / w.threads
        later = w.gaps_in_time / w.gaps if w.gaps else first
        responsiveness = clamp(100 * (0.6 * first + 0.4 * later))
        breadth = min(1.0, (w.participants / w.threads - 1) / 3)
        depth = min(1.0, w.turns / w.threads / 4)
        interaction = clamp(100 * (0.5 * breadth + 0.5 * depth))
    else:
        responsiveness = interaction = 0
    return {
        "members": growth(w.active_members, w.baseline_members),
        "content": clamp(100 * w.posts * read_weight / expected),
        "traffic": growth(w.views, w.baseline_views),
        "responsiveness": responsiveness,
        "interaction": interaction,
        "liveliness": clamp(100 * (0.5 * min(1.0, w.posts / expected) + 0.5 * w.active_days / 7)),
    }


def score(values: dict[str, int]) -> int:
    """The six factors, equally weighted, on a scale of 0 to 1000."""
    return round(sum(values[f] for f in FACTORS) * 1000 / (100 * len(FACTORS)))


def band(points: int) -> str:
    if points >= 700:
        return "thriving"
    if points >= 500:
        return "healthy"
    if points >= 300:
        return "fragile"
    return "struggling"
