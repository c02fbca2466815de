"""The figures of a run agree everywhere once entries arrive after it: the themes page, the
run page, the printable report and the exports say how many entries the themes count, and
how many of them came after the run. Downloads carry one charset; the report shows dates and
parameters in words."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from openpyxl import load_workbook

from engage.extensions import db
from engage.models import Job, ThemeAssignment, Wish
from engage.services.analysis_runs import visible_themes
from engage.services.theme_edits import mark_relevance
from engage.template_helpers import local_datetime
from tests.factories import make_wish
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


@pytest.fixture
def run(app):
    consultation = make_consultation_with_wishes(n=50)
    return run_analysis(consultation, n_themes=5)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_counts_add_up_after_new_entries_and_one_not_relevant(client, team, run):
    make_wish(run.consultation, text="Cleaner parks with working toilets")
    make_wish(run.consultation, text="More buses in the evenings to the hospital")
    db.session.commit()
    base = f"/staff/workspace/runs/{run.id}"
    client.get(f"{base}/themes")  # gives the two new entries the run's themes
    db.session.expire_all()
    first = visible_themes(run)[0].id
    assignment = db.session.scalar(
        db.select(ThemeAssignment.id).where(ThemeAssignment.theme_id == first).limit(1)
    )
    mark_relevance(run, [assignment], relevant=False, user=None)
    db.session.commit()
    db.session.expire_all()
    total = sum(t.size for t in visible_themes(run))
    assert total == 50 + 2 - 1

    themes = _text(client.get(f"{base}/themes").text)
    assert f"{len(visible_themes(run))} themes in {total} entries" in themes
    assert "The run read 50 entries." in themes
    assert "2 more were published after it and given its themes." in themes
    assert "1 is marked not relevant and left out of the counts." in themes
    assert "themes in 50 entries" not in themes

    page = _text(client.get(base).text)
    assert f"themes in {total} entries" in page and "2 more were published after it" in page

    # The list of runs says what its figure is: the entries the run read, not the themes' total.
    runs = client.get("/staff/workspace/").text
    head = runs.split("<thead")[1].split("</thead>")[0]
    assert "Entries analysed" in head

    rows = list(csv.reader(io.StringIO(client.get(f"{base}/assignments.csv").text)))
    assert len(rows) - 1 == 52
    header = rows[0]
    later = header.index("given a theme after the run")
    dropped = header.index("not relevant")
    assert sum(r[later] == "yes" for r in rows[1:]) == 2
    assert sum(r[dropped] == "yes" for r in rows[1:]) == 1

    report = _text(client.get(f"{base}/report").text)
    assert f"Entries counted in the themes {total}" in report
    assert "Entries published after the run and given its themes 2" in report

    book = load_workbook(io.BytesIO(client.get(f"{base}/themes.xlsx").data))
    about = {r[0]: r[1] for r in book["About this run"].iter_rows(values_only=True)}
    assert about["Entries counted in the themes"] == total
    assert about["Entries published after the run and given its themes"] == 2
    themes_sheet = list(book["Themes"].iter_rows(values_only=True))
    assert sum(r[themes_sheet[0].index("entries")] for r in themes_sheet[1:]) == total


def test_csv_downloads_name_their_charset_once(client, team, run):
    for name in ("themes.csv", "assignments.csv"):
        response = client.get(f"/staff/workspace/runs/{run.id}/{name}")
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_report_shows_dates_and_parameters_in_words(client, team, run):
    report = _text(client.get(f"/staff/workspace/runs/{run.id}/report").text)
    about = report[report.index("Where these figures come from") :][:1500]
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", about)
    assert local_datetime(run.finished_at) in about and local_datetime(run.started_at) in about
    assert "Parameter" not in about and "selection" not in about
    assert "random_state" not in about and "[]" not in about
    assert "Number of themes 5, as asked for" in about
    assert "Words left out None" in about


def test_a_week_without_entries_is_a_0_in_the_trend_not_left_out(client, team, app):
    """Entries in the weeks of 2 and 16 March, none in the week between (a holiday): the trend
    has three weeks, the middle one 0, so its small charts do not close the gap."""
    consultation = make_consultation_with_wishes(n=40)
    monday = datetime(2026, 3, 2, 12, tzinfo=UTC)
    for i, wish in enumerate(db.session.scalars(db.select(Wish).order_by(Wish.id))):
        wish.created_at = monday + timedelta(weeks=2 * (i % 2))
    db.session.commit()
    run = run_analysis(consultation, n_themes=4)
    page = client.get(f"/staff/workspace/runs/{run.id}/themes").text
    table = page.split('id="trend-table"')[1].split("</thead>")[0]
    assert re.findall(r">(\d+ Mar 2026)<", table) == ["2 Mar 2026", "9 Mar 2026", "16 Mar 2026"]
    for theme in visible_themes(run):
        title = unescape(page).split(f"Entries a week in “{theme.label}”: ")[1].split("<")[0]
        assert "week of 9 March: 0; week of 16 March" in title, theme.label


def test_the_report_says_how_many_themes_were_found_when_fewer_than_asked(client, team, app):
    """25 themes asked of 30 entries: the analysis merges those too small to act on and finds
    fewer. The report and the workbook say both numbers, beside the themes they list."""
    run = run_analysis(make_consultation_with_wishes(n=30), n_themes=25)
    found = len(visible_themes(run))
    assert found < 25
    told = f"{found} found, of 25 asked for"
    report = _text(client.get(f"/staff/workspace/runs/{run.id}/report").text)
    assert f"Number of themes {told}" in report
    book = load_workbook(io.BytesIO(client.get(f"/staff/workspace/runs/{run.id}/themes.xlsx").data))
    about = {r[0]: r[1] for r in book["About this run"].iter_rows(values_only=True)}
    assert about["Number of themes"].startswith(told)


def test_a_new_entry_in_words_the_run_never_saw_is_counted_in_other(client, team, run):
    assert not any(t.is_other for t in run.themes)  # every entry of the run had usable words
    make_wish(run.consultation, text="Dw i eisiau llyfrgell newydd yn y dref")
    make_wish(run.consultation, text="Cleaner parks with working toilets")
    db.session.commit()
    base = f"/staff/workspace/runs/{run.id}"
    client.get(f"{base}/themes")  # gives the new entries the run's themes
    themes = _text(client.get(f"{base}/themes").text)
    assert "2 more were published after it and given its themes." in themes
    assert "being given its themes" not in themes
    db.session.expire_all()
    other = next(t for t in visible_themes(run) if t.is_other)
    assert other.label == "Other (no distinctive words)" and other.size == 1
    assert sum(t.size for t in visible_themes(run)) == 52
    page = _text(client.get(f"{base}/themes/{other.id}").text)
    assert "Dw i eisiau llyfrgell newydd yn y dref" in page
    # Once placed, it waits for nothing: no page queues a job for it again.
    jobs = db.session.scalar(db.select(db.func.count(Job.id)))
    client.get(f"{base}/themes")
    assert db.session.scalar(db.select(db.func.count(Job.id))) == jobs
