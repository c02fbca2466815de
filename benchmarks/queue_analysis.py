"""The analysis of 100,000 entries through the job queue: an RQ worker (`flask engage worker`)
on a real Redis server runs the workspace's analysis job; wall time and the worker's peak memory.

    .venv/bin/python benchmarks/queue_analysis.py [--entries 100000] [--database sqlite|postgres]

The entries are bulk-inserted as published wishes; the run is started as the workspace's "Run
the analysis" does (start_run, then commit: the job's id goes to Redis). Wall time runs from that
commit to the job done in the database. Peak memory is the largest resident size (VmHWM) of the
worker and of the work horse it forks for the job, read from /proc while it runs, and checked
against getrusage's figure for the worker's finished children.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scale import (  # noqa: E402
    Database,
    add_published_wishes,
    config_for,
    load_average,
    start_worker,
    tree_memory,
    wait_for_worker,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this long")
    args = parser.parse_args()

    from tests.redis_server import RedisServer

    print(f"load average at start: {load_average()}")
    redis_server = RedisServer()
    redis_server.start()
    with Database(args.database) as database:
        try:
            return run(args, database, redis_server)
        finally:
            redis_server.stop()


def run(args, database: Database, redis_server) -> int:
    from engage import create_app
    from engage.extensions import db
    from engage.jobs import get_job
    from engage.models import AnalysisRun, Job
    from engage.services.analysis_runs import start_run
    from engage.services.consultations import get_consultation_by_id

    app = create_app(
        config_for(database.url, database.instance, JOB_BACKEND="rq", REDIS_URL=redis_server.url)
    )
    with app.app_context():
        started = time.perf_counter()
        consultation_id = add_published_wishes(args.entries)
        print(
            f"{args.entries:,} published wishes inserted in {time.perf_counter() - started:.1f} s"
        )

    worker = start_worker(
        database.url, redis_server.url, database.instance, database.instance / "worker.log"
    )
    peaks: dict[int, int] = {}
    try:
        wait_for_worker(redis_server.url)
        with app.app_context():
            run_ = start_run(get_consultation_by_id(consultation_id), None)
            started = time.perf_counter()
            db.session.commit()  # the job's id goes to Redis now
            job_id = db.session.scalar(db.select(Job.id).order_by(Job.id.desc()).limit(1))
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                for pid, peak in tree_memory(worker.pid).items():
                    peaks[pid] = max(peaks.get(pid, 0), peak)
                db.session.commit()
                job = get_job(job_id)
                db.session.refresh(job)
                if job.finished:
                    break
                time.sleep(0.2)
            wall = time.perf_counter() - started
            run_ = db.session.get(AnalysisRun, run_.id)
            db.session.refresh(run_)
            status, attempts, error = job.status, job.attempts, job.error
            themes = sum(1 for t in run_.themes if t.visible)
            n_entries = run_.n_entries
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

    worker_peak = peaks.get(worker.pid, 0)
    horse_peak = max((v for k, v in peaks.items() if k != worker.pid), default=0)
    print(f"# The analysis through the queue: {args.entries:,} entries, {args.database}, RQ")
    print("| measure | value |")
    print("|---|---|")
    print(f"| job | {status} after {attempts} attempt(s) {error} |")
    print(f"| entries in the run / visible themes | {n_entries:,} / {themes} |")
    print(f"| wall time, commit to done | {wall:.1f} s |")
    print(f"| peak memory of the work horse (VmHWM) | {horse_peak / 1024:.0f} MiB |")
    print(f"| peak memory of the worker process (VmHWM) | {worker_peak / 1024:.0f} MiB |")
    print(f"| largest finished child (getrusage) | {children_peak / 1024:.0f} MiB |")
    print(f"load average at the end: {load_average()}")
    ok = status == "done" and attempts == 1 and n_entries == args.entries
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
