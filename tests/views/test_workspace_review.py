"""The strategy workspace as the team uses it after a run has lived a while: entries withdrawn
since the run, and breakdowns whose hidden counts must stay hidden beside the themes page."""

import io

import pytest
from openpyxl import load_workbook

from engage.extensions import db
from engage.models import ThemeAssignment, Wish
from engage.services.moderation import decide
from tests.conftest import make_staff
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

SECRET = "Please ring my neighbour Mrs Example at number 12 about the bins"


@pytest.fixture
def run(app):
    return run_analysis(make_consultation_with_wishes(n=40), n_themes=4)


def test_an_entry_rejected_after_the_run_is_shown_nowhere(client, team, run):
    assignment = db.session.scalars(
        db.select(ThemeAssignment).where(ThemeAssignment.run_id == run.id)
    ).first()
    wish = db.session.get(Wish, assignment.entry_id)
    wish.text = SECRET  # what the moderator saw on a second look
    decide([wish], "reject", make_staff("officer"), reason="personal_data")
    db.session.commit()
    base = f"/staff/workspace/runs/{run.id}"
    # The theme's page and the downloads, opened before the themes page catches up.
    page = client.get(f"{base}/themes/{assignment.theme_id}")
    assert page.status_code == 200 and SECRET not in page.text
    assert "Withdrawn since the run" in page.text
    download = client.get(f"{base}/assignments.csv").text
    assert SECRET not in download and "Withdrawn since the run" in download
    book = load_workbook(io.BytesIO(client.get(f"{base}/themes.xlsx").data), read_only=True)
    cells = [str(v) for row in book["Assignments"].iter_rows(values_only=True) for v in row]
    assert SECRET not in cells and any(c.startswith("Withdrawn since") for c in cells)
    assert SECRET not in client.get(f"{base}/report").text
