"""Thread-backend jobs whose process stopped: a heartbeat shows a job is alive; a job silent for
JOB_STALL_SECONDS is tried again, or kept failed with the reason, instead of "running" for ever."""

import threading
import time
from datetime import timedelta

import pytest

from engage.extensions import db
from engage.jobs import MAX_ATTEMPTS, enqueue, handler, recover_stalled
from engage.models import Job
from engage.models._types import utcnow
from engage.services.analysis_runs import start_run
from tests.conftest import make_staff, sign_in
from tests.workspace_factories import make_consultation_with_wishes

CALLS: list[dict] = []


@handler("recovery_probe")
def _probe(payload, progress):
    CALLS.append(payload)


@pytest.fixture
def threaded(app):
    CALLS.clear()
    app.config.update(JOB_BACKEND="thread", JOB_STALL_SECONDS=300, JOB_HEARTBEAT_SECONDS=30)
    return app


def _stalled(name: str, attempts: int, payload=None, silent_for=timedelta(minutes=10)) -> int:
    """A job row as a dead process leaves it: running, last touched long ago."""
    then = utcnow() - silent_for
    job = Job(
        name=name,
        payload=payload or {},
        status="running",
        attempts=attempts,
        started_at=then,
        updated_at=then,
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _wait_for(job_id: int, status: str, seconds: float = 30) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = _job(job_id)
        if job.status == status:
            return job
        db.session.commit()
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} is {_job(job_id).status}, not {status}")


def test_a_job_whose_process_stopped_runs_again(threaded):
    job_id = _stalled("recovery_probe", attempts=1, payload={"n": 7})
    assert recover_stalled() == 1
    job = _wait_for(job_id, "done")
    assert job.attempts == 2 and CALLS == [{"n": 7}]
    assert recover_stalled() == 0  # nothing else is stalled; a done job is left alone


def test_a_job_stopped_on_its_last_attempt_is_kept_failed_with_the_reason(threaded):
    job_id = _stalled("recovery_probe", attempts=MAX_ATTEMPTS)
    assert recover_stalled() == 1
    job = _job(job_id)
    assert (job.status, job.attempts) == ("failed", MAX_ATTEMPTS)
    assert "the process running it stopped" in job.error and job.finished_at is not None
    time.sleep(0.2)
    assert CALLS == []  # not started again


def test_a_recently_touched_job_and_other_backends_are_left_alone(threaded):
    recent = _stalled("recovery_probe", attempts=1, silent_for=timedelta(seconds=5))
    assert recover_stalled() == 0 and _job(recent).status == "running"
    old = _stalled("recovery_probe", attempts=1)
    threaded.config["JOB_BACKEND"] = "rq"  # RQ workers recover their own jobs
    assert recover_stalled() == 0 and _job(old).status == "running"


def test_a_long_job_keeps_its_heartbeat_and_is_not_taken_for_stalled(threaded):
    threaded.config.update(JOB_HEARTBEAT_SECONDS=0.2, JOB_STALL_SECONDS=1.5)
    started, release = threading.Event(), threading.Event()

    @handler("recovery_long")
    def _long(payload, progress):
        started.set()
        assert release.wait(30)

    job = enqueue("recovery_long", {})
    db.session.commit()  # the thread backend starts it now
    try:
        assert started.wait(30)
        for _ in range(20):  # 4 s without any progress report: over two stall periods
            time.sleep(0.2)
            assert recover_stalled() == 0
        assert (_job(job.id).status, _job(job.id).attempts) == ("running", 1)
    finally:
        release.set()
    assert _wait_for(job.id, "done").attempts == 1


def test_staff_see_a_stalled_analysis_run_fail_with_the_reason(threaded):
    client = threaded.test_client()
    user = make_staff("strategy")
    consultation = make_consultation_with_wishes(n=30)
    run = start_run(consultation, user)
    db.session.info.pop("engage_jobs")  # recorded, never started: as if its process died
    db.session.commit()
    job = run.job
    job.status, job.attempts = "running", MAX_ATTEMPTS
    job.updated_at = utcnow() - timedelta(hours=1)
    run.status = "running"
    db.session.commit()
    sign_in(client, user)
    status = client.get(f"/staff/workspace/runs/{run.id}/status").get_json()
    assert status["status"] == "failed" and status["finished"] is True
    page = client.get(f"/staff/workspace/runs/{run.id}")
    assert page.status_code == 200
    assert f"The run failed after {MAX_ATTEMPTS} attempts" in page.text
    assert "the process running it stopped" in page.text
    jobs = client.get("/staff/workspace/jobs")
    assert "the process running it stopped" in jobs.text


def test_a_failed_job_stays_on_the_jobs_page_behind_newer_ones(app, client):
    db.session.add(Job(name="analysis_run", status="failed", error="Out of memory at stage 3"))
    db.session.add_all(Job(name="assign_new_entries", status="done") for _ in range(60))
    db.session.commit()
    sign_in(client, make_staff("strategy"))
    page = client.get("/staff/workspace/jobs").text
    assert "Out of memory at stage 3" in page
    assert "the 50 most recent jobs and every failed one" in page
    assert page.count("assign new entries") == 50
