"""Load check: 4 gunicorn workers, 200 concurrent clients posting wishes for 60 s.

Each client opens the form (GET: CSRF and form tokens), posts one to three wishes, and counts the
submission as acknowledged when the answer is the 303 to the next step. At the end every
acknowledged submission must be in the database, with 0 errors. The same clients then run against
a bare Flask endpoint served the same way, for the throughput ratio.

    python benchmarks/load_submissions.py [--clients 200] [--seconds 60] [--workers 4]
        [--database sqlite|postgres]

Clients run in several processes (threads within each), on the same machine as the server.
Each server first gets an unmeasured warm-up; rows stored during the measured run are compared
with the submissions acknowledged in it.
The rate limit stays on, set high enough not to refuse: its database upsert is in the path.
"""

import argparse
import http.client
import multiprocessing
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
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKENS = re.compile(r'name="(csrf_token|form_token)"[^>]*value="([^"]*)"')
WISHES = [
    "More buses in the evening",
    "Safer parks for children",
    "A youth club in every ward",
    "Cleaner streets and more bins",
    "Cheaper parking in the city centre",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--timeout",
            "120",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("LOAD_SERVER_LOG", os.devnull), "a"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"{app} did not start")


def one_submission(port: int, rng: random.Random) -> tuple[bool, float]:
    """GET the form, POST wishes; returns (acknowledged, seconds for the POST)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/consultations/load/wishes/new")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = response.msg.get_all("Set-Cookie") or []
    cookie = "; ".join(c.split(";")[0] for c in cookies if c.startswith("session="))
    conn.close()
    fields = dict(TOKENS.findall(page))
    fields.update({f"wish_{n}": w for n, w in enumerate(rng.sample(WISHES, rng.randint(1, 3)), 1)})
    body = urllib.parse.urlencode(fields)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request(
        "POST",
        "/consultations/load/wishes/new",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
        },
    )
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return response.status == 303, elapsed


def client_process(port: int, threads: int, seconds: float, seed: int, queue) -> None:
    """Run `threads` clients until the deadline; report counts and POST latencies."""
    deadline = time.monotonic() + seconds
    results = {"ok": 0, "errors": 0, "latencies": []}
    lock = threading.Lock()

    def loop(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        while time.monotonic() < deadline:
            try:
                ok, elapsed = one_submission(port, rng)
            except OSError:
                ok, elapsed = False, None
            with lock:
                results["ok" if ok else "errors"] += 1
                if elapsed is not None and ok:
                    results["latencies"].append(elapsed)

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(results)


def drive(port: int, clients: int, seconds: float, processes: int) -> dict:
    queue = multiprocessing.Queue()
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    procs = [
        multiprocessing.Process(target=client_process, args=(port, n, seconds, i, queue))
        for i, n in enumerate(per)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    parts = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall = time.perf_counter() - started
    latencies = sorted(x for p in parts for x in p["latencies"])
    ok = sum(p["ok"] for p in parts)
    return {
        "acknowledged": ok,
        "errors": sum(p["errors"] for p in parts),
        "throughput": ok / wall,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan"),
    }


def prepare_database(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    from config import TestConfig
    from engage import create_app
    from engage.extensions import db
    from engage.models import Consultation
    from engage.models._types import utcnow

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = str(instance / "uploads")

    app = create_app(Config)
    with app.app_context():
        upgrade()
        from datetime import timedelta

        now = utcnow()
        db.session.add(
            Consultation(
                slug="load",
                title="Load test",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=1),
            )
        )
        db.session.commit()
        db.engine.dispose()


def count_stored(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM submissions")).scalar_one()
    engine.dispose()
    return stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of unmeasured warm-up")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    # The machine may be shared: the load average says how busy it was besides this run.
    load_before = f"{os.getloadavg()[0]:.2f} (1 min)"
    instance = Path(tempfile.mkdtemp(prefix="engage-load-"))
    pg = None
    if args.database == "postgres":
        from tests.postgres import PostgresServer

        pg = PostgresServer()
        url = pg.start()
    else:
        url = f"sqlite:///{instance / 'load.sqlite'}"
    try:
        prepare_database(url, instance)
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": "load-benchmark",
            "ENGAGE_INSTANCE_DIR": str(instance),
            "SUBMISSION_RATE_LIMIT": "100000000",
            "ENGAGE_ENV": "development",
        }
        rows = []
        for label, app in (
            ("Engage wishes form", "wsgi:app"),
            ("bare Flask endpoint", "benchmarks._bare_app:app"),
        ):
            port = free_port()
            server = start_gunicorn(app, port, args.workers, env)
            try:
                # Warm-up, not measured: every worker booted and has served a few submissions.
                drive(port, 2 * args.workers, args.warmup, 1)
                before = count_stored(url)
                rows.append((label, drive(port, args.clients, args.seconds, args.processes)))
                if label.startswith("Engage"):
                    stored = count_stored(url) - before
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        if pg:
            pg.stop()

    engage, bare = rows[0][1], rows[1][1]
    print(
        f"# Submissions under load: {args.workers} gunicorn workers, {args.clients} clients, "
        f"{args.seconds:.0f} s, {args.database}, {os.cpu_count()} cores "
        "(clients on the same machine)"
    )
    print(f"load average before: {load_before}; after: {os.getloadavg()[0]:.2f} (1 min)")
    print("| target | acknowledged | errors | throughput (/s) | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for label, r in rows:
        print(
            f"| {label} | {r['acknowledged']} | {r['errors']} | {r['throughput']:.1f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
        )
    ratio = engage["throughput"] / bare["throughput"]
    print(
        f"\nstored submissions: {stored}; acknowledged: {engage['acknowledged']} -> "
        f"{'EQUAL' if stored == engage['acknowledged'] else 'MISMATCH'}"
    )
    print(f"throughput ratio Engage / bare Flask: {ratio:.2f}")
    ok = engage["errors"] == 0 and stored == engage["acknowledged"]
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
