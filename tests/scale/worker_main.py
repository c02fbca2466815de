"""An RQ worker for the tests: `python -m tests.scale.worker_main`, on the database in
ENGAGE_WORKER_DATABASE_URL and the Redis server in REDIS_URL, with the test jobs registered.
It runs engage.jobs_rq.work, the loop behind `flask engage worker`."""

import os
import sys
from pathlib import Path

import tests.scale.job_handlers  # noqa: F401 - registers the test jobs
from config import TestConfig
from engage import create_app
from engage.jobs_rq import work


class WorkerConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = os.environ["ENGAGE_WORKER_DATABASE_URL"]
    REDIS_URL = os.environ["REDIS_URL"]
    JOB_BACKEND = "rq"
    UPLOAD_FOLDER = str(Path(os.environ["ENGAGE_INSTANCE_DIR"]) / "uploads")
    AUDIT_LOG = str(Path(os.environ["ENGAGE_INSTANCE_DIR"]) / "audit.log")


if __name__ == "__main__":
    work(create_app(WorkerConfig), burst="--burst" in sys.argv)
