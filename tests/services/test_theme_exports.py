"""Exports: themes and assignments as CSV and XLSX where no cell can run as a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from engage.extensions import db
from engage.services.theme_exports import (
    ASSIGNMENT_COLUMNS,
    assignment_rows,
    csv_lines,
    neutralise,
    theme_rows,
    workbook,
)
from tests.factories import make_wish
from tests.workspace_factories import make_consultation_with_wishes, run_analysis

FORMULAS = [
    '=HYPERLINK("http://evil.example","more buses")',
    "+cmd|' /C calc'!A0 more buses",
    "-2+3 more parks",
    "@SUM(A1:A9) cleaner streets",
    "\tmore trees please",
    "\rbetter lighting at night",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_neutralise(text):
    assert neutralise(text) == "'" + text
    assert neutralise("More buses") == "More buses"
    assert neutralise(12) == 12


@pytest.fixture
def run(app):
    consultation = make_consultation_with_wishes(n=40)
    for text in FORMULAS:
        make_wish(consultation, text=text)
    make_wish(consultation, text="Call me on 07700 900123 about the park")
    db.session.commit()
    return run_analysis(consultation, n_themes=4)


def test_csv_has_every_assignment_and_no_formula(run):
    text = "".join(csv_lines(ASSIGNMENT_COLUMNS, assignment_rows(run)))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ASSIGNMENT_COLUMNS
    assert len(rows) == 1 + 47
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    texts = [row[-1] for row in rows[1:]]
    assert "'" + FORMULAS[1] in texts
    # Personal data is redacted, as in every quote the workspace shows.
    assert '\'=HYPERLINK("[link removed]","more buses")' in texts
    assert "Call me on [phone number removed] about the park" in texts
    assert not any("07700" in t or "evil.example" in t for t in texts)
    assert all(row[0] == str(run.id) for row in rows[1:])


def test_xlsx_cells_are_text_or_numbers_never_formulas(run):
    book = load_workbook(io.BytesIO(workbook(run)))
    assert book.sheetnames == ["Themes", "Assignments", "About this run"]
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    # As residents wrote it (a wish may well start "- more parks"), kept text by its style.
    assert FORMULAS[1] in values and "-2+3 more parks" in values
    assert not any(isinstance(v, str) and v.startswith("'") for v in values)
    quoted = [c for row in book["Assignments"].iter_rows() for c in row if c.value in FORMULAS]
    assert quoted and all(c.quotePrefix and c.data_type == "s" for c in quoted)
    assert "Call me on [phone number removed] about the park" in values
    assert book["Assignments"].max_row == 1 + 47
    assert book["Themes"].max_row == 1 + len(list(theme_rows(run)))
    about = {r[0].value: r[1].value for r in book["About this run"].iter_rows(min_row=2)}
    assert about["Run"] == run.id and about["Analysis library version"] == run.library_version
