"""Vote latency at the server: gunicorn (`fireside.cli.server_command`) serving a small
generated database, N clients voting and withdrawing on a few ideas through the API.
The server's own timing comes from its access log (%(D)s, microseconds per request).

Usage: .venv/bin/python bench/vote.py [--voters 4] [--seconds 15] [--workers 2]
Uses a throwaway SQLite database in a temporary FIRESIDE_DATA_DIR, or DATABASE_URL.
Prints figures; never fails on time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FIRESIDE_DATA_DIR", tempfile.mkdtemp(prefix="fireside-bench-vote-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fireside.settings")
os.environ.setdefault("FIRESIDE_RATE_LIMITS", "0")
LOG_LINE = re.compile(r'"(PUT|DELETE) /api/v1/ideas/\d+/vote HTTP/1\.[01]" (\d+) (\d+)us')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(samples: list[float], q: float) -> float:
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(len(samples) * q))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=4,
                        help="clients voting at once (the web bench's 4 connections by default)")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ideas", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from fireside.cli import server_command
    from fireside.ideas.testing import make_campaign, make_idea
    from fireside.people.actions import do_create_token
    from fireside.testing import make_user

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    campaign = make_campaign(title="Bench campaign", vote_budget=None)
    ideas = [make_idea(campaign, title=f"Bench idea {n}").pk for n in range(args.ideas)]
    tokens = [do_create_token(make_user(f"benchvoter{n}-{random.randint(0, 10**9)}"),
                              "bench")[1] for n in range(args.voters)]
    port = free_port()
    command = server_command("127.0.0.1", port, args.workers)
    # The production command, with the access log in microseconds rather than milliseconds.
    command[command.index("--access-logformat") + 1] = '%(h)s "%(r)s" %(s)s %(D)sus'
    server = subprocess.Popen(command,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ}, cwd=ROOT)
    server_ms: list[float] = []

    def read_log() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            match = LOG_LINE.search(line)
            if match and match.group(2) == "200":
                server_ms.append(int(match.group(3)) / 1000)

    threading.Thread(target=read_log, daemon=True).start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    client_ms: list[float] = []
    deadline = [0.0]

    def voter(token: str) -> int:
        rng = random.Random(token)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        voted: set[int] = set()
        n = 0
        while time.monotonic() < deadline[0]:
            idea = rng.choice(ideas)
            method = "DELETE" if idea in voted else "PUT"
            started = time.perf_counter()
            conn.request(method, f"/api/v1/ideas/{idea}/vote",
                         headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            client_ms.append((time.perf_counter() - started) * 1000)
            if response.status == 200:
                voted ^= {idea}
            n += 1
        conn.close()
        return n

    try:
        # Warm up each worker (the first request loads Django).
        for _ in range(args.workers * 4):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", f"/api/v1/ideas/{ideas[0]}")
            c.getresponse().read()
            c.close()
        deadline[0] = time.monotonic() + args.seconds
        with ThreadPoolExecutor(max_workers=args.voters) as pool:
            total = sum(pool.map(voter, tokens))
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=15)
    db = os.environ.get("DATABASE_URL", "SQLite").split("@")[-1]
    print(f"{total} vote/withdraw requests by {args.voters} concurrent clients in "
          f"{args.seconds:.0f} s against gunicorn ({args.workers} sync workers, {db}), "
          f"load average {os.getloadavg()[0]:.2f}")
    if server_ms:
        print(f"at the server (access log): p50 {statistics.median(server_ms):.1f} ms, "
              f"p95 {pct(server_ms, 0.95):.1f} ms over {len(server_ms)} requests")
    print(f"at the client (includes queueing): p50 {statistics.median(client_ms):.1f} ms, "
          f"p95 {pct(client_ms, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
