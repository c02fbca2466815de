"""The RQ backend of engage.jobs: job ids travel through Redis, the work and its record stay in
the database.

RQ only carries "run job 42" to a worker, which calls ``engage.jobs.run_job(42)``. Whether a job
waits, runs, is retried (up to 3 times) or failed, and why, is kept in its Job row, and a job is
claimed atomically there: a job id delivered twice runs once. So Redis may lose what it held (a
restart without persistence, say) and nothing is lost that matters: the worker pushes again,
every minute and when it starts, each job the database still has waiting.

    flask engage worker            # or: rq worker -w engage.jobs_rq.EngageWorker engage

Each job runs in a forked work horse, which drops the database connections it inherited (they
belong to the parent) and opens its own.
"""

import logging
import time
from datetime import timedelta

import redis
from flask import Flask
from rq import Queue, Worker
from rq.job import JobStatus
from sqlalchemy import select

from engage.db import write_transactions
from engage.extensions import db
from engage.models import Job
from engage.models._types import utcnow

log = logging.getLogger(__name__)

# Jobs waiting in the database longer than this are pushed to Redis again by the sweep.
SWEEP_AFTER = timedelta(seconds=30)
_WAITING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
_app: Flask | None = None


def rq_job_id(job_id: int, delivery: str = "") -> str:
    return f"engage-job-{job_id}{delivery}"


def connection(app: Flask) -> redis.Redis:
    """One Redis client per app (a pool of connections), made from REDIS_URL."""
    client = app.extensions.get("engage.redis")
    if client is None:
        client = app.extensions["engage.redis"] = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=5, health_check_interval=30
        )
    return client


def queue(app: Flask) -> Queue:
    return Queue(app.config["RQ_QUEUE"], connection=connection(app))


def push(app: Flask, job_id: int, delivery: str = "") -> bool:
    """Put the job on the RQ queue unless it is already waiting there; False if Redis is down
    (the job stays queued in the database and the worker's sweep pushes it later)."""
    try:
        rq_queue = queue(app)
        existing = rq_queue.fetch_job(rq_job_id(job_id, delivery))
        if existing is not None and existing.get_status(refresh=False) in _WAITING:
            return True
        rq_queue.enqueue(
            perform,
            job_id,
            job_id=rq_job_id(job_id, delivery),
            job_timeout=app.config["JOB_TIMEOUT"],
            result_ttl=0,
            failure_ttl=24 * 3600,
        )
    except redis.exceptions.RedisError as error:
        log.warning("job %s stays queued in the database: Redis refused it (%s)", job_id, error)
        return False
    return True


def perform(job_id: int) -> None:
    """What an RQ worker runs: the job, in an app context of its own."""
    from engage.jobs import _execute

    app = _app or current_app_or_new()
    with app.app_context():
        # The connections in the pool were opened by the parent process before the fork.
        db.engine.dispose(close=False)
    _execute(app, job_id)


def current_app_or_new() -> Flask:
    """The app of the worker started by `flask engage worker`, or one made from the
    environment for a plain `rq worker`."""
    global _app
    if _app is None:
        from engage import create_app

        _app = create_app()
    return _app


def sweep(app: Flask) -> int:
    """Push again every job the database has had waiting for a while; returns how many."""
    with app.app_context():
        try:
            ids = db.session.scalars(
                select(Job.id).where(
                    Job.status == "queued", Job.updated_at < utcnow() - SWEEP_AFTER
                )
            ).all()
        finally:
            db.session.remove()
    return sum(push(app, job_id) for job_id in ids)


def requeue_killed(app: Flask, job_id: int, message: str) -> None:
    """A work horse died mid-job (killed, out of memory): count the attempt, and queue the job
    again or keep it failed, as for any other failure."""
    from engage.jobs import _record_failure

    with app.app_context(), write_transactions():
        try:
            job = db.session.get(Job, job_id)
            if job is None or job.status != "running":
                return
            retry = _record_failure(job_id, message)
            attempt = job.attempts
        finally:
            db.session.remove()
    if retry:
        # A delivery of its own: RQ still holds the dead one until it has recorded the death.
        push(app, job_id, delivery=f"-try{attempt + 1}")


class EngageWorker(Worker):
    """An RQ worker that also sweeps the database for jobs Redis does not hold, and gives a job
    whose work horse died another try."""

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        if job.args and isinstance(job.args[0], int):
            message = f"WorkerStopped: the job's process ended (wait status {ret_val})"
            requeue_killed(current_app_or_new(), job.args[0], message)

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        try:
            if pushed := sweep(current_app_or_new()):
                self.log.info("pushed %s waiting job(s) again", pushed)
        except redis.exceptions.RedisError as error:
            self.log.warning("sweep postponed: %s", error)


def work(app: Flask, burst: bool = False, restarts: int | None = None) -> None:
    """Run an RQ worker for the app until it is asked to stop (or, with burst, until the queue
    is empty). A worker that loses Redis mid-job quits; it is started again once Redis answers,
    at most `restarts` times (None: no limit)."""
    global _app
    _app = app
    started = 0
    while restarts is None or started <= restarts:
        started += 1
        client = connection(app)
        _wait_for_redis(client)
        sweep_all(app)
        worker = EngageWorker(
            [queue(app)],
            connection=client,
            worker_ttl=60,
            maintenance_interval=60,
            job_monitoring_interval=5,
        )
        try:
            worker.work(burst=burst, logging_level=app.config.get("RQ_LOG_LEVEL", "INFO"))
        except redis.exceptions.RedisError as error:
            log.warning("worker lost Redis (%s); starting again when it answers", error)
            continue
        # A stop asked for by a signal (SIGTERM: finish the current job first) ends the loop.
        if burst or worker._stop_requested or worker._shutdown_requested_date is not None:
            return


def sweep_all(app: Flask) -> None:
    """At start, push every waiting job, however recent."""
    with app.app_context():
        try:
            ids = db.session.scalars(select(Job.id).where(Job.status == "queued")).all()
        finally:
            db.session.remove()
    for job_id in ids:
        push(app, job_id)


def _wait_for_redis(client: redis.Redis) -> None:
    delay = 0.5
    while True:
        try:
            client.ping()
            return
        except redis.exceptions.RedisError as error:
            log.warning("waiting for Redis: %s", error)
            time.sleep(delay)
            delay = min(delay * 2, 10)
