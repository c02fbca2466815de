"""Jobs through RQ on a real Redis server, run by a separate worker process: done, retried and
failed with the error shown to admins, and done exactly once across a Redis restart."""

from engage.extensions import db
from engage.jobs import enqueue
from engage.jobs_rq import push
from engage.models import Job
from tests.scale.conftest import WorkerProcess, wait_for
from tests.scale.job_handlers import append_line  # noqa: F401 - registers the test jobs


def _status(job_id: int) -> Job:
    db.session.commit()  # a fresh snapshot: the worker writes from another process
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    return job


def _lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _finished(job_id: int):
    job = _status(job_id)
    return job if job.finished else None


def test_a_job_sent_through_rq_is_done_by_the_worker(rq_worker, tmp_path):
    out = tmp_path / "out.txt"
    job = enqueue("test_append", {"path": str(out), "line": "one"})
    db.session.commit()

    done = wait_for(lambda: _finished(job.id), message=lambda: f"job done\n{rq_worker.output()}")
    assert done.status == "done" and done.attempts == 1 and done.progress == 100
    assert _lines(out) == ["one"]


def test_a_failing_job_is_tried_3_times_then_failed_with_its_error_for_admins(
    rq_worker, client, login_as
):
    job = enqueue("test_fail", {"message": "the sheet has no header row"})
    db.session.commit()

    failed = wait_for(
        lambda: _finished(job.id), message=lambda: f"job failed\n{rq_worker.output()}"
    )
    assert failed.status == "failed" and failed.attempts == 3
    assert failed.error == "ValueError: the sheet has no header row"

    login_as("admin")
    page = client.get("/staff/workspace/jobs")
    assert page.status_code == 200
    assert "ValueError: the sheet has no header row" in page.text
    assert "Failed" in page.text


def test_a_redis_restart_mid_job_ends_with_the_job_done_exactly_once(
    rq_app, rq_worker, redis_server, tmp_path
):
    out, started, release = tmp_path / "out.txt", tmp_path / "started", tmp_path / "release"
    payload = {"path": str(out), "line": "first", "started": str(started), "release": str(release)}
    job = enqueue("test_append", payload)
    db.session.commit()
    wait_for(started.exists, message=lambda: f"job started\n{rq_worker.output()}")

    redis_server.kill()  # everything Redis held is lost: the queue, RQ's registries
    redis_server.start()
    release.touch()

    done = wait_for(lambda: _finished(job.id), message=lambda: f"job done\n{rq_worker.output()}")
    assert done.status == "done" and done.attempts == 1
    # Delivered again (as a sweep or a second worker might): the claim refuses it.
    assert push(rq_app, job.id)
    second = enqueue("test_append", {"path": str(out), "line": "second"})
    db.session.commit()
    wait_for(
        lambda: _finished(second.id),
        timeout=60,
        message=lambda: f"worker back\n{rq_worker.output()}",
    )

    assert sorted(_lines(out)) == ["first", "second"]
    assert _status(job.id).attempts == 1


def test_a_job_queued_while_redis_is_down_runs_when_the_worker_starts(
    rq_app, redis_server, tmp_path
):
    out = tmp_path / "out.txt"
    redis_server.kill()
    rq_app.extensions.pop("engage.redis", None)
    try:
        job = enqueue("test_append", {"path": str(out), "line": "late"})
        db.session.commit()  # Redis refuses the push: the job waits in the database
        assert _status(job.id).status == "queued"
    finally:
        redis_server.start()

    worker = WorkerProcess(rq_app.config["SQLALCHEMY_DATABASE_URI"], redis_server.url, tmp_path)
    worker.start()
    try:
        done = wait_for(lambda: _finished(job.id), message=lambda: f"swept job\n{worker.output()}")
    finally:
        worker.stop()
    assert done.status == "done"
    assert _lines(out) == ["late"]


def test_a_job_whose_process_is_killed_is_tried_again(rq_worker, tmp_path):
    out = tmp_path / "out.txt"
    job = enqueue("test_die_once", {"path": str(out), "marker": str(tmp_path / "marker")})
    db.session.commit()

    done = wait_for(lambda: _finished(job.id), message=lambda: f"job done\n{rq_worker.output()}")
    assert done.status == "done" and done.attempts == 2
    assert _lines(out) == ["after the crash"]


def test_the_worker_command_needs_redis(app):
    app.config["REDIS_URL"] = ""
    result = app.test_cli_runner().invoke(args=["engage", "worker", "--burst"])
    assert result.exit_code == 1 and "Set REDIS_URL" in result.output


def test_setting_redis_url_sends_jobs_to_rq():
    import subprocess
    import sys

    from tests.scale.conftest import ROOT

    code = "from config import Config; print(Config.JOB_BACKEND)"
    env = {"REDIS_URL": "redis://127.0.0.1:1/0", "PATH": ""}
    found = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert found.stdout.strip() == "rq", found.stderr
    env = {"PATH": ""}
    found = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert found.stdout.strip() == "thread", found.stderr
