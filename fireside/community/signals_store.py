"""Storing what the signals library reads in posts, in batches."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from fireside.community.models import Post, PostSignals

BATCH = 1_000


def store_post_signals(post_ids: Iterable[int]) -> int:
    """Analyze the given posts (opening posts with their title) and store or replace their
    signals; returns how many were stored. Deleted posts are skipped."""
    from fireside.signals import analyze_batch

    ids = sorted(set(post_ids))
    stored = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        posts = list(Post.objects.filter(id__in=chunk, is_deleted=False)
                     .values_list("id", "is_opening", "thread__title", "body_text"))
        texts = [f"{title}. {body}" if opening else body for _id, opening, title, body in posts]
        now = timezone.now()
        rows = [
            PostSignals(post_id=pid, sentiment=s.sentiment, sentiment_score=s.sentiment_score,
                        intent=s.intent, complaint=s.complaint,
                        complaint_probability=s.complaint_probability, language=s.language,
                        guideline_flags=s.guideline_flags, analyzed_at=now)
            for (pid, *_rest), s in zip(posts, analyze_batch(texts), strict=True)
        ]
        with transaction.atomic():
            PostSignals.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["post"],
                update_fields=["sentiment", "sentiment_score", "intent", "complaint",
                               "complaint_probability", "language", "guideline_flags",
                               "analyzed_at"])
        stored += len(rows)
    return stored
