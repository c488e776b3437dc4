"""Pages and replies under load on the production server, and which server to ship.

    .venv/bin/python bench/web.py [--server gunicorn|granian|both|serve|gunicorn-sync|...]
        [--duration 20] [--connections 4] [--replies 200] [--reply-concurrency 4]
        [--nice -10] [--data-dir bench/out/community] [--database-url postgres://...]

Against the community built by bench/generate_community.py (built first if missing), for
each server: start it on 127.0.0.1 with 2 workers and DEBUG off, warm it up, then run wrk
for --duration seconds on a thread page with 100 replies, the busiest space page and the
home page, anonymous and signed in, and post --replies replies one after another (then
--reply-concurrency at once) with a member's session and CSRF token. The replies are
deleted and the counters put back afterwards, so every server sees the same data.

Read latencies are wrk's, from the client over loopback; reply times are both the
client's and the server's own (the access log's request time). wrk and the server share
the machine's cores; the "busy elsewhere" column is the CPU used meanwhile by processes
other than the server and wrk, which makes a figure suspect when it is not near zero.
Prints figures, never passes or fails on time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# As a browser: pages count thread views from people, and not from clients without one.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
WORKERS = 2
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Each server logs "REQ method path status time" so that replies can be timed server-side:
# gunicorn's %(D)s is microseconds, granian's %(dt_ms)s milliseconds.
LOG_FORMAT = "REQ %(m)s %(U)s %(s)s %(D)s"
Command = Callable[[int, Path], list[str]]


def gunicorn(worker_class: str, *extra: str) -> Command:
    def command(port: int, log: Path) -> list[str]:
        return [str(BIN / "gunicorn"), "fireside.wsgi:application", "--bind", f"{HOST}:{port}",
                "--workers", str(WORKERS), "--worker-class", worker_class, *extra,
                "--access-logfile", str(log), "--access-logformat", LOG_FORMAT,
                "--graceful-timeout", "5", "--timeout", "60"]
    return command


def granian(*extra: str) -> Command:
    def command(port: int, _log: Path) -> list[str]:
        return [str(BIN / "granian"), "--interface", "wsgi", "fireside.wsgi:application",
                "--host", HOST, "--port", str(port), "--workers", str(WORKERS), *extra,
                "--no-ws", "--access-log", "--access-log-fmt",
                "REQ %(method)s %(path)s %(status)d %(dt_ms).3f"]
    return command


def fireside_serve(port: int, _log: Path) -> list[str]:
    """Exactly what `fireside serve` runs (its access log goes to the server's output)."""
    from fireside.cli import server_command

    return server_command(HOST, port, WORKERS)


SERVERS: dict[str, Command] = {
    "gunicorn sync": gunicorn("sync"),
    "gunicorn gthread x4": gunicorn("gthread", "--threads", "4"),
    "granian": granian(),
    # One Python thread a worker, as gunicorn's sync workers, with granian's Rust I/O in
    # front (keep-alive, slow clients); by default a WSGI worker runs up to 256 threads.
    "granian 1 thread": granian("--blocking-threads", "1"),
}
CHOICES = {
    "gunicorn-sync": ["gunicorn sync"],
    "gunicorn-gthread": ["gunicorn gthread x4"],
    "gunicorn": ["gunicorn sync", "gunicorn gthread x4"],
    "granian": ["granian", "granian 1 thread"],
    "granian-1": ["granian 1 thread"],
    "both": ["gunicorn sync", "gunicorn gthread x4", "granian", "granian 1 thread"],
    "serve": ["fireside serve"],
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=sorted(CHOICES), default="both")
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--replies", type=int, default=200, help="replies posted per server")
    parser.add_argument("--reply-concurrency", type=int, default=4,
                        help="also post the replies this many at once (0: skip)")
    parser.add_argument("--pages", default="thread,space,home")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--nice", type=int, default=0,
                        help="run this script, the servers and wrk at this niceness; on a "
                        "shared machine -10 (root only) keeps other jobs from skewing figures")
    parser.add_argument("--data-dir", type=Path, default=OUT / "community")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.duration > 120 or args.connections > 64 or args.replies > 2000:
        parser.error("keep the load bounded: --duration <= 120, --connections <= 64, "
                     "--replies <= 2000")
    return args


# The data and the members ------------------------------------------------------------


def ensure_data(args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, str(BENCH / "generate_community.py"),
               "--data-dir", str(args.data_dir)]
    if args.database_url:
        command += ["--database-url", args.database_url]
    subprocess.run(command, check=True)
    return dict(json.loads((args.data_dir / "manifest.json").read_text()))


def setup_django(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"FIRESIDE_DATA_DIR": str(args.data_dir.resolve()), "DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "fireside.settings", "LOG_LEVEL": "WARNING"})
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return env


def session_cookie(handle: str) -> str:
    """A session for the member, made by Django's own login()."""
    from django.test import Client

    from fireside.people.models import User

    client = Client()
    client.force_login(User.objects.get(username=handle))
    return f"sessionid={client.cookies['sessionid'].value}"


def query_counts(manifest: dict[str, Any], member: str) -> list[tuple[str, str, int]]:
    """Queries per page, in-process: the thread page should not vary with its length."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fireside.community.models import Thread
    from fireside.people.models import User

    short = Thread.objects.filter(reply_count=3, space__visibility="public").first()
    longest = Thread.objects.order_by("-reply_count").first()
    pages = {"thread (100 replies)": f"/t/{manifest['hundred_reply_threads'][0]}",
             "thread (3 replies)": f"/t/{short.pk}" if short else "",
             f"thread ({longest.reply_count if longest else 0} replies, page 2)":
             f"/t/{longest.pk}?page=2" if longest else "",
             "space": f"/s/{manifest['space_slug']}", "home": "/"}
    rows = []
    for who in ("anonymous", "member"):
        client = Client(HTTP_HOST=HOST, HTTP_USER_AGENT=USER_AGENT)
        if who == "member":
            client.force_login(User.objects.get(username=member))
        for name, url in pages.items():
            if not url:
                continue
            client.get(url)  # caches warm, as on a running server
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            rows.append((name, who, len(queries)))
    return rows


# Servers --------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, port: int, nice: int = 0) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.write_text("")
        output = self.log.with_suffix(".out").open("wb")
        # A session of its own, so that the whole server can be stopped by its group id.
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=output,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        if nice:
            prioritize(self.process.pid, nice)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited: see {self.log.with_suffix('.out')}")
            try:
                status, _h, _b = request("GET", port, "/")
                if status == 200:
                    for pid in descendants(self.process.pid) if nice else ():
                        prioritize(pid, nice)  # the workers forked before the first call
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{self.name} did not answer within 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        # Workers that outlived their master, if any, are in the same group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return sum(process_cpu(pid) for pid in descendants(self.process.pid))

    def request_times(self, method: str, path_re: str) -> list[float]:
        """Milliseconds per request as the server logged them."""
        text = self.log.read_text() if self.log.stat().st_size else ""
        text += self.log.with_suffix(".out").read_text(errors="replace")
        if self.name == "fireside serve":  # its own format: "GET /path HTTP/1.1" 200 31ms
            pattern = re.compile(rf'"{method} ({path_re})(?:\?\S*)? HTTP/[\d.]+" (\d+) (\d+)ms')
            unit = 1.0
        else:
            pattern = re.compile(rf"REQ {method} ({path_re}) (\d+) ([\d.]+)")
            unit = 1.0 if self.name.startswith("granian") else 1e-3
        return [float(m.group(3)) * unit for m in pattern.finditer(text)]


def prioritize(pid: int, nice: int) -> None:
    """Run the process, and its session, at `nice`. With the kernel's autogroups each
    session gets an equal share of the CPU whatever its processes' niceness, so the
    session's own niceness is set too. Lowering it needs root."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except FileNotFoundError:
        pass  # no autogroups here: the process's niceness is what counts
    except PermissionError:
        print(f"(cannot set niceness {nice}: running at the default)")


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


def request(method: str, port: int, path: str, *, cookie: str = "",
            body: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        merged: dict[str, str] = {}
        for key, value in response.getheaders():
            merged[key.lower()] = (merged[key.lower()] + "\n" + value
                                   if key.lower() in merged else value)
        return response.status, merged, payload
    finally:
        connection.close()


# Measurements ----------------------------------------------------------------------


@dataclass
class Result:
    server: str
    page: str
    who: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    errors: int
    requests: int
    server_cpu: float = 0.0
    busy_elsewhere: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def run_wrk(server: Server, port: int, path: str, cookie: str, duration: int,
            connections: int, check: bool = True) -> tuple[dict[str, Any], float, float]:
    """wrk's JSON summary, the server's share of the machine and the share used elsewhere."""
    env = dict(os.environ, WRK_COOKIE=cookie)
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "--latency", "-s", str(BENCH / "wrk_report.lua"), f"http://{HOST}:{port}{path}"]
    server_before = server.cpu_seconds()
    busy_before, total_before = machine_busy()
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, capture_output=True, text=True,
                          timeout=duration + 60)
    if check and (done.returncode or "WRK_JSON " not in done.stdout):
        raise SystemExit(f"wrk failed ({done.returncode}) on {path}:\n{done.stdout}\n{done.stderr}")
    output = done.stdout
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_after, total_after = machine_busy()
    server_cpu = server.cpu_seconds() - server_before
    wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime
                                                            + wrk_before.ru_stime)
    total = max(total_after - total_before, 1e-9)
    elsewhere = max(0.0, (busy_after - busy_before) - server_cpu - wrk_cpu) / total
    line = next((x for x in output.splitlines() if x.startswith("WRK_JSON ")), "WRK_JSON {}")
    return json.loads(line[len("WRK_JSON "):]), server_cpu / total, elsewhere


def measure_pages(server: Server, port: int, pages: dict[str, str], cookie: str,
                  args: argparse.Namespace) -> list[Result]:
    results = []
    for who, who_cookie in (("anonymous", ""), ("member", cookie)):
        for name, path in pages.items():
            logged_path = re.escape(path.split("?")[0])
            before = len(server.request_times("GET", logged_path))
            summary, share, elsewhere = run_wrk(server, port, path, who_cookie, args.duration,
                                                args.connections)
            time.sleep(0.5)  # let the access log flush
            at_server = quantiles(server.request_times("GET", logged_path)[before:])
            errors = sum(summary[k] for k in ("connect_errors", "read_errors", "write_errors",
                                               "status_errors", "timeouts"))
            result = Result(server.name, name, who, summary["p50_us"] / 1000,
                            summary["p95_us"] / 1000, summary["p99_us"] / 1000,
                            summary["requests"] / (summary["duration_us"] / 1e6), errors,
                            summary["requests"], share, elsewhere, server_ms(at_server))
            print(f"  {name:<22} {who:<9} p50 {result.p50_ms:6.1f}  p95 {result.p95_ms:6.1f}  "
                  f"p99 {result.p99_ms:6.1f} ms (client); server p50 {at_server[0]:5.1f}  "
                  f"p95 {at_server[1]:5.1f}  p99 {at_server[2]:5.1f} ms; {result.rps:6.1f} req/s  "
                  f"errors {errors}  busy elsewhere {elsewhere:4.0%}", flush=True)
            results.append(result)
    return results


def warm_up(server: Server, port: int, pages: dict[str, str], cookie: str) -> None:
    """Until every page has been served for a while by every worker: the first requests
    of a process load templates and code, and a threaded server may take seconds."""
    for path in pages.values():
        for who_cookie in ("", cookie):
            for _ in range(5):
                summary, _s, _e = run_wrk(server, port, path, who_cookie, 3, 2 * WORKERS,
                                          check=False)
                if summary.get("requests", 0) >= 20:
                    break


def csrf_for(port: int, path: str, cookie: str) -> tuple[str, str]:
    """(cookie header with the CSRF cookie added, the form's token), from the page's form."""
    status, headers, body = request("GET", port, path, cookie=cookie)
    assert status == 200, (path, status)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    found = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    assert token and found, "no CSRF token on the page: is the member signed in?"
    return f"{cookie}; csrftoken={found.group(1)}", token.group(1).decode()


class Snapshot:
    """What posting replies changes, to be put back once the server has stopped."""

    def __init__(self, thread_id: int, handles: list[str]) -> None:
        from django.db.models import Max
        from django.utils import timezone

        from fireside.community.models import Follow, Notification, Post, Space, Thread
        from fireside.people.models import User

        self.started = timezone.now()
        self.thread_id = thread_id
        self.max_post = Post.objects.aggregate(m=Max("id"))["m"] or 0
        self.max_follow = Follow.objects.aggregate(m=Max("id"))["m"] or 0
        self.max_notification = Notification.objects.aggregate(m=Max("id"))["m"] or 0
        thread = Thread.objects.get(pk=thread_id)
        self.thread = {"reply_count": thread.reply_count,
                       "last_activity_at": thread.last_activity_at}
        space = Space.objects.get(pk=thread.space_id)
        self.space_id = space.pk
        self.space = {"post_count": space.post_count, "last_activity_at": space.last_activity_at}
        self.users = dict(User.objects.filter(username__in=handles)
                          .values_list("id", "post_count"))

    def restore(self) -> int:
        from django.db import transaction
        from django_tasks_db.models import DBTaskResult

        from fireside.community.models import Follow, Notification, Post, Space, Thread
        from fireside.people.models import User

        with transaction.atomic():
            posted = Post.objects.filter(id__gt=self.max_post).count()
            Notification.objects.filter(id__gt=self.max_notification).delete()
            Post.objects.filter(id__gt=self.max_post).delete()
            Follow.objects.filter(id__gt=self.max_follow).delete()
            DBTaskResult.objects.filter(enqueued_at__gte=self.started).delete()
            Thread.objects.filter(pk=self.thread_id).update(**self.thread)
            Space.objects.filter(pk=self.space_id).update(**self.space)
            for user_id, count in self.users.items():
                User.objects.filter(pk=user_id).update(post_count=count)
        return posted


REPLY_BODIES = [
    "Thanks, that worked for me after **restarting** the sync.",
    "Same here. Setting `retry = 3` in the settings fixed it.\n\nStill curious why, though.",
    "Could you share the log from the moment it fails? The *export* page shows it.",
    "+1, we see this on the mobile app too:\n\n- version 4.2\n- Android 14",
]


def post_replies(server: Server, port: int, thread_id: int, members: list[tuple[str, str, str]],
                 count: int, concurrency: int) -> Result:
    """Post `count` replies, `concurrency` at a time, each member in turn (the rate limit
    is per member); client times, and the server's own from its access log."""
    path = f"/t/{thread_id}/reply"
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        for n in counter:
            handle, cookie, token = members[n % len(members)]
            body = {"csrfmiddlewaretoken": token,
                    "body": f"{REPLY_BODIES[n % len(REPLY_BODIES)]}\n\nReply {n} by @{handle}."}
            started = time.perf_counter()
            status, headers, _b = request("POST", port, path, cookie=cookie, body=body)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 302 and "#post-" in headers.get("location", ""):
                    times.append(elapsed)
                else:
                    failures.append(f"{status} {headers.get('location', '')}")

    before = len(server.request_times("POST", re.escape(path)))
    workers = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    wall = time.perf_counter() - started
    time.sleep(0.5)  # let the access log flush
    logged = server.request_times("POST", re.escape(path))[before:]
    if failures:
        print(f"  {len(failures)} replies failed, e.g. {failures[:3]}", flush=True)
    q = quantiles(times)
    s = quantiles(logged)
    result = Result(server.name, f"reply x{concurrency}", "member", q[0], q[1], q[2],
                    len(times) / wall, len(failures), len(times),
                    extra={**server_ms(s), "logged": len(logged)})
    print(f"  {'reply, ' + str(concurrency) + ' at a time':<22} member    p50 {q[0]:6.1f}  "
          f"p95 {q[1]:6.1f}  p99 {q[2]:6.1f} ms (client); server p50 {s[0]:5.1f}  "
          f"p95 {s[1]:5.1f}  p99 {s[2]:5.1f} ms  ({len(times)} posted, {len(failures)} failed)",
          flush=True)
    return result


def server_ms(q: tuple[float, float, float]) -> dict[str, float]:
    return {"server_p50_ms": q[0], "server_p95_ms": q[1], "server_p99_ms": q[2]}


def quantiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0],) * 3 if values else (float("nan"),) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


# The run -----------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    args.data_dir = args.data_dir.resolve()
    if args.nice:
        prioritize(os.getpid(), args.nice)  # wrk and the reply client run in this session

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # so that servers stop and the data is put back

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    manifest = ensure_data(args)
    env = setup_django(args)
    members = manifest["members"]
    cookie = session_cookie(members[0])
    read_thread, reply_thread = manifest["hundred_reply_threads"][:2]
    all_pages = {"thread (100 replies)": f"/t/{read_thread}",
                 "space": f"/s/{manifest['space_slug']}", "home": "/"}
    wanted = args.pages.split(",")
    pages = {k: v for k, v in all_pages.items() if k.split()[0] in wanted}

    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, "
          f"niceness {os.getpriority(os.PRIO_PROCESS, 0)}; data: "
          f"{manifest['wanted']['posts']:,} posts in {manifest['wanted']['threads']:,} threads "
          f"on {manifest['database']}; wrk {args.connections} connections x {args.duration} s")
    print("\nQueries per page (in-process, caches warm):")
    for name, who, n in query_counts(manifest, members[0]):
        print(f"  {name:<34} {who:<9} {n:>3}")

    names = CHOICES[args.server]
    results: list[Result] = []
    for name in names:
        command = fireside_serve if name == "fireside serve" else SERVERS[name]
        log = OUT / "logs" / f"{name.replace(' ', '-')}.log"
        server = Server(name, command(args.port, log), env, log)
        print(f"\n{name}: {' '.join(server.command[:1] + server.command[1:8])} ...", flush=True)
        snapshot = Snapshot(reply_thread, members)
        try:
            server.start(args.port, args.nice)
            warm_up(server, args.port, pages, cookie)
            results += measure_pages(server, args.port, pages, cookie, args)
            if args.replies:
                signed_in = []
                for handle in members[:20]:
                    member_cookie = session_cookie(handle)
                    signed_in.append((handle, *csrf_for(args.port, f"/t/{reply_thread}",
                                                        member_cookie)))
                results.append(post_replies(server, args.port, reply_thread, signed_in,
                                            args.replies, 1))
                if args.reply_concurrency > 1:
                    results.append(post_replies(server, args.port, reply_thread, signed_in,
                                                args.replies, args.reply_concurrency))
        finally:
            server.stop()
            removed = snapshot.restore()
            if removed:
                print(f"  (removed the {removed} benchmark replies and restored the counters)")

    print_table(results, args)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT / f"web-{stamp}.json").write_text(json.dumps(
        {"args": {k: str(v) for k, v in vars(args).items()}, "manifest": manifest,
         "results": [asdict(r) for r in results]}, indent=2))
    print(f"\nSaved to {OUT / f'web-{stamp}.json'}")
    return 0


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    print(f"\nSummary, in ms. Reads: wrk, {args.connections} connections, {args.duration} s "
          "each; client = wrk's latency, server = the access log's request time. Replies: "
          f"{args.replies} posted one at a time, then {args.reply_concurrency} at a time.")
    print(f"{'server':<20} {'page':<22} {'who':<9} {'client p50':>10} {'p95':>6} {'p99':>6} "
          f"{'server p50':>10} {'p95':>6} {'p99':>6} {'req/s':>6} {'err':>4} {'elsewhere':>9}")
    for r in results:
        e = r.extra
        print(f"{r.server:<20} {r.page:<22} {r.who:<9} {r.p50_ms:10.1f} {r.p95_ms:6.1f} "
              f"{r.p99_ms:6.1f} {e['server_p50_ms']:10.1f} {e['server_p95_ms']:6.1f} "
              f"{e['server_p99_ms']:6.1f} {r.rps:6.1f} {r.errors:>4} "
              + (f"{r.busy_elsewhere:>8.0%}" if r.requests and r.server_cpu else ""))


if __name__ == "__main__":
    sys.exit(main())
