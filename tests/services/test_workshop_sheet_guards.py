"""Workshop sheets that must be refused before any row is checked: too big, too many rows,
zip bombs, damaged or other files, and headings that are missing, unknown or misplaced."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from engage.errors import ImportError_
from engage.services import sheets
from engage.services.workshop_sheets import TEMPLATE_COLUMNS, preview_sheet, template_xlsx
from tests.sheet_files import csv_bytes, rebuild_zip, xlsx_bytes

HEADER = list(TEMPLATE_COLUMNS)


def expect_refused(data, *fragments):
    with pytest.raises(ImportError_) as caught:
        preview_sheet("file", data)
    for fragment in fragments:
        assert fragment in caught.value.message
    return caught.value.message


def test_file_over_5_mb_is_refused():
    expect_refused(b"wish_1\n" + b"x" * (5 * 1024 * 1024), "bigger than 5 MB")


def test_cell_too_big_for_csv_is_refused():
    expect_refused(b"wish_1\r\n" + b"x" * 200_000, "Row 2 of the file could not be read")


def test_5000_rows_are_fine_but_not_5001():
    rows = [["wish_1"]] + [[f"Wish {n}"] for n in range(5000)]
    assert len(preview_sheet("s.csv", csv_bytes(rows)).valid) == 5000
    expect_refused(csv_bytes(rows + [["one too many"]]), "more than 5,000 rows")


def test_xlsx_row_limit(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_DATA_ROWS", 3)
    rows = [["wish_1"]] + [["Buses"]] * 4
    expect_refused(xlsx_bytes(rows), "more than 3 rows")


def bomb(megabytes, *, noise=0):
    """The template with its worksheet replaced by megabytes of zeros (and some noise)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template_xlsx())) as src:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    dst.writestr(info.filename, src.read(info))
            with dst.open("xl/worksheets/sheet1.xml", "w") as sheet:
                chunk = b"0" * (1024 * 1024)
                for n in range(megabytes):
                    sheet.write(n.to_bytes(4) * noise + chunk)
    return out.getvalue()


def test_zip_bomb_is_refused_before_opening():
    data = bomb(60)
    assert len(data) < 1024 * 1024
    expect_refused(data, "more than 50 MB")


def test_compression_ratio_over_100_is_refused():
    expect_refused(bomb(2), "compressed far more than a real spreadsheet")


def test_uncompressed_total_is_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    expect_refused(bomb(2, noise=0), "more than 1 MB")


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00garbage" * 20,
        b"PK\x03\x04",
    ],
)
def test_corrupt_zip_is_refused(data):
    expect_refused(data, "damaged")


@pytest.mark.parametrize(
    "replace",
    [
        {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r='A1' t='s'><v>9"},
        {"xl/workbook.xml": b"not xml at all"},
        {"xl/styles.xml": b"<styleSheet><unclosed"},
        {"xl/worksheets/sheet1.xml": b'<!DOCTYPE x [<!ENTITY a "aa">]><worksheet>&a;</worksheet>'},
    ],
)
def test_corrupt_xlsx_is_refused(replace):
    expect_refused(rebuild_zip(template_xlsx(), replace), "damaged")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        b"\x00\x01\x02\x03" * 100,
    ],
)
def test_other_files_are_refused(data):
    expect_refused(data, "must be a CSV or XLSX file")


def test_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    expect_refused(out.getvalue(), "must be a CSV or XLSX file")


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n ", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(data):
    expect_refused(data, "empty")


@pytest.mark.parametrize("data", [b",,,\r\n,,\r\n", xlsx_bytes([[None], [None, ""]])])
def test_file_without_header_row_is_refused(data):
    expect_refused(data, "no header row", "wish_1, wish_2, wish_3, postcode, age_band")


def test_unknown_columns_are_listed_with_the_expected_ones():
    data = csv_bytes([["wish_1", "Name", "email address"], ["Buses", "Ann", "a@example.org"]])
    message = expect_refused(data, "'Name', 'email address'", "must be: wish_1, wish_2")
    assert "wish_1'" not in message


def test_a_title_above_the_headings_is_named_as_such():
    # A title merged across the top (and a row of column groups), the headings below them.
    rows = [["Abbey youth forum, 3 May"], ["Wishes", None, None, "About them"], HEADER, ["Buses"]]
    message = expect_refused(xlsx_bytes(rows), "Row 3 has the column headings")
    assert "delete the rows above it" in message


def test_missing_wish_1_column_is_refused():
    expect_refused(csv_bytes([["wish_2", "postcode"], ["Buses", ""]]), "no wish_1 column")


def test_duplicate_column_is_refused():
    expect_refused(csv_bytes([["wish_1", "Wish 1"], ["a", "b"]]), "wish_1 more than once")


def test_far_away_cells_cost_nothing():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["wish_1"])
    sheet.append(["Buses"])
    sheet.cell(row=3, column=16_000, value="far right")
    sheet.cell(row=200_000, column=1, value="far down").data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    preview = preview_sheet("far.xlsx", out.getvalue())
    assert [r.row_number for r in preview.valid] == [2, 200_000]
