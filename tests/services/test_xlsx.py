"""XLSX workbooks written row by row: every cell reads back as openpyxl's own write-only
sheets gave it (value, type, quote prefix), and every part of the package is well-formed XML."""

import io
import zipfile
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from engage.services.xlsx import write_workbook

QUOTED = ("=", "+", "-", "@", "\t", "\r")
VALUES = [
    None,
    "   ",
    "  leading and trailing  ",
    "two\nlines",
    "\ttab first",
    "=SUM(A1:A9)",
    "-2+3 more parks",
    "+44 7700 900123",
    "@home",
    "#N/A",
    "#DIV/0!",
    "a & b < c > d \" e ' f",
    "Llyfrgell newydd 🌳 حديقة",
    "x" * 40_000,
    0,
    1,
    -5,
    1.0,
    0.1,
    1 / 3,
    33.3,
    1e20,
    12_345_678_901_234_567_890,
    True,
    False,
]


def _openpyxl(rows) -> bytes:
    """A workbook as openpyxl's write-only sheets write it, text forced to text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = value.startswith(QUOTED)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[(c.value, c.data_type, bool(c.quotePrefix)) for c in row] for row in sheet.iter_rows()]


def test_cells_read_back_as_openpyxl_wrote_them():
    rows = [VALUES, list(reversed(VALUES)), [None, None, "after two empty cells"]]
    ours = write_workbook([("Sheet", ["header", "row"], rows)], quoted=QUOTED)
    assert _cells(ours) == _cells(_openpyxl([["header", "row"], *rows]))


def test_sheets_keep_their_order_and_names_and_every_part_is_xml():
    sheets = [
        ("Themes", ["a"], [[1]]),
        ("Assignments & more", ["b"], ([n] for n in range(2500))),
        ("About this run", ["", ""], []),
    ]
    data = write_workbook(sheets, quoted=QUOTED)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(package.read(name))  # noqa: S314 - our own output
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Themes", "Assignments & more", "About this run"]
    rows = list(book["Assignments & more"].iter_rows(values_only=True))
    assert rows == [("b",), *((n,) for n in range(2500))]
    assert list(book["About this run"].iter_rows(values_only=True)) == [(None, None)]


def test_a_carriage_return_and_empty_text_stay_as_they_were():
    # openpyxl writes a carriage return as it is, which XML reads back as a line feed, and
    # empty text as an empty string cell; Excel's own escape keeps the carriage return, and an
    # empty cell keeps a row of blank headers.
    data = write_workbook([("Sheet", ["", ""], [["\rcarriage return", ""]])], QUOTED)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "_x000D_carriage return" in sheet
    assert [[value for value, _, _ in row] for row in _cells(data)] == [
        [None, None],
        ["_x000D_carriage return", None],
    ]


def test_characters_xml_cannot_hold_are_left_out():
    # openpyxl refuses such text outright; a download must not fail for one stray character.
    data = write_workbook([("Sheet", ["text"], [["bell\x07 and\x0b vertical tab"]])], QUOTED)
    assert _cells(data)[1] == [("bell and vertical tab", "s", False)]
