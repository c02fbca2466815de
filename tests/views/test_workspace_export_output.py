"""The strategy team's downloads of a run hold exactly what they held when they were first made
fast: the same columns, values and types, and the same neutralising of cells a spreadsheet
would run as formulas. A run built by hand (every kind of entry, every flag, mentions, a
withdrawn and a vanished entry, text that looks like a formula, personal data) is downloaded
and compared with tests/data/exports/, which the earlier, slower code wrote.

To write the expected files again after a deliberate change to the exports:
    ENGAGE_WRITE_EXPORTS=1 pytest tests/views/test_workspace_export_output.py
"""

import csv
import io
import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engage.extensions import db
from engage.models import (
    AnalysisRun,
    ModerationStatus,
    RespondentDetails,
    RunTheme,
    ThemeAssignment,
    ThemeMapping,
    ThemeMention,
)
from engage.services import theme_exports
from engage.services.analysis_runs import refresh_sizes
from tests.factories import make_area, make_consultation, make_wish
from tests.photo_factories import make_competition, make_photo_entry
from tests.strategy_factories import make_comment, make_strategy

EXPECTED = Path(__file__).resolve().parent.parent / "data" / "exports"
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
RUN = "{run}"  # the run's id, which differs from one database to another

WISHES = [
    ("More buses in the evening to the hospital", "online", "25_34"),
    ('=HYPERLINK("http://evil.example","more buses")', "paper_card", "16_24"),
    ("+cmd|' /C calc'!A0 more buses", "wish_tree", None),
    ("-2+3 more parks", "workshop", "75_plus"),
    ("@SUM(A1:A9) cleaner streets", "online", "prefer_not"),
    ("\tmore trees please", "online", None),
    ("Call me on 07700 900123 about the park, or jo@example.com", "online", "45_54"),
    ('  Safer crossings & <wider> pavements "now"  ', "paper_card", "35_44"),
    ("Llyfrgell newydd yn y dref, os gwelwch yn dda 🌳", "online", None),
    ("أريد حديقة أكبر للأطفال", "online", "55_64"),
    ("#N/A", "online", None),
    ("Line one\nline two of a wish", "online", "65_74"),
    ("A wish a moderator took down since the run", "online", None),
    ("Clean the canal path", "online", "under_16"),
]


def _themes(run):
    specs = [
        (1, "Buses and transport", "buses transport", False, ["buses", "evening"]),
        (2, "=Parks", "parks play", True, ["parks", "trees"]),
        (3, "Streets", "streets", False, ["streets", "-crossings"]),
        (4, "Merged away", "canal", False, ["canal"]),
    ]
    themes = [
        RunTheme(
            run=run,
            number=n,
            label=label,
            found_label=found,
            renamed=renamed,
            keywords=keywords,
            model_theme=n - 1,
            is_new=n == 3,
        )
        for n, label, found, renamed, keywords in specs
    ]
    themes.append(RunTheme(run=run, number=5, label="Other", keywords=[], is_other=True))
    db.session.add_all(themes)
    db.session.flush()
    themes[3].merged_into_id = themes[2].id
    return themes


def _entries(consultation):
    areas = [make_area(name="Abbey"), make_area(name='=HYPERLINK("http://x")'), None]
    entries = []
    for i, (text, channel, band) in enumerate(WISHES):
        wish = make_wish(consultation, text=text, channel=channel, area=areas[i % 3])
        wish.submission.reference = f"W-TEST-{i:02d}"
        if band:
            wish.submission.details = RespondentDetails(age_band=band)
        entries.append(("wish", wish, channel, band))
    entries[6][1].redacted_text = "Call me on [phone number removed] about the park, or jo@x.org"
    entries[12][1].status = ModerationStatus.REJECTED
    photo = make_photo_entry(make_competition(consultation), wish="Brighter street lights")
    photo.reference = "P-TEST-01"
    entries.append(("photo", photo, "photo", None))
    strategy = make_strategy(consultation)
    comment = make_comment(strategy.versions[0].priorities[0], text="- I support more buses")
    comment.submission.reference = "C-TEST-01"
    entries.append(("comment", comment, "an old channel", "an old band"))
    db.session.flush()
    return entries, strategy, areas


def _assign(run, themes, entries, areas):
    theme_of = [0, 1, 1, 2, 2, 1, 0, 2, 1, 1, 4, 0, 2, 3, 2, 0]
    assignments = []
    for i, (kind, entry, channel, band) in enumerate(entries):
        area = areas[i % 3]
        assignments.append(
            ThemeAssignment(
                run_id=run.id,
                entry_type=kind,
                entry_id=entry.id,
                theme_id=themes[theme_of[i]].id,
                score=[0.8123, 1.0, 0.5, 0.0, 0.3333333333][i % 5],
                terms=["buses, evening", "", "=parks", "streets"][i % 4],
                moved_by_team=i % 4 == 1,
                not_relevant=i == 5,
                added_later=i % 7 == 3,
                area_id=area.id if area else None,
                channel=channel,
                age_band=band,
                week=date(2026, 3, 2) + timedelta(weeks=i % 3),
            )
        )
    # An entry deleted outright since the run: no reference, no text.
    assignments.append(
        ThemeAssignment(
            run_id=run.id,
            entry_type="wish",
            entry_id=987654,
            theme_id=themes[0].id,
            score=0.25,
            terms="",
            area_id=None,
            channel="online",
            week=date(2026, 3, 16),
        )
    )
    db.session.add_all(assignments)
    db.session.flush()
    return assignments


def _mention(run, themes, assignments):
    # Entry 0 raises parks and streets (highest score first), and its own theme (not shown);
    # entry 3 raises the theme merged away; entry 7 two themes at the same score.
    for index, theme, score in [
        (0, 2, 0.41),
        (0, 1, 0.6),
        (0, 0, 0.9),
        (3, 3, 0.2),
        (7, 0, 0.3),
        (7, 1, 0.3),
        (5, 0, 0.125),
    ]:
        db.session.add(
            ThemeMention(
                run_id=run.id,
                assignment_id=assignments[index].id,
                theme_id=themes[theme].id,
                score=score,
            )
        )


@pytest.fixture
def run(app):
    consultation = make_consultation(title="3 wishes for =Testville", opens_at=MONDAY)
    entries, strategy, areas = _entries(consultation)
    run = AnalysisRun(
        consultation=consultation,
        parameters={"n_themes": 4, "extra_stop_words": ["derby", "=sum"], "random_state": 3},
        library_version="1.2.3",
        status="done",
        n_entries=len(entries),
        started_at=MONDAY,
        finished_at=MONDAY + timedelta(minutes=3),
    )
    db.session.add(run)
    db.session.flush()
    themes = _themes(run)
    priority = strategy.versions[0].priorities[1]
    db.session.add(ThemeMapping(theme=themes[0], priority=priority, score=0.7, confirmed_at=MONDAY))
    _mention(run, themes, _assign(run, themes, entries, areas))
    db.session.flush()
    refresh_sizes(run)
    db.session.commit()
    return run


def _csv_rows(text: str, run_id: int) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [
        [RUN if i == 0 and n and cell == str(run_id) else cell for i, cell in enumerate(row)]
        for n, row in enumerate(rows)
    ]


def _cells(data: bytes, run_id: int) -> dict:
    """Every cell of every sheet as [value, type, quote prefix], the run's id made RUN."""
    book = load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book.worksheets:
        rows = []
        for n, row in enumerate(sheet.iter_rows()):
            cells = [[c.value, c.data_type, bool(c.quotePrefix)] for c in row]
            for i, cell in enumerate(cells):
                first = i == 0 and sheet.title != "About this run"
                if n and cell[0] == run_id and (first or row[0].value == "Run"):
                    cell[0] = RUN
            rows.append(cells)
        sheets[sheet.title] = rows
    return sheets


def _json(value, indent="") -> str:
    """JSON with a row of cells to a line, so a change shows as the rows it touches."""
    if isinstance(value, dict):
        items = [f"{indent} {json.dumps(k)}: {_json(v, indent + ' ')}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    rows = [f"{indent} {json.dumps(row, ensure_ascii=False)}" for row in value]
    return "[\n" + ",\n".join(rows) + f"\n{indent}]"


def _empty_cells_alike(sheets):
    """Empty text and a blank cell both read back as None; only their type differs."""
    if isinstance(sheets, dict):
        for cell in (c for rows in sheets.values() for row in rows for c in row):
            if cell[0] is None and cell[1] == "inlineStr":
                cell[1] = "n"
    return sheets


def _compare(name: str, found):
    path = EXPECTED / name
    if os.environ.get("ENGAGE_WRITE_EXPORTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(_json(found) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert _empty_cells_alike(found) == _empty_cells_alike(expected)


@pytest.mark.parametrize("chunk", [2000, 3])
def test_the_downloads_hold_what_they_always_held(client, team, run, monkeypatch, chunk):
    # Read in chunks of 3 too, so entries and their mentions cross the chunks' edges.
    monkeypatch.setattr(theme_exports, "CHUNK", chunk)
    base = f"/staff/workspace/runs/{run.id}"
    for name in ("themes.csv", "assignments.csv"):
        response = client.get(f"{base}/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.data.startswith("\ufeff".encode())
        _compare(name + ".json", _csv_rows(response.get_data(as_text=True), run.id))
    response = client.get(f"{base}/themes.xlsx")
    assert response.status_code == 200
    _compare("themes.xlsx.json", _cells(response.data, run.id))
