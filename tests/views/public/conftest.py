"""Fixtures for the public pages: a photo competition open for entries, and its photo folder
emptied before each test that enters photos."""

import shutil
from pathlib import Path

import pytest

from engage.extensions import db
from tests.photo_factories import make_competition


@pytest.fixture
def competition(app):
    """A competition open for entries, at /competitions/pics."""
    competition = make_competition(slug="pics")
    db.session.commit()
    return competition


@pytest.fixture
def no_photo_files(app):
    """Each test starts with an empty photo folder (the app's folder lives for the session)."""
    shutil.rmtree(Path(app.config["UPLOAD_FOLDER"]) / "photos", ignore_errors=True)
