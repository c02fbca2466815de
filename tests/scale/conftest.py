"""Real servers on loopback for the scale-out tests: Redis (Debian's redis-server), an RQ
worker process, and an S3-compatible server (moto's standalone server)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.redis_server import RedisServer, require_binary

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float = 90, message="condition"):
    """Poll predicate (at most `timeout` seconds); return its first true value. The message
    may be a callable, read when the wait times out (a worker's log as it is then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {_text(message)}")


def _text(message) -> str:
    return message() if callable(message) else message


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer(require_binary("redis-server", "redis-server"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rq_app(app, redis_server):
    """The test app sending jobs to RQ through the test Redis server (emptied afterwards)."""
    app.config.update(JOB_BACKEND="rq", REDIS_URL=redis_server.url, JOB_RETRY_DELAY=0)
    app.extensions.pop("engage.redis", None)
    yield app
    client = app.extensions.pop("engage.redis", None)
    if client is not None:
        try:
            client.flushdb()
        finally:
            client.close()


class WorkerProcess:
    """`python -m tests.scale.worker_main` on the test database and Redis server."""

    def __init__(self, database_url: str, redis_url: str, tmp_path: Path):
        self.env = {
            **os.environ,
            "ENGAGE_WORKER_DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "ENGAGE_INSTANCE_DIR": str(tmp_path / "worker-instance"),
        }
        self.log = tmp_path / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.scale.worker_main"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # RQ's warm shutdown
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@pytest.fixture(scope="session")
def _rq_worker(_app, redis_server, tmp_path_factory):
    # One worker for the session: each test's jobs are its own rows, and the worker outlives
    # Redis restarts and killed work horses, as the tests show.
    worker = WorkerProcess(
        _app.config["SQLALCHEMY_DATABASE_URI"], redis_server.url, tmp_path_factory.mktemp("rq")
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def rq_worker(rq_app, _rq_worker):
    """The running RQ worker process, for a test whose app sends jobs to it. Afterwards it is
    waited for until it is back at an empty queue: RQ ends its own record of a job after the
    job's row says done, and the next test's jobs have the same ids (its database is new)."""
    assert _rq_worker.process.poll() is None, _rq_worker.output()
    yield _rq_worker
    wait_for(
        lambda: _worker_idle(rq_app),
        timeout=30,
        message=lambda: f"the worker to be idle\n{_rq_worker.output()}",
    )


def _worker_idle(app) -> bool:
    """Nothing on the queue and every worker at it, not busy (read from the workers' own keys:
    the set of workers went with the last test's flush)."""
    from engage.jobs_rq import connection, queue

    client = connection(app)
    if queue(app).count:
        return False
    for key in client.scan_iter("rq:worker:*"):
        if key.count(b":") == 2 and client.type(key) == b"hash":
            state, current = client.hmget(key, "state", "current_job")
            if state != b"idle" or current:
                return False
    return True


@pytest.fixture(scope="session")
def s3_server():
    from tests.s3_server import S3Server

    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server):
    """A new, empty bucket on the test S3 server; the settings that use it."""
    import uuid

    from engage.storage import s3_client

    settings = s3_server.config(f"engage-{uuid.uuid4().hex[:12]}")
    client = s3_client(settings)
    client.create_bucket(
        Bucket=settings["S3_BUCKET"],
        CreateBucketConfiguration={"LocationConstraint": settings["S3_REGION"]},
    )
    yield settings, client
    listed = client.list_objects_v2(Bucket=settings["S3_BUCKET"]).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=settings["S3_BUCKET"], Key=item["Key"])
    client.delete_bucket(Bucket=settings["S3_BUCKET"])
    client.close()
