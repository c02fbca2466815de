"""What the scale-out benchmarks share: a migrated database (SQLite file or a throwaway
PostgreSQL), published wishes in bulk, a Redis server, an RQ worker process, and the peak memory
of a process tree read from /proc."""

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def config_for(url: str, instance: Path, **extra):
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = str(instance / "uploads")
        AUDIT_LOG = str(instance / "audit.log")

    for name, value in extra.items():
        setattr(Config, name, value)
    return Config


class Database:
    """A migrated database for one benchmark: SQLite under a temporary folder, or PostgreSQL."""

    def __init__(self, kind: str):
        self.kind = kind
        self.instance = Path(tempfile.mkdtemp(prefix="engage-bench-"))
        self.pg = None

    def __enter__(self) -> "Database":
        if self.kind == "postgres":
            from tests.postgres import PostgresServer

            self.pg = PostgresServer()
            self.url = self.pg.start()
        else:
            self.url = f"sqlite:///{self.instance / 'engage.sqlite'}"
        from flask_migrate import upgrade

        from engage import create_app
        from engage.extensions import db

        app = create_app(config_for(self.url, self.instance))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        return self

    def __exit__(self, *exc) -> None:
        if self.pg:
            self.pg.stop()


def add_published_wishes(n: int, seed: int = 0) -> int:
    """A consultation with n approved wishes (bulk inserts, in the app context); its id."""
    from sqlalchemy import insert

    from engage.demo import demo_wish
    from engage.extensions import db
    from engage.models import Consultation, Submission, Wish

    rng = random.Random(seed)
    now = datetime.now(UTC)
    consultation = Consultation(
        slug="bench",
        title="Benchmark",
        place_name="Derby",
        opens_at=now - timedelta(days=70),
        closes_at=now + timedelta(days=1),
    )
    db.session.add(consultation)
    db.session.commit()
    texts = [demo_wish(rng) for _ in range(5000)]
    for start in range(0, n, 10_000):
        ids = range(start + 1, min(n, start + 10_000) + 1)
        received = [consultation.opens_at + timedelta(minutes=rng.randint(0, 99_000)) for _ in ids]
        db.session.execute(
            insert(Submission),
            [
                {
                    "id": i,
                    "consultation_id": consultation.id,
                    "channel": "online",
                    "received_at": r,
                    "reference": f"W-{i:08d}",
                }
                for i, r in zip(ids, received, strict=True)
            ],
        )
        db.session.execute(
            insert(Wish),
            [
                {
                    "id": i,
                    "submission_id": i,
                    "position": 1,
                    "text": rng.choice(texts),
                    "search_key": "",
                    "status": "approved",
                    "created_at": r,
                }
                for i, r in zip(ids, received, strict=True)
            ],
        )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequences on
        from sqlalchemy import text

        for table in ("submissions", "wishes"):
            db.session.execute(
                text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")  # noqa: S608
            )
        db.session.commit()
    return consultation.id


def start_worker(database_url: str, redis_url: str, instance: Path, log: Path):
    """`flask engage worker`, as a deployment runs it."""
    env = {
        **os.environ,
        "ENGAGE_ENV": "development",
        "SECRET_KEY": "benchmark",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ENGAGE_INSTANCE_DIR": str(instance),
        "JOB_RETRY_DELAY": "1",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "engage", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for_worker(redis_url: str, timeout: float = 60) -> None:
    import redis
    from rq import Worker

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if Worker.all(connection=client):
                return
            time.sleep(0.2)
    finally:
        client.close()
    raise RuntimeError("the RQ worker did not register")


def tree_memory(pid: int) -> dict[int, int]:
    """Peak resident memory (VmHWM, in KiB) of a process and its descendants, by pid."""
    found: dict[int, int] = {}
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                found[current] = int(line.split()[1])
        stack.extend(int(c) for c in children)
    return found


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min), {os.cpu_count()} cores"
