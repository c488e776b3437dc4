"""The inbox with 100,000 open conversations: p95 at the server, requests/s, queries.

    .venv/bin/python bench/inbox.py [--conversations 100000] [--duration 15]
        [--connections 4] [--database sqlite|postgres|both] [--port 8766]

Builds a fresh database (a new SQLite file under bench/out/inbox, and a new PostgreSQL
database `fireside_bench_inbox` when the server answers) with --conversations open
conversations waiting for an answer: six channels, a person and an identity per customer,
one to three messages each (a third answered once and waiting again), a third owned by one
of ten agents, a fifth given to a team, priorities and due times spread over the day.
Rows go in through listening.fastsql's bulk inserts, as the ingest pipeline writes them.

Then it starts the server as production runs it (gunicorn, sync workers, two of them; the
access log in microseconds, see bench/web.py), signs in as an agent and runs wrk against
the inbox, a filtered inbox and the inbox's second page. It prints wrk's latencies, the
server's own (its access log), requests/s, the queries per page (in-process, caches warm)
and the load average, since the machine is shared. Prints figures, never passes or fails.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web  # bench/web.py: the server, wrk and sign-in helpers

OUT = web.OUT / "inbox"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "fireside_bench_inbox"
AGENT = "bench-agent"
BATCH = 20_000
SERVER = "gunicorn sync"  # what `fireside serve` runs (fireside.cli.server_command)

COMPLAINTS = [
    "My order {n} arrived broken, the grinder hopper is cracked",
    "The app won't load since this morning, order {n}",
    "I was charged twice for order {n}, please refund one",
    "Where is my parcel? Order {n} was due on Monday",
    "Can I change the delivery address of order {n}?",
    "How do I descale the machine? Order {n}",
    "The subscription renewed although I cancelled it (account {n})",
    "Love the new beans, but order {n} came without a receipt",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--seed", type=int, default=5)
    # Set by main() for the process that measures one database: "sqlite" or a URL.
    parser.add_argument("--one", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.duration > 120 or args.connections > 64 or args.conversations > 1_000_000:
        parser.error("keep the load bounded: --duration <= 120, --connections <= 64, "
                     "--conversations <= 1,000,000")
    return args


def postgres_reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"{PG_SERVER}/{PG_DATABASE}"


def fresh_sqlite(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{data_dir / 'fireside.sqlite3'}{suffix}").unlink(missing_ok=True)


# The data ---------------------------------------------------------------------------


def generate(count: int, seed: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from fireside.care.models import Conversation, Priority, SlaPolicy, Status, Team
    from fireside.listening.actions import do_create_channel
    from fireside.listening.fastsql import insert_returning_ids, insert_rows
    from fireside.listening.models import Direction, Identity, Message
    from fireside.people.models import Person, User

    rng = random.Random(seed)
    now = timezone.now()
    started = time.perf_counter()
    agents = []
    for n in range(10):
        agent = User(username=f"agent{n}", email=f"agent{n}@example.com",
                     display_name=f"Agent {n}", role="agent", kind="employee")
        agent.set_unusable_password()
        agents.append(agent)
    User.objects.bulk_create(agents)
    agents = list(User.objects.filter(username__startswith="agent").order_by("id"))
    me = User(username=AGENT, email="bench@example.com", display_name="Bench Agent",
              role="agent", kind="employee")
    me.set_unusable_password()
    me.save()
    teams = [Team.objects.create(name=name, lead=agents[i])
             for i, name in enumerate(("Orders", "Billing"))]
    kinds = ("webhook", "import", "mastodon", "bluesky", "imap", "twitter")
    channels = [do_create_channel(f"{kind.title()} support", kind) for kind in kinds]
    SlaPolicy.objects.create(name="Urgent", priority=Priority.URGENT,
                             first_response_minutes=15, next_response_minutes=60)

    people_count = max(1, count * 3 // 5)  # some customers write about two matters
    priorities = ([Priority.URGENT] * 2 + [Priority.HIGH] * 10 + [Priority.LOW] * 15
                  + [Priority.NORMAL] * 73)
    person_ids: list[int] = []
    identity_of: dict[tuple[int, int], int] = {}
    conversations = messages = 0
    with transaction.atomic():
        for start in range(0, people_count, BATCH):
            rows = [(f"Customer {n}", now) for n in range(start, min(start + BATCH,
                                                                      people_count))]
            person_ids += insert_returning_ids(Person, ("display_name", "created_at"), rows)
        for start in range(0, count, BATCH):
            batch = range(start, min(start + BATCH, count))
            conv_rows, plans = [], []
            for n in batch:
                person = person_ids[n % people_count]
                channel = channels[rng.randrange(len(channels))]
                first = now - timedelta(minutes=rng.uniform(0, 20 * 60))
                answered = rng.random() < 1 / 3
                priority = rng.choice(priorities)
                target = {Priority.URGENT: 15}.get(priority, 60)
                if answered:
                    reply = first + timedelta(minutes=rng.uniform(5, 90))
                    awaiting = reply + timedelta(minutes=rng.uniform(1, 120))
                    due = awaiting + timedelta(minutes=240 if priority != "urgent" else 60)
                    times = [first, reply, awaiting]
                else:
                    reply = None
                    awaiting = first
                    due = first + timedelta(minutes=target)
                    times = [first] + ([first + timedelta(minutes=3)]
                                       if rng.random() < 0.3 else [])
                owner = agents[rng.randrange(10)].pk if rng.random() < 1 / 3 else None
                team = teams[rng.randrange(2)].pk if rng.random() < 0.2 else None
                breached = due <= now
                subject = COMPLAINTS[n % len(COMPLAINTS)].format(n=n)
                conv_rows.append((
                    channel.pk, person, subject, Status.OPEN, priority, "complaint",
                    "negative", owner, team, [], len(times), first, times[-1], awaiting,
                    reply, reply, due, first + timedelta(hours=24),
                    (reply <= first + timedelta(minutes=target)) if reply else None,
                    1 if breached and rng.random() < 0.5 else 0, due if breached else None,
                    first))
                plans.append((channel.pk, person, subject, times, reply))
            ids = insert_returning_ids(Conversation, (
                "channel", "person", "subject", "status", "priority", "intent", "sentiment",
                "owner", "team", "tags", "message_count", "first_message_at",
                "last_message_at", "awaiting_since", "first_response_at", "last_response_at",
                "sla_due_at", "resolution_due_at", "first_response_met", "escalation_level",
                "sla_breached_at", "created_at"), conv_rows)
            conversations += len(ids)
            new_identities = sorted({(c, p) for c, p, *_ in plans} - identity_of.keys())
            made = insert_returning_ids(
                Identity, ("channel", "handle", "display_name", "person", "created_at"),
                [(c, f"customer{p}", f"Customer {p}", p, now) for c, p in new_identities])
            identity_of.update(zip(new_identities, made, strict=True))
            message_rows = []
            for conv_id, (channel_id, person, subject, times, reply) in zip(
                    ids, plans, strict=True):
                for i, at in enumerate(times):
                    out = reply is not None and at == reply
                    message_rows.append((
                        channel_id, f"b{conv_id}-{i}", Direction.OUT if out else Direction.IN,
                        None if out else person,
                        None if out else identity_of[(channel_id, person)],
                        "support" if out else f"customer{person}",
                        "Support" if out else f"Customer {person}",
                        "Sorry about that, we are on it." if out else
                        (subject if i == 0 else "Any news? Still waiting."),
                        "", "", at, at, not out, "neutral" if out else "negative",
                        0.0 if out else -0.6, "other" if out else "complaint", not out,
                        0.0 if out else 0.9, "en", [], conv_id))
            insert_rows(Message, (
                "channel", "external_id", "direction", "person", "identity", "author_handle",
                "author_name", "text", "url", "in_reply_to", "created_at", "received_at",
                "sent_elsewhere", "sentiment",
                "sentiment_score", "intent", "complaint", "complaint_probability", "language",
                "flags", "conversation"), message_rows)
            messages += len(message_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a load like this
    return {"conversations": conversations, "messages": messages, "people": people_count,
            "channels": [c.pk for c in channels], "seconds": time.perf_counter() - started}


# The measurements -------------------------------------------------------------------


def pages(port: int, cookie: str, data: dict[str, Any]) -> dict[str, str]:
    """The inbox, a filtered one (a channel's unassigned conversations) and page 2."""
    status, _h, body = web.request("GET", port, "/care/inbox", cookie=cookie)
    assert status == 200, f"the inbox answered {status}: is the agent signed in?"
    found = re.search(rb'href="\?([^"]+)" rel="next"', body)
    assert found, "the inbox has no second page"
    second = "/care/inbox?" + found.group(1).decode().replace("&amp;", "&")
    return {"inbox": "/care/inbox",
            "inbox, filtered": f"/care/inbox?channel={data['channels'][2]}&owner=none",
            "inbox, page 2": second}


def query_counts(paths: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fireside.people.models import User

    client = Client(HTTP_HOST=web.HOST, HTTP_USER_AGENT=web.USER_AGENT)
    client.force_login(User.objects.get(username=AGENT))
    counts = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = len(queries)
    return counts


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_one(args: argparse.Namespace) -> int:
    """Build the database named by --one (a URL, or "sqlite"), serve it, measure."""
    database_url = "" if args.one == "sqlite" else args.one
    data_dir = OUT / ("postgres" if database_url else "sqlite")
    if not database_url:
        fresh_sqlite(data_dir)
    setup = argparse.Namespace(data_dir=data_dir.resolve(), database_url=database_url)
    env = web.setup_django(setup)
    from django.db import connection

    vendor = connection.vendor
    print(f"\n== {vendor}: {os.cpu_count()} cores, {load()}", flush=True)
    data = generate(args.conversations, args.seed)
    print(f"Built {data['conversations']:,} open conversations, {data['messages']:,} "
          f"messages, {data['people']:,} people in {data['seconds']:.0f} s; {load()}",
          flush=True)
    cookie = web.session_cookie(AGENT)
    connection.close()  # the server's workers are the database's readers from here
    log = OUT / "logs" / f"{vendor}.log"
    server = web.Server(SERVER, web.SERVERS[SERVER](args.port, log), env, log)
    try:
        server.start(args.port)
        paths = pages(args.port, cookie, data)
        counts = query_counts(paths)
        web.warm_up(server, args.port, paths, cookie)
        print(f"{'page':<16} {'queries':>7} {'client p50':>10} {'p95':>6} {'server p50':>10} "
              f"{'p95':>6} {'p99':>6} {'req/s':>6} {'errors':>6}  load")
        for name, path in paths.items():
            pattern = re.escape(path.split("?")[0])
            before = len(server.request_times("GET", pattern))
            summary, _share, elsewhere = web.run_wrk(server, args.port, path, cookie,
                                                     args.duration, args.connections)
            time.sleep(0.5)  # let the access log flush
            at_server = web.quantiles(server.request_times("GET", pattern)[before:])
            errors = sum(summary[k] for k in ("connect_errors", "read_errors",
                                               "write_errors", "status_errors", "timeouts"))
            rps = summary["requests"] / (summary["duration_us"] / 1e6)
            print(f"{name:<16} {counts[name]:>7} {summary['p50_us'] / 1000:10.1f} "
                  f"{summary['p95_us'] / 1000:6.1f} {at_server[0]:10.1f} {at_server[1]:6.1f} "
                  f"{at_server[2]:6.1f} {rps:6.1f} {errors:>6}  "
                  f"{os.getloadavg()[0]:.2f} (busy elsewhere {elsewhere:.0%})", flush=True)
    finally:
        server.stop()
    return 0


def main() -> int:
    args = parse_args()
    if args.one:
        return run_one(args)
    code = 0
    wanted = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in wanted:
        one = "sqlite"
        if database == "postgres":
            if not postgres_reachable():
                print(f"\n== postgresql: nothing answers at {PG_SERVER}; skipped")
                continue
            one = fresh_postgres()
        # One process per database: Django's settings are read once per process.
        done = subprocess.run([sys.executable, __file__, *sys.argv[1:], "--one", one],
                              check=False)
        code = code or done.returncode
    return code


if __name__ == "__main__":
    sys.exit(main())
