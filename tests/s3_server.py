"""A throwaway S3-compatible server for the tests: moto's standalone server (a real HTTP server
speaking the S3 protocol) on a free loopback port, in a process of its own."""

import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.postgres import _free_port

REGION = "eu-west-2"
ACCESS_KEY = "engage-test"
SECRET_KEY = "engage-test-secret"


class S3Server:
    """`python -m moto.server` on 127.0.0.1; everything it holds is gone when it stops."""

    def __init__(self):
        self.port = _free_port()
        self.log = Path(tempfile.mkstemp(prefix="engage-s3-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                    return self.url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the S3 server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        try:
            if self.process and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=10)
        finally:
            self.log.unlink(missing_ok=True)

    def config(self, bucket: str) -> dict:
        """App settings that put photos in `bucket` on this server."""
        return {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": bucket,
            "S3_PREFIX": "photos/",
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }
