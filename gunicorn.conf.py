"""Gunicorn settings read by default from the project folder (override on the command line)."""

import sys


def post_worker_init(worker):
    """Load the moderation detectors before the worker takes requests, so the first submission
    does not hold the database's write lock while a model loads."""
    if "engage" in sys.modules:
        from engage.services.moderation import warm_up

        warm_up()
