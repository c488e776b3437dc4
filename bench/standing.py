"""Standing recomputation over 1,000,000 messages: a throwaway SQLite database (or
DATABASE_URL) with N people, their conversations and M inbound messages spread over the
90-day window, then the full `relationships.standing.recompute()` (first run writes every
standing, second run writes only changes), and an incremental run for 100 people.

Usage: .venv/bin/python bench/standing.py [--messages 1000000] [--people 50000]
Prints figures; never fails on time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FIRESIDE_DATA_DIR", tempfile.mkdtemp(prefix="fireside-bench-standing-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")

BATCH = 50_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from fireside.care.models import Conversation
    from fireside.listening.actions import do_create_channel
    from fireside.listening.fastsql import insert_returning_ids, insert_rows
    from fireside.listening.ingest import MESSAGE_FIELDS
    from fireside.listening.models import Message
    from fireside.people.models import Person
    from fireside.relationships import standing
    from fireside.relationships.models import StaffTask, StandingChange

    call_command("migrate", verbosity=0)
    channel = do_create_channel("Bench", "import")
    now = timezone.now()
    rng = random.Random(3)
    t0 = time.perf_counter()
    with transaction.atomic():
        people = insert_returning_ids(Person, ("display_name", "created_at"),
                                      [(f"p{i}", now) for i in range(args.people)])
        # One conversation per person, a fifth of them still open.
        convs = insert_returning_ids(Conversation, (
            "channel", "person", "subject", "status", "priority", "intent", "sentiment",
            "tags", "message_count", "first_message_at", "last_message_at",
            "escalation_level", "created_at"),
            [(channel.pk, pid, "", "open" if rng.random() < 0.2 else "resolved", "normal",
              "", "", [], 0, now, now, 0, now) for pid in people])
    conv_of = dict(zip(people, convs, strict=True))
    window = standing.WINDOW_DAYS * 86400
    done = 0
    while done < args.messages:
        rows = []
        for n in range(done, min(done + BATCH, args.messages)):
            pid = people[int(len(people) * rng.random() ** 2)]  # a few talk a lot
            score = max(-1.0, min(1.0, rng.gauss(0.15, 0.5)))
            complaint = score < -0.6 and rng.random() < 0.3
            at = now - timedelta(seconds=rng.randrange(window))
            row = {"channel": channel.pk, "external_id": f"m{n}", "direction": "in",
                   "person": pid, "identity": None, "account": None, "in_reply_to": "",
                   "author_handle": f"p{pid}", "author_name": "", "text": "…", "url": "",
                   "created_at": at, "received_at": at, "sent_elsewhere": False,
                   "sentiment": "positive" if score > 0.3 else "negative" if score < -0.3
                   else "neutral", "sentiment_score": score,
                   "intent": "complaint" if complaint else "other", "complaint": complaint,
                   "complaint_probability": 0.9 if complaint else 0.1, "language": "en",
                   "flags": [], "conversation": conv_of[pid] if complaint else None}
            rows.append([row[name] for name in MESSAGE_FIELDS])
        with transaction.atomic():
            insert_rows(Message, MESSAGE_FIELDS, rows)
        done += len(rows)
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    t_load = time.perf_counter() - t0

    t1 = time.perf_counter()
    first = standing.recompute()
    t_first = time.perf_counter() - t1
    t2 = time.perf_counter()
    second = standing.recompute()
    t_second = time.perf_counter() - t2
    some = rng.sample(people, 100)
    t3 = time.perf_counter()
    standing.recompute(some)
    t_some = time.perf_counter() - t3

    print(f"\nstanding on {connection.vendor}: {args.messages:,} messages, "
          f"{args.people:,} people (loaded in {t_load:.0f}s)")
    print(f"full recompute, first run: {t_first:.1f}s ({first.people:,} people, "
          f"{first.changed:,} standings set, {first.tasks:,} tasks)")
    print(f"full recompute, nothing changed: {t_second:.1f}s ({second.changed} changes)")
    print(f"incremental recompute of 100 people: {t_some * 1000:.0f} ms")
    print(f"rows: {StandingChange.objects.count():,} changes logged, "
          f"{StaffTask.objects.count():,} tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
