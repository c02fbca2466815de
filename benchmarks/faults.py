"""Faults under load: gunicorn workers killed with SIGKILL while residents post wishes, and the
Redis server killed and started again while the RQ worker runs an analysis job.

    .venv/bin/python benchmarks/faults.py [--kills 20] [--clients 100] [--database sqlite|postgres]
        [--part kills|redis|both] [--entries 20000]

Kills: 4 gunicorn workers serve the wishes form; clients post wishes, each with a unique
reference in its text, and keep the references of the submissions acknowledged (the 303 to the
next step). Every 3 s the oldest worker gets SIGKILL (gunicorn starts another), 20 times. Then
every acknowledged reference must be a stored wish: 0 lost. Requests cut off by a kill are
counted apart (not acknowledged, so the resident sees an error and sends again).

Redis: `flask engage worker` runs the workspace's analysis of --entries published wishes; once
the job is running, the Redis server is killed (losing everything it held) and started again on
the same port. The job must end done after 1 attempt, with one run; the same job delivered again
does nothing; and the worker takes the next job after the restart.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scale import (  # noqa: E402
    Database,
    add_published_wishes,
    config_for,
    load_average,
    start_worker,
    wait_for_worker,
)
from benchmarks.load_submissions import free_port, prepare_database, start_gunicorn  # noqa: E402

TOKENS = re.compile(r'name="(csrf_token|form_token)"[^>]*value="([^"]*)"')
FORM = "/consultations/load/wishes/new"
EVERY = 3.0  # seconds between kills


def post_wish(port: int, reference: str) -> bool:
    """GET the form, POST one wish naming `reference`; True when acknowledged (303)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", FORM)
        response = conn.getresponse()
        page = response.read().decode()
        cookies = response.msg.get_all("Set-Cookie") or []
    finally:
        conn.close()
    cookie = "; ".join(c.split(";")[0] for c in cookies if c.startswith("session="))
    fields = {**dict(TOKENS.findall(page)), "wish_1": f"More buses, please ({reference})"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        conn.request("POST", FORM, urllib.parse.urlencode(fields), headers)
        response = conn.getresponse()
        response.read()
        return response.status == 303
    finally:
        conn.close()


def client_process(port: int, threads: int, stop_at: float, queue) -> None:
    acknowledged: list[str] = []
    counts = {"cut": 0, "refused": 0}
    kinds: dict[str, int] = {}
    lock = threading.Lock()

    def loop() -> None:
        while time.time() < stop_at:
            reference = f"fault-{uuid.uuid4().hex}"
            try:
                ok = post_wish(port, reference)
            except (OSError, http.client.HTTPException) as error:
                ok = None
                kinds[type(error).__name__] = kinds.get(type(error).__name__, 0) + 1
            with lock:
                if ok:
                    acknowledged.append(reference)
                else:
                    counts["cut" if ok is None else "refused"] += 1

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((acknowledged, counts, kinds))


def gunicorn_workers(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def kill_workers(master: int, kills: int, every: float) -> list[int]:
    """SIGKILL the oldest worker (booted, so likely mid-request) every `every` seconds."""
    killed = []
    deadline = time.monotonic() + kills * every * 4
    while len(killed) < kills and time.monotonic() < deadline:
        time.sleep(every)
        candidates = [pid for pid in gunicorn_workers(master) if pid not in killed]
        if candidates:
            victim = min(candidates, key=_started)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
    return killed


def _started(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def wait_until_serving(port: int, timeout: float = 180) -> None:
    """Every worker booted: 8 form pages in a row answer promptly."""
    deadline = time.monotonic() + timeout
    streak = 0
    while time.monotonic() < deadline and streak < 8:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", FORM)
            streak = streak + 1 if conn.getresponse().status == 200 else 0
            conn.close()
        except (OSError, http.client.HTTPException):
            streak = 0
    if streak < 8:
        raise RuntimeError("the app did not start serving")


def stop(server) -> None:
    """Ask gunicorn to stop; a worker still booting may hold it up, so then end it."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except Exception:  # noqa: BLE001 - TimeoutExpired: end it
        server.kill()
        server.wait(timeout=30)


def stored_references(url: str) -> set[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        texts = connection.execute(text("SELECT text FROM wishes")).scalars().all()
    engine.dispose()
    return {m.group(0) for t in texts if (m := re.search(r"fault-[0-9a-f]{32}", t))}


def part_kills(args) -> bool:
    with Database(args.database) as database:
        prepare_database(database.url, database.instance / "load")
        env = {
            "DATABASE_URL": database.url,
            "SECRET_KEY": "fault-benchmark",
            "ENGAGE_INSTANCE_DIR": str(database.instance),
            "SUBMISSION_RATE_LIMIT": "100000000",
            "ENGAGE_ENV": "development",
        }
        port = free_port()
        server = start_gunicorn("wsgi:app", port, 4, env)
        try:
            wait_until_serving(port)
            stop_at = time.time() + args.kills * EVERY + 15
            queue = multiprocessing.Queue()
            per = [args.clients // 2, args.clients - args.clients // 2]
            clients = [
                multiprocessing.Process(target=client_process, args=(port, n, stop_at, queue))
                for n in per
            ]
            for proc in clients:
                proc.start()
            time.sleep(3)
            killed = kill_workers(server.pid, args.kills, EVERY)
            parts = [queue.get() for _ in clients]
            for proc in clients:
                proc.join()
        finally:
            stop(server)
        stored = stored_references(database.url)
    acknowledged = [r for part in parts for r in part[0]]
    cut = sum(part[1]["cut"] for part in parts)
    refused = sum(part[1]["refused"] for part in parts)
    kinds: dict[str, int] = {}
    for part in parts:
        for kind, n in part[2].items():
            kinds[kind] = kinds.get(kind, 0) + n
    lost = set(acknowledged) - stored
    print(f"## SIGKILL under load: 4 gunicorn workers, {args.clients} clients, {args.database}")
    print("| measure | value |")
    print("|---|---|")
    print(f"| workers killed with SIGKILL | {len(killed)} |")
    print(f"| submissions acknowledged | {len(acknowledged)} |")
    print(f"| acknowledged and stored | {len(set(acknowledged) & stored)} |")
    print(f"| acknowledged but lost | {len(lost)} |")
    print(f"| stored, answer cut off by a kill | {len(stored - set(acknowledged))} |")
    print(f"| requests cut off by a kill (not acknowledged) | {cut} {kinds or ''} |")
    print(f"| other answers than 303 | {refused} |")
    return len(killed) == args.kills and not lost and len(acknowledged) > 0


def part_redis(args) -> bool:
    from tests.redis_server import RedisServer

    redis_server = RedisServer()
    redis_server.start()
    try:
        with Database(args.database) as database:
            return _redis_restart(args, database, redis_server)
    finally:
        redis_server.stop()


def _redis_restart(args, database: Database, redis_server) -> bool:
    from engage import create_app
    from engage.extensions import db
    from engage.jobs_rq import push
    from engage.models import AnalysisRun, Job
    from engage.services.analysis_runs import start_run
    from engage.services.consultations import get_consultation_by_id

    app = create_app(
        config_for(database.url, database.instance, JOB_BACKEND="rq", REDIS_URL=redis_server.url)
    )
    worker = start_worker(
        database.url, redis_server.url, database.instance, database.instance / "worker.log"
    )
    try:
        with app.app_context():
            consultation_id = add_published_wishes(args.entries)
            wait_for_worker(redis_server.url)
            consultation = get_consultation_by_id(consultation_id)
            first = start_run(consultation, None)
            db.session.commit()
            job_id = max(db.session.scalars(db.select(Job.id)))

            def fresh(wanted: int) -> Job:
                db.session.commit()  # a new snapshot: the worker writes from another process
                found = db.session.get(Job, wanted)
                db.session.refresh(found)
                return found

            def job() -> Job:
                return fresh(job_id)

            _until(lambda: job().status == "running" and job().progress >= 15, 120)
            stage_at_kill = job().stage
            redis_server.kill()
            time.sleep(1)
            redis_server.start()
            _until(lambda: job().finished, 600)
            finished = (job().status, job().attempts)
            push(app, job_id)  # delivered again, as a sweep or a second worker might
            time.sleep(3)
            again = (job().status, job().attempts)
            start_run(get_consultation_by_id(consultation_id), None)
            db.session.commit()
            second_id = max(db.session.scalars(db.select(Job.id)))
            _until(lambda: fresh(second_id).finished, 600)
            second_status = fresh(second_id).status
            runs = db.session.scalars(db.select(AnalysisRun).order_by(AnalysisRun.id)).all()
            run_statuses = [r.status for r in runs]
            first_id = first.id
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(f"\n## Redis killed and restarted mid-job: analysis of {args.entries:,} entries")
    print("| measure | value |")
    print("|---|---|")
    print(f"| job stage when Redis was killed | {stage_at_kill} |")
    print(f"| job status, attempts | {finished[0]}, {finished[1]} |")
    print(f"| after the same job was delivered again | {again[0]}, {again[1]} |")
    print(f"| runs (first, then one after the restart) | {run_statuses} (first id {first_id}) |")
    print(f"| next job after the restart | {second_status} |")
    return (
        finished == ("done", 1)
        and again == ("done", 1)
        and run_statuses == ["done", "done"]
        and second_status == "done"
    )


def _until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError("timed out")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--part", choices=["kills", "redis", "both"], default="both")
    args = parser.parse_args()
    print(f"# Faults ({args.database}); load average at start: {load_average()}")
    ok = True
    if args.part in ("kills", "both"):
        ok &= part_kills(args)
    if args.part in ("redis", "both"):
        ok &= part_redis(args)
    print(f"\nload average at the end: {load_average()}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
