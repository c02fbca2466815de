"""Gunicorn settings read by default from the project folder (override on the command line)."""

import sys


def post_worker_init(worker):
    """Warm each Engage worker up before it takes requests (see engage.warm_up)."""
    wsgi = sys.modules.get("wsgi")
    if wsgi is not None and "engage" in sys.modules:
        from engage import warm_up

        warm_up(wsgi.app)
