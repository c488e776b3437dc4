"""Similar search over 100,000 threads and ideas: p50/p95 of `fireside.ideas.similar.similar`
(the query function the page and the API call) and of GET /api/v1/similar in-process.

Usage: .venv/bin/python bench/similar.py [--items 100000] [--queries 300]
Builds a throwaway SQLite database in a temporary FIRESIDE_DATA_DIR (or uses DATABASE_URL).
Prints figures; never fails on time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("FIRESIDE_DATA_DIR", tempfile.mkdtemp(prefix="fireside-bench-similar-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

_VOCABULARY = """espresso latte cappuccino mocha cortado flat white americano cold brew nitro tonic
oat almond soy coconut milk cream foam syrup vanilla caramel hazelnut maple pecan pumpkin
cinnamon cardamom ginger nutmeg clove honey chocolate cocoa cherry berry orange lemon lime
pineapple mango banana apple pear plum fig date walnut pistachio almond coconut toffee
decaf single origin blend roast light medium dark ethiopia colombia kenya brazil guatemala
sumatra yirgacheffe natural washed honey process grinder burr blade scale kettle pour over
aeropress moka pot french press chemex filter paper dripper carafe mug cup tumbler
subscription delivery pouch tin refill compostable recyclable gift box card sample sampler
seasonal winter summer spring autumn holiday festive morning evening weekend limited edition
recipe guide class workshop tasting event meetup app website checkout discount loyalty
points reward shipping tracking pause skip cancel address bundle starter kit"""
WORDS = _VOCABULARY.split()


def title(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, rng.randint(3, 7))).capitalize()


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.95)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from fireside.community.models import Space, Thread
    from fireside.ideas import similar
    from fireside.ideas.models import Campaign, Idea, ItemKind
    from fireside.people.models import User

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(42)
    author, _ = User.objects.get_or_create(username="bench", defaults={"display_name": "Bench"})
    space, _ = Space.objects.get_or_create(slug="bench", defaults={"name": "Bench",
                                                                   "purpose": "Benchmarks"})
    campaign = Campaign.objects.filter(slug="bench").first() or Campaign.objects.create(
        space=space, slug="bench", title="Bench", created_by=author,
        closes_at=timezone.now() + timezone.timedelta(days=30))
    half = args.items // 2
    started = time.perf_counter()
    have = Thread.objects.filter(space=space).count()
    if have < half:
        Thread.objects.bulk_create([Thread(space=space, author=author, title=title(rng))
                                    for _ in range(half - have)], batch_size=5000)
    have = Idea.objects.filter(campaign=campaign).count()
    if have < half:
        Idea.objects.bulk_create([Idea(campaign=campaign, author=author, title=title(rng))
                                  for _ in range(half - have)], batch_size=5000)
    for kind, rows in ((ItemKind.THREAD, Thread.objects.filter(space=space)),
                       (ItemKind.IDEA, Idea.objects.filter(campaign=campaign))):
        items = [(pk, space.pk, t) for pk, t in rows.values_list("id", "title")]
        for i in range(0, len(items), 5000):
            similar.store_entries(kind, items[i:i + 5000])
    print(f"generated {args.items:,} threads and ideas with similarity entries in "
          f"{time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    similar.reset_index()
    index = similar.get_index()
    print(f"loaded the in-memory index ({index.size:,} entries) in "
          f"{time.perf_counter() - started:.1f} s")
    viewer = author
    texts = [" ".join(title(rng).split()[: rng.randint(2, 4)]) for _ in range(args.queries)]
    similar.similar(viewer, texts[0])  # warm the signals model
    timings, found = [], 0
    for text in texts:
        t = time.perf_counter()
        hits = similar.similar(viewer, text, limit=5)
        timings.append(time.perf_counter() - t)
        found += bool(hits)
    p50, p95 = percentiles(timings)
    print(f"similar() over {index.size:,} items: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"({args.queries} queries, {found} with hits)")
    client = Client()
    client.force_login(viewer)
    timings = []
    for text in texts:
        t = time.perf_counter()
        response = client.get("/api/v1/similar", {"text": text, "limit": 5})
        timings.append(time.perf_counter() - t)
        assert response.status_code == 200, response.content
    p50, p95 = percentiles(timings)
    print(f"GET /api/v1/similar (in-process, signed in): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
