"""A throwaway Redis server for the tests, from Debian's redis-server.

It listens on 127.0.0.1 on a free port, keeps nothing on disk (``--save ''``, no append-only
file), and can be killed and started again on the same port to test what a restart loses.
Without the binary the tests that need it are skipped, except in CI (CI=true), where a missing
server is an error: scripts/install-test-deps installs it.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.postgres import _free_port


def require_binary(name: str, package: str) -> str:
    """The path of a server binary; skip without it, but fail in CI."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (Debian package {package}; scripts/install-test-deps)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


class RedisServer:
    """redis-server in a temporary folder on a free port; kill() and start() restart it."""

    def __init__(self, binary: str = "redis-server"):
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="engage-redis-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        with (self.root / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.root),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._answers():
                return self.url
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start: {self.log()}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Stop at once, as a crash would: everything it held is gone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        try:
            if self.process and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
