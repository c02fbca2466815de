"""The workspace's background jobs: an analysis run, and new entries given a run's themes."""

from engage.jobs import handler
from engage.services.analysis_runs import fail_run, perform_run
from engage.services.new_entries import assign_new_entries


@handler("analysis_run", on_failure=fail_run)
def analysis_run(payload: dict, progress) -> None:
    perform_run(payload["run_id"], progress)


@handler("assign_new_entries")
def new_entries(payload: dict, progress) -> None:
    progress(10, "Giving new entries the run's themes")
    assign_new_entries(payload["run_id"])
