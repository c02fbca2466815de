"""Jobs for the queue tests: one that appends a line to a file (waiting for a release file
first when asked), one that always fails. Both run in a separate RQ worker process."""

import time
from pathlib import Path

from engage.jobs import handler


@handler("test_append")
def append_line(payload: dict, progress) -> None:
    """Write `started`, wait (at most 60 s) for `release` if given, then append one line."""
    if started := payload.get("started"):
        Path(started).write_text("started")
    if release := payload.get("release"):
        deadline = time.monotonic() + 60
        while not Path(release).exists():
            if time.monotonic() > deadline:
                raise TimeoutError("never released")
            time.sleep(0.05)
    progress(50, "Appending")
    with open(payload["path"], "a", encoding="utf-8") as out:
        out.write(f"{payload.get('line', 'done')}\n")


@handler("test_fail")
def always_fail(payload: dict, progress) -> None:
    raise ValueError(payload["message"])


@handler("test_die_once")
def die_once(payload: dict, progress) -> None:
    """The first try kills its own process (as the OOM killer would); the second appends."""
    import os
    import signal

    marker = Path(payload["marker"])
    if not marker.exists():
        marker.write_text("died")
        os.kill(os.getpid(), signal.SIGKILL)
    with open(payload["path"], "a", encoding="utf-8") as out:
        out.write("after the crash\n")
