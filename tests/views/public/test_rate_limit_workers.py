"""The anonymous submission limit holds across 4 gunicorn worker processes sharing one database:
counters in process memory would let up to 4× the limit through."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask_migrate import upgrade

from engage import create_app
from engage.extensions import db
from engage.models import Submission
from tests.conftest import _config, _empty_tables
from tests.factories import make_consultation

LIMIT = 5
# Windows are fixed (counted from the epoch), so a burst that straddles a boundary is counted
# in two windows. A window of 10**9 s has its next boundary in 2033; the test still waits for
# it if it is ever within two minutes.
WINDOW = 10**9
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_url(tmp_path, database_url):
    url = (
        f"sqlite:///{tmp_path / 'workers.sqlite'}"
        if database_url.startswith("sqlite")
        else database_url
    )
    app = create_app(_config(url, tmp_path))
    with app.app_context():
        upgrade()
        make_consultation(slug="derby")
        db.session.commit()
        db.engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "workers-test",
        "ENGAGE_INSTANCE_DIR": str(tmp_path),
        "SUBMISSION_RATE_LIMIT": str(LIMIT),
        "SUBMISSION_RATE_WINDOW": str(WINDOW),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        yield base, app
    finally:
        server.terminate()
        server.wait(timeout=60)
        if not database_url.startswith("sqlite"):
            with app.app_context():
                _empty_tables()
                db.engine.dispose()


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _submit(base: str) -> int:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    form = opener.open(f"{base}/consultations/derby/wishes/new", timeout=30).read().decode()
    fields = dict(re.findall(r'name="(csrf_token|form_token)"[^>]*value="([^"]*)"', form))
    body = urllib.parse.urlencode({**fields, "wish_1": "More buses"}).encode()
    try:
        return opener.open(f"{base}/consultations/derby/wishes/new", body, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_limit_holds_across_four_workers(gunicorn_url):
    base, app = gunicorn_url
    to_boundary = WINDOW - time.time() % WINDOW
    if to_boundary < 120:
        time.sleep(to_boundary + 1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: _submit(base), range(4 * LIMIT)))
    assert statuses.count(303) == LIMIT, statuses
    assert statuses.count(429) == 3 * LIMIT, statuses
    with app.app_context():
        assert db.session.query(Submission).count() == LIMIT
