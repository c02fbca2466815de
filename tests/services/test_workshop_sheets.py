"""Workshop sheets read and checked before anything is stored: templates, CSV and XLSX as
spreadsheets save them, per-row problems, and the rows to fix (refused files are in
test_workshop_sheet_guards)."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from engage.models import AGE_BANDS
from engage.services.sheets import safe_cell
from engage.services.text import clean_text
from engage.services.workshop_sheets import (
    TEMPLATE_COLUMNS,
    preview_sheet,
    problems_csv,
    template_csv,
    template_xlsx,
)
from tests.conftest import payload_lines
from tests.sheet_files import csv_bytes, read_csv, rebuild_zip, xlsx_bytes

HEADER = list(TEMPLATE_COLUMNS)
_UNSAFE = re.compile(r"^[\t\r]|^[\s\x00-\x1f\x7f]*[=+\-@]")


# Templates ------------------------------------------------------------------------------------


def test_template_csv_previews_with_its_example_row_valid():
    preview = preview_sheet("template.csv", template_csv())
    assert read_csv(template_csv())[0] == HEADER
    assert not preview.problems and len(preview.valid) == 1
    row = preview.valid[0]
    assert row.row_number == 2 and len(row.wishes) == 3
    assert row.postcode == "DE1 2AB" and row.age_band in AGE_BANDS


def test_template_xlsx_has_guidance_and_previews_valid():
    data = template_xlsx()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Wishes", "Guidance"]
    guidance = " ".join(str(c.value) for row in workbook["Guidance"].iter_rows() for c in row)
    assert all(label in guidance for label in AGE_BANDS.values())
    assert all(column in guidance for column in TEMPLATE_COLUMNS)
    preview = preview_sheet("template.xlsx", data)
    assert len(preview.valid) == 1 and not preview.problems


# Reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_happy_path(delimiter, encoding):
    rows = [
        ["Wish 1", "WISH_2", "wish-3", "Postcode", "Age band"],
        ["A café by the river", "", "", "de22 1ab", "16-24"],
        ["", "", "", "", ""],
        ["  Longer   opening hours ", "More trees", "", "", "Prefer not to say"],
        ["", "Only a second wish", "", "DE1 2AB", "75_plus"],
    ]
    preview = preview_sheet("c:\\Users\\me\\workshop.csv", csv_bytes(rows, delimiter, encoding))
    assert preview.filename == "workshop.csv"
    assert not preview.problems
    first, second, third = preview.valid
    assert (first.row_number, second.row_number, third.row_number) == (2, 4, 5)
    assert first.wishes == ("A café by the river",)
    assert (first.postcode, first.age_band) == ("DE22 1AB", "16_24")
    assert second.wishes == ("Longer opening hours", "More trees")
    assert (second.postcode, second.age_band) == (None, "prefer_not")
    assert third.wishes == ("Only a second wish",) and third.age_band == "75_plus"
    assert first.raw["postcode"] == "de22 1ab"


def test_a_utf8_csv_with_rows_pasted_from_a_windows_file_reads_both_right():
    # A partner pasted rows from an older file (Windows-1252) into a UTF-8 CSV.
    data = csv_bytes([["wish_1"], ["A café by the river"]], encoding="utf-8-sig")
    data += csv_bytes([["Naïve art trail – by the “old” mill"]], encoding="cp1252")
    first, second = preview_sheet("s.csv", data).valid
    assert first.wishes == ("A café by the river",)
    assert second.wishes == ("Naïve art trail – by the “old” mill",)


@pytest.mark.parametrize("sep", ["sep=;\r\n", "\ufeffSEP=;\n"])
def test_a_csv_that_names_its_separator_on_a_first_line_reads_as_excel_shows_it(sep):
    # Excel hides a first line "sep=;" and splits the rows at that character.
    data = (sep + "wish_1;postcode\r\nMore buses, and later;DE1 2AB\r\n").encode("utf-8")
    (row,) = preview_sheet("s.csv", data).valid
    assert (row.row_number, row.wishes, row.postcode) == (2, ("More buses, and later",), "DE1 2AB")


@pytest.mark.parametrize("value", ["16 to 24", "16-24", "16_24", " 16 TO 24 ", "16–24"])
def test_age_band_as_key_or_label(value):
    preview = preview_sheet("s.csv", csv_bytes([["wish_1", "age_band"], ["Buses", value]]))
    assert preview.valid[0].age_band == "16_24"


def test_xlsx_happy_path_reads_first_sheet_only():
    rows = [
        ["wish_1", "wish_2", "postcode", "age_band"],
        ["More buses", 42, "DE1 2AB", "Under 16"],
        [None, None, None, None],
        [3.0, None, None, "65 to 74"],
    ]
    data = xlsx_bytes(rows, extra_sheet=["not", "read"])
    preview = preview_sheet("w.xlsx", data)
    assert not preview.problems
    assert [r.row_number for r in preview.valid] == [2, 4]
    assert preview.valid[0].wishes == ("More buses", "42")
    assert preview.valid[0].age_band == "under_16"
    assert preview.valid[1].wishes == ("3",)


def test_xlsx_reads_the_first_sheet_excel_shows_not_a_hidden_one():
    workbook = Workbook()
    lookups = workbook.active
    lookups.title, lookups.sheet_state = "Lookups", "hidden"
    lookups.append(["code", "name"])
    wishes = workbook.create_sheet("Wishes")
    wishes.append(["wish_1"])
    wishes.append(["More buses"])
    out = io.BytesIO()
    workbook.save(out)
    (row,) = preview_sheet("s.xlsx", out.getvalue()).valid
    assert row.wishes == ("More buses",)


def test_quoted_cells_over_several_lines_are_one_row():
    data = b'wish_1,postcode\r\n"More buses\r\nat night",\r\nParks,\r\n'
    preview = preview_sheet("s.csv", data)
    assert [(r.row_number, r.wishes) for r in preview.valid] == [
        (2, ("More buses\nat night",)),
        (3, ("Parks",)),
    ]


def test_openpyxl_warnings_about_dropped_features_are_not_errors():
    extension = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<x14:dataValidations count="0"/></ext></extLst></worksheet>'
    )
    data = template_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"</worksheet>", extension)
    with pytest.warns(UserWarning, match="Data Validation extension"):
        load_workbook(io.BytesIO(rebuild_zip(data, {"xl/worksheets/sheet1.xml": sheet})))
    preview = preview_sheet("v.xlsx", rebuild_zip(data, {"xl/worksheets/sheet1.xml": sheet}))
    assert len(preview.valid) == 1


def test_words_in_a_column_with_no_heading_are_kept_in_the_rows_to_fix():
    # A fourth wish written beside the third: the row is refused until it is moved under a
    # heading, so the rows to fix must still hold it.
    rows = [HEADER, ["Buses", "Parks", "Bins", "", "", "A bigger library"], ["Trees"]]
    preview = preview_sheet("s.csv", csv_bytes(rows))
    (problem,) = preview.problems
    exported = read_csv(problems_csv(preview))
    assert exported[0] == [*HEADER, "errors", ""]
    assert exported[1][:3] == ["Buses", "Parks", "Bins"]
    assert exported[1][-1] == "A bigger library"
    again = preview_sheet("fix.csv", problems_csv(preview))
    assert again.problems[0].messages == (
        "Cell G2 is in a column with no heading: move it under one of the headings",
    )


def test_type_is_decided_by_content_not_name():
    assert preview_sheet("sheet.csv", template_xlsx()).valid
    assert preview_sheet("sheet.xlsx", template_csv()).valid


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "", "", "DE1 2AB", ""], "Enter at least one wish"),
        (["Buses", "x" * 501, "", "", ""], "Wish 2 is 501 characters long"),
        (["Buses", "", "", "", "ancient"], "Age band 'ancient' is not one of: Under 16"),
        (["Buses", "", "", "", "", "stray"], "Cell F2 is in a column with no heading"),
    ],
)
def test_row_problems(row, message):
    preview = preview_sheet("s.csv", csv_bytes([HEADER, row]))
    assert not preview.valid
    assert any(m.startswith(message) for m in preview.problems[0].messages)


def test_wish_of_500_characters_is_fine():
    preview = preview_sheet("s.csv", csv_bytes([HEADER, ["x" * 500]]))
    assert preview.valid[0].wishes == ("x" * 500,)


def test_xlsx_formula_cells_and_formula_text_in_text_cells_are_refused():
    rows = [
        ["wish_1", "wish_2"],
        ['=HYPERLINK("http://evil.example","Click")', "Buses"],
        ["Parks", "=1+1"],
    ]
    formulas = xlsx_bytes(rows, formulas=True)
    preview = preview_sheet("f.xlsx", formulas)
    assert not preview.valid
    assert preview.problems[0].messages == ("Cell A2 is a formula: type the text instead",)
    assert preview.problems[1].messages == ("Cell B3 is a formula: type the text instead",)
    exported = read_csv(problems_csv(preview))
    assert exported[1][0] == '\'=HYPERLINK("http://evil.example","Click")'
    assert exported[2][1] == "'=1+1"
    # Typed as text ('=1+1 in Excel), or saved so from the rows to fix: still not a wish.
    typed = preview_sheet("t.xlsx", xlsx_bytes(rows))
    assert [p.messages for p in typed.problems] == [p.messages for p in preview.problems]
    assert not typed.valid


def test_xlsx_error_values_are_refused_not_imported_as_wishes():
    # A lookup pasted as values leaves Excel's error values ("#N/A") where a wish should be.
    workbook = Workbook()
    for row in (["wish_1", "wish_2"], ["#N/A", "More buses"], ["Parks", "#REF!"]):
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    preview = preview_sheet("s.xlsx", out.getvalue())
    assert not preview.valid
    assert [p.messages for p in preview.problems] == [
        ("Cell A2 shows a spreadsheet error (#N/A): type the text instead",),
        ("Cell B3 shows a spreadsheet error (#REF!): type the text instead",),
    ]


@pytest.mark.parametrize("value", ["#N/A", "#REF!", "#VALUE!", "#NAME?", "#DIV/0!", "#SPILL!"])
def test_csv_error_values_are_refused_as_in_xlsx(value):
    # What a CSV holds for a failed formula (Excel, LibreOffice's "Err:502", Sheets' "#ERROR!").
    rows = [HEADER, [value], ["Err:502"], [" #error! "], ["#1 more buses"], ["#DerbyParks"]]
    preview = preview_sheet("s.csv", csv_bytes(rows))
    assert [r.wishes for r in preview.valid] == [("#1 more buses",), ("#DerbyParks",)]
    assert [p.messages for p in preview.problems] == [
        (f"Cell A2 shows a spreadsheet error ({value}): type the text instead",),
        ("Cell A3 shows a spreadsheet error (Err:502): type the text instead",),
        ("Cell A4 shows a spreadsheet error (#error!): type the text instead",),
    ]


def test_csv_formula_looking_text_is_escaped_on_export_and_formula_text_refused():
    texts = ["=1+1", "+44 more buses", "-minus", "@SUM(A1)", '=HYPERLINK("x")']
    rows = [HEADER] + [[t, "", "", "bad", ""] for t in texts]
    rows += [["+44 more buses"], ["- a bigger library"], ["@DerbyCouncil more bins"], [" =2+2"]]
    preview = preview_sheet("f.csv", csv_bytes(rows))
    assert [r.wishes for r in preview.valid] == [
        ("+44 more buses",),
        ("- a bigger library",),
        ("@DerbyCouncil more bins",),
    ]
    assert [p.raw["wish_1"] for p in preview.problems] == [*texts, " =2+2"]
    assert preview.problems[-1].messages == ("Cell A10 is a formula: type the text instead",)
    assert [p.messages[0] for p in preview.problems[:5]] == [
        "Cell A2 is a formula: type the text instead",
        "Postcode 'bad' is not a full UK postcode, such as DE1 2AB",
        "Postcode 'bad' is not a full UK postcode, such as DE1 2AB",
        "Postcode 'bad' is not a full UK postcode, such as DE1 2AB",
        "Cell A6 is a formula: type the text instead",
    ]
    preview = preview_sheet("f.csv", csv_bytes(rows[:6]))
    exported = read_csv(problems_csv(preview))
    assert [row[0] for row in exported[1:]] == [f"'{t}" for t in texts]
    again = preview_sheet("fixed.csv", problems_csv(preview))
    assert [p.raw["wish_1"] for p in again.problems] == texts
    assert again.problems[0].messages[0] == "Cell A2 is a formula: type the text instead"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (" =1+1", "' =1+1"),
        ("\n=1", "'\n=1"),
        ("More buses", "More buses"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


# Hostile strings ------------------------------------------------------------------------------


def payload_rows(strings):
    """Half the strings alone as a wish (mostly valid), half also as a postcode (a problem)."""
    return [HEADER] + [[s, "", "", s if n % 2 else "", ""] for n, s in enumerate(strings)]


def check_round_trip(preview, strings):
    kept = [s for s in strings if clean_text(s)]
    assert len(preview.valid) + len(preview.problems) == len(kept)
    exported = problems_csv(preview)
    for row in read_csv(exported)[1:]:
        assert all(not _UNSAFE.match(cell) for cell in row)
    again = preview_sheet("fixed.csv", exported)
    assert [p.raw for p in again.problems] == [
        p.raw for p in preview.problems if any(clean_text(v) for v in p.raw.values())
    ]
    for row in preview.valid:
        assert all(len(w) <= 500 and w == clean_text(w) for w in row.wishes)


def test_payload_strings_in_csv():
    strings = payload_lines()
    preview = preview_sheet("payloads.csv", csv_bytes(payload_rows(strings)))
    check_round_trip(preview, strings)
    assert len(preview.valid) > 1000


def test_payload_strings_in_xlsx():
    # An XLSX cannot hold control characters, so no real sheet will carry them.
    strings = [ILLEGAL_CHARACTERS_RE.sub("", s).replace("\r", "\n") for s in payload_lines()]
    preview = preview_sheet("payloads.xlsx", xlsx_bytes(payload_rows(strings)))
    check_round_trip(preview, strings)
    assert len(preview.valid) > 1000
