"""Background jobs behind one small interface.

    job = enqueue("analysis_run", {"run_id": 3}, key="run:3")   # records a Job row
    db.session.commit()                                         # ...it starts after the commit

Handlers register with ``@handler("name")`` and receive the payload and a ``progress(percent,
stage)`` callable. Reporting progress commits the job's session, so each stage of a job is a
transaction of its own (a progress report never waits behind the job's own write lock).

Backends (config ``JOB_BACKEND``): ``"thread"`` (the default) runs each job in a background
thread of this process, with its own app context and database session; ``"inline"`` runs it
as soon as the transaction that queued it commits, before the request answers (tests, the
command line); ``"rq"`` (the default when REDIS_URL is set) sends the job's id through Redis to
an RQ worker (`flask engage worker`, see engage.jobs_rq), which calls ``run_job(job_id)``.
A job is claimed atomically, so running it twice does nothing the second time; a failing job
is tried up to MAX_ATTEMPTS times and then kept as failed with its error.

With the thread backend a job lives and dies with the web process that runs it. While it runs,
a heartbeat touches its row every JOB_HEARTBEAT_SECONDS; a job "running" with no heartbeat for
JOB_STALL_SECONDS lost its process (a restart, a deploy, out of memory), and
:func:`recover_stalled` counts that as a failed attempt: the job is queued again, or kept
failed with the reason after MAX_ATTEMPTS. The workspace calls it whenever staff look at a
job's progress or a run's themes, so nothing stays "running" for ever. (RQ workers recover
their own jobs: see engage.jobs_rq.)
"""

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from engage.db import write_transactions
from engage.extensions import db
from engage.models import Job
from engage.models._types import utcnow

MAX_ATTEMPTS = 3
_PENDING = "engage_jobs"

Progress = Callable[[int, str], None]
HANDLERS: dict[str, Callable[[dict, Progress], None]] = {}
FAILURE_HOOKS: dict[str, Callable[[dict, str], None]] = {}


def handler(name: str, on_failure: Callable[[dict, str], None] | None = None):
    """Register the function that does the work of jobs called `name`."""

    def register(function):
        HANDLERS[name] = function
        if on_failure is not None:
            FAILURE_HOOKS[name] = on_failure
        return function

    return register


def enqueue(name: str, payload: dict, key: str = "") -> Job:
    """Record a job; it starts once the current transaction commits. A job with the same name
    and key already waiting or running is returned instead of a second one."""
    if name not in HANDLERS:
        raise ValueError(f"no handler for jobs called {name!r}")
    if key:
        existing = db.session.scalar(
            select(Job)
            .where(Job.name == name, Job.key == key, Job.status.in_(("queued", "running")))
            .limit(1)
        )
        if existing is not None:
            return existing
    job = Job(name=name, key=key, payload=payload, status="queued")
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(job.id)
    return job


def get_job(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def list_jobs(limit: int = 50) -> list[Job]:
    """The `limit` most recent jobs, and every failed one however old (newest first): a failed
    analysis must not drop off the list behind routine jobs that followed it."""
    recent = select(Job.id).order_by(Job.id.desc()).limit(limit).scalar_subquery()
    query = select(Job).where(Job.id.in_(recent) | (Job.status == "failed"))
    return list(db.session.scalars(query.order_by(Job.id.desc())))


def init_app(app: Flask) -> None:
    """Start queued jobs when the transaction that queued them commits."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


def _after_commit(session) -> None:
    for job_id in session.info.pop(_PENDING, []):
        dispatch(job_id)


def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def dispatch(job_id: int) -> None:
    """Hand a recorded job to the configured backend."""
    app = current_app._get_current_object()
    backend = app.config.get("JOB_BACKEND", "thread")
    if backend == "inline":
        _execute(app, job_id)
    elif backend == "rq":
        from engage.jobs_rq import push

        push(app, job_id)
    elif backend == "thread":
        thread = threading.Thread(
            target=_execute,
            args=(app, job_id, True),
            name=f"engage-job-{job_id}",
            daemon=True,
        )
        thread.start()
    else:
        raise RuntimeError(f"unknown JOB_BACKEND {backend!r}")


def _execute(app: Flask, job_id: int, heartbeat: bool = False) -> None:
    # A context and session of the job's own, as a worker process would have.
    stop = threading.Event()
    if heartbeat:
        beat = threading.Thread(
            target=_beat, args=(app, job_id, stop), name=f"engage-job-{job_id}-heartbeat"
        )
        beat.daemon = True
        beat.start()
    with app.app_context(), write_transactions():
        try:
            run_job(job_id)
        finally:
            stop.set()
            db.session.remove()


def _beat(app: Flask, job_id: int, stop: threading.Event) -> None:
    """Touch the job's row while it runs, so that other processes know it is alive."""
    every = float(app.config.get("JOB_HEARTBEAT_SECONDS", 30))
    with app.app_context(), write_transactions():
        try:
            while not stop.wait(every):
                try:
                    db.session.execute(
                        update(Job)
                        .where(Job.id == job_id, Job.status == "running")
                        .values(updated_at=utcnow())
                    )
                    db.session.commit()
                except Exception:  # noqa: BLE001 - a missed beat is tried again next time
                    db.session.rollback()
                    app.logger.warning("heartbeat of job %s missed", job_id, exc_info=True)
        finally:
            db.session.remove()


def recover_stalled() -> int:
    """Count a thread-backend job with no heartbeat for JOB_STALL_SECONDS as a failed attempt.

    It is queued again (and started) while attempts remain, else kept failed with the reason,
    which calls the job's failure hook (an analysis run is then marked failed). Returns how
    many jobs were recovered. Does nothing for the other backends. Commits: call it before
    the request writes anything of its own.
    """
    config = current_app.config
    if config.get("JOB_BACKEND", "thread") != "thread":
        return 0
    stalled_for = float(config.get("JOB_STALL_SECONDS", 300))
    limit = utcnow() - timedelta(seconds=stalled_for)
    stalled = select(Job.id).where(Job.status == "running", Job.updated_at < limit)
    found = db.session.scalars(stalled).all()
    if not found:
        return 0
    db.session.commit()  # end the read: the writes below take the write lock from the start
    message = (
        f"WorkerStopped: the process running it stopped (no sign of life for {stalled_for:g} s)"
    )
    recovered = 0
    for job_id in found:
        with write_transactions():
            # Only one process records the failure: the row must still be stalled when it does.
            taken = db.session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "running", Job.updated_at < limit)
                .values(updated_at=utcnow())
            ).rowcount
            if taken != 1:
                db.session.rollback()
                continue
            retry = _record_failure(job_id, message)
        if retry:
            dispatch(job_id)
        recovered += 1
    return recovered


def run_job(job_id: int) -> None:
    """Run a queued job to the end, retrying on failure; a job not queued is left alone."""
    while _claim(job_id):
        job = db.session.get(Job, job_id)
        name, payload = job.name, dict(job.payload)
        db.session.commit()  # the handler starts without a transaction (or lock) of ours
        try:
            HANDLERS[name](payload, _progress_of(job_id))
            db.session.commit()
        except Exception as error:  # noqa: BLE001 - any failure is recorded, then retried
            db.session.rollback()
            current_app.logger.exception("job %s (%s) failed", job_id, name)
            if _record_failure(job_id, f"{type(error).__name__}: {error}"):
                time.sleep(current_app.config.get("JOB_RETRY_DELAY", 2))
            continue
        _finish(job_id)
        return


def _claim(job_id: int) -> bool:
    """Mark the job running if it is queued; False when another worker has it, or it ended."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(
            status="running", attempts=Job.attempts + 1, started_at=now, updated_at=now, error=""
        )
    ).rowcount
    db.session.commit()
    return claimed == 1


def _progress_of(job_id: int) -> Progress:
    def progress(percent: int, stage: str) -> None:
        db.session.commit()
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(progress=max(0, min(100, percent)), stage=stage[:200], updated_at=utcnow())
        )
        db.session.commit()

    return progress


def _finish(job_id: int) -> None:
    now = utcnow()
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status="done", progress=100, stage="Done", finished_at=now, updated_at=now)
    )
    db.session.commit()


def _record_failure(job_id: int, message: str) -> bool:
    """Queue the job again, or keep it failed after MAX_ATTEMPTS; True when it will retry."""
    job = db.session.get(Job, job_id)
    retry = job.attempts < MAX_ATTEMPTS
    job.error = message[:2000]
    job.status = "queued" if retry else "failed"
    job.updated_at = utcnow()
    if not retry:
        job.finished_at = job.updated_at
        if hook := FAILURE_HOOKS.get(job.name):
            hook(dict(job.payload), job.error)
    db.session.commit()
    return retry
