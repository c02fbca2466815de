"""Reach files as the ONS publishes them, Excel workbooks: the table is read from the one sheet
whose column names the reach page reads, past a cover, contents and notes, and the sheet read is
told; a workbook of one sex, or with two such tables, is refused and saves nothing."""

import html
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from engage.extensions import db
from engage.models import AreaDeprivation
from engage.services import reach_files
from tests.reach_factories import imported_page, post_reach_file
from tests.views.test_reach_published_files import (  # noqa: F401
    LSOAS,
    WARDS,
    _expected,
    _iod_file,
    _people,
    _saved,
    _sex_file,
    lsoas,
    wards,
)

OTHERS = [f"E05{n:06d}" for n in range(20_000, 20_300)]
HEAD = ["Ward 2023 Code", "Ward 2023 Name", "LAD 2023 Code", "LAD 2023 Name", "Total"]
COVER = [
    ["Mid-2023 ward population estimates, England and Wales"],
    ["This workbook contains a cover, contents, notes and one table."],
]
CONTENTS = [
    ["Sheet", "Description"],
    ["Mid-2023 Wards", "Ward code, name and population by single year of age"],
]


def _workbook(sheets: dict[str, list[list]], hidden=()) -> bytes:
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.sheet_state = "hidden" if title in hidden else "visible"
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(title: str, sexes=("",), wrong=None) -> list[list]:
    """An ONS ward table under its title rows, the ages' names as numbers where Excel keeps
    them so, the figures as numbers; `wrong` is a ward's value at age 45."""
    rows = [[title], ["Source: Office for National Statistics"], [], [*HEAD, *range(90), "90+"]]
    for n, code in enumerate(sorted({*WARDS, *OTHERS})):
        counts = [sum(_people(code, age, sex) for sex in sexes) for age in range(91)]
        if code == wrong:
            counts[45] = "n/a"
        total = sum(c for c in counts if isinstance(c, int))
        rows.append([code, f"Ward {n}, Derby", "E06000015", "Derby", total, *counts])
    return rows


def test_an_ons_workbook_is_read_from_its_table_past_its_cover_and_notes(client, wards):  # noqa: F811
    data = _workbook(
        {
            "Cover": COVER,
            "Contents": CONTENTS,
            "Notes": [["Note number", "Note text"], ["1", "Ward codes are 2023's."]],
            "Lookup": [["Ward code", "Ward name"], *([code, "Ward"] for code in WARDS)],
            "Mid-2023 Wards": _table("Mid-2023 ward population estimates: persons"),
        },
        hidden=["Lookup"],
    )
    url, _ = wards
    assert 'accept=".csv,text/csv,.xlsx,' in client.get(url).text  # the file picker offers them
    page = imported_page(client, wards, "baselines", data)
    assert (
        "Saved the population of 3 areas; skipped 300 rows for areas outside this partnership. "
        "Read the sheet “Mid-2023 Wards”, the column names from row 4, area codes from “Ward "
        "2023 Code” and ages from “0” to “90+”" in page
    )
    assert _saved() == _expected(WARDS)


def test_a_workbook_by_sex_on_three_sheets_is_read_from_the_persons_sheet(client, wards):  # noqa: F811
    data = _workbook(
        {
            "Mid-2020 Persons": _table("Mid-2020: persons", sexes=("F", "M")),
            "Mid-2020 Males": _table("Mid-2020: males", sexes=("M",)),
            "Mid-2020 Females": _table("Mid-2020: females", sexes=("F",)),
        }
    )
    response = post_reach_file(client, wards, "baselines", data)
    assert response.status_code == 303, response.text
    assert "Read the sheet “Mid-2020 Persons”, the column names from row 4" in (
        client.get(response.location).text
    )
    assert _saved() == _expected(WARDS, sexes=("F", "M"))


def _sex_sheet(sexes: str) -> list[list]:
    lines = _sex_file(sexes).decode().splitlines()
    return [[int(v) if v.isdigit() else v for v in line.split(",")] for line in lines]


@pytest.mark.parametrize(
    ("sheets", "problem"),
    [
        (
            lambda: {"Cover": COVER, "Mid-2020 Females": _table("Mid-2020: females", ("F",))},
            "The sheet “Mid-2020 Females” holds only females (its name says so): the reach "
            "page needs all persons, so import the table for all persons, or one with columns "
            "for both sexes",
        ),
        (
            lambda: {"Cover": COVER, "Wards": _table("Mid-2020: females", ("F",))},
            "The sheet “Wards” holds only females (its title says “Mid-2020: females”): the "
            "reach page needs all persons, so import the table",
        ),
        (
            lambda: {"Notes": [["Sex: F is female"]], "LSOAs": _sex_sheet("F")},
            "The sheet “LSOAs” holds only females (its age columns are “F0” to “F90”): the "
            "reach page needs all persons",
        ),
        (
            lambda: {
                "Mid-2022 Wards": _table("Mid-2022"),
                "Mid-2023 Wards": _table("Mid-2023"),
            },
            "The workbook has 2 sheets that could be read, “Mid-2022 Wards”, “Mid-2023 Wards”: "
            "delete the ones not wanted, or save the one to import as CSV",
        ),
        (
            lambda: {"Cover": COVER, "Contents": CONTENTS},
            "The sheet “Contents”: row 2, read as the column names: the first row must name the "
            "columns area_code, age_band, population",
        ),
        (
            lambda: {"Mid-2023 Wards": _table("Mid-2023", wrong=WARDS[2])},
            "Row 7: the population must be a whole number, 0 or more, in “45”",
        ),
    ],
)
def test_a_workbook_that_cannot_be_read_one_way_saves_nothing(client, wards, sheets, problem):  # noqa: F811
    first = post_reach_file(client, wards, "baselines", _workbook({"Wards": _table("Mid-2023")}))
    assert first.status_code == 303, first.text
    saved = _saved()
    response = post_reach_file(client, wards, "baselines", _workbook(sheets()))
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert f"Nothing was imported. {problem}" in response.text
    assert _saved() == saved


def test_the_indices_of_deprivation_workbook_saves_the_overall_decile(client, lsoas):  # noqa: F811
    lines = _iod_file(LSOAS).decode().splitlines()
    rows = [lines[0].replace('"', "").split(",")]  # no name of the file's holds a comma
    rows += [[int(v) if v.isdigit() else v for v in line.split(",")] for line in lines[1:]]
    data = _workbook({"Notes": [["The English Indices of Deprivation 2019"]], "IoD2019": rows})
    page = imported_page(client, lsoas, "deprivation", data)
    assert "Saved the deprivation decile of 5 areas. Read the sheet “IoD2019”, area codes" in page
    saved = db.session.execute(db.select(AreaDeprivation).join(AreaDeprivation.area)).scalars()
    assert {d.area.code: d.decile for d in saved} == {c: int(c[3:]) % 10 + 1 for c in LSOAS}


def _zip(names) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            lambda: _workbook({"Wards": _table("Mid-2023")}),
            "The workbook is too large to read as one (over 0.5 MB once opened): save its table "
            "as CSV, which is read whole, or save only the area_code column",
        ),
        (lambda: _zip(["notes.txt"]), "The file must be a CSV or XLSX file"),
        (
            lambda: _zip(["[Content_Types].xml", "xl/workbook.xml"]),
            "The XLSX file is damaged and cannot be opened",
        ),
    ],
)
def test_a_workbook_too_large_or_damaged_is_refused(client, wards, monkeypatch, data, problem):  # noqa: F811
    monkeypatch.setattr(reach_files, "MAX_OPENED", 512 * 1024)
    response = post_reach_file(client, wards, "baselines", data())
    assert response.status_code == 400
    assert f"Nothing was imported. {problem}" in response.text
    assert _saved() == {}


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 10_000_000)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            lambda: _zip(["notes.txt"]),
            "The file must be a CSV or XLSX file: in your spreadsheet, choose 'Save as' and pick "
            "'CSV' or 'Excel workbook (.xlsx)', without a password",
        ),
        (
            _bomb,
            "The XLSX file is compressed far more than a real spreadsheet can be, so it was not "
            "opened: save it again from your spreadsheet, or as CSV",
        ),
    ],
)
def test_a_file_that_is_not_a_workbook_is_told_in_one_sentence(client, wards, data, problem):  # noqa: F811
    response = post_reach_file(client, wards, "baselines", data())
    assert response.status_code == 400
    summary = re.search(r"govuk-error-summary__list\">\s*<li>\s*(.*?)\s*</li>", response.text)
    assert html.unescape(summary[1]) == f"Nothing was imported. {problem}"
    assert _saved() == {}
