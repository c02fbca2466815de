"""Workshop sheets uploaded, previewed with their problems, and imported."""

import csv
import io
import re
import zipfile
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from openpyxl import Workbook

from engage.extensions import db
from engage.models import PendingSheet, Submission, Wish, WorkshopImport
from engage.models._types import utcnow
from engage.template_helpers import LOCAL_TZ
from tests.conftest import hidden_fields, post_multipart
from tests.factories import make_consultation
from tests.sheet_files import csv_bytes, rebuild_zip, xlsx_bytes


@pytest.fixture
def consultation(app):
    consultation = make_consultation(slug="derby")
    db.session.commit()
    return consultation


def _upload(client, consultation, content: bytes, name="sheet.csv", event="Summer fair"):
    page = client.get("/staff/workshops")
    fields = {
        **hidden_fields(page.text),
        "consultation": str(consultation.id),
        "partner": "Normanton Residents Group",
        "event": event,
        "event_date": ["12", "7", "2026"],
    }
    return post_multipart(client, "/staff/workshops/preview", fields, "sheet", name, content)


SHEET = (
    b"wish_1,wish_2,wish_3,postcode,age_band\n"
    b"More buses,Safer parks,,DE22 1AB,16 to 24\n"
    b",,,NOT A POSTCODE,\n"
    b"A youth club,,,,\n"
)


def test_workshop_sheet_preview_then_import(client, login_as, consultation):
    login_as("officer")
    preview = _upload(client, consultation, SHEET)
    assert preview.status_code == 200
    assert "2 rows are ready to import" in preview.text and "1 row has problems" in preview.text
    assert db.session.query(Submission).count() == 0  # nothing saved before confirming
    problems_link = preview.text.split('href="')[1:]
    problems = next(p.split('"')[0] for p in problems_link if "problems.csv" in p)
    fix = client.get(problems)
    assert (
        fix.status_code == 200 and b"NOT A POSTCODE" in fix.data and b"More buses" not in fix.data
    )
    done = client.post(
        "/staff/workshops/import", data=hidden_fields(preview.text) | _confirm(preview.text)
    )
    assert done.status_code == 303
    assert db.session.query(WorkshopImport).one().rows_imported == 2
    assert {w.text for w in db.session.query(Wish)} == {"More buses", "Safer parks", "A youth club"}
    again = client.post(
        "/staff/workshops/import", data=hidden_fields(preview.text) | _confirm(preview.text)
    )
    assert "Not imported" in client.get(again.location).text
    assert db.session.query(Wish).count() == 3


def _confirm(html: str) -> dict:
    return dict(
        re.findall(
            r'name="(upload|consultation|partner|event|event_date)" type="hidden" value="([^"]*)"',
            html,
        )
    )


def test_workshop_template_downloads(client, login_as):
    login_as("officer")
    csv_file = client.get("/staff/workshops/template.csv")
    assert csv_file.status_code == 200 and b"wish_1" in csv_file.data
    xlsx = client.get("/staff/workshops/template.xlsx")
    assert xlsx.data[:2] == b"PK"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"PK\x03\x04not really a zip", "XLSX"),
        (b"name,colour\nx,y\n", "column"),
    ],
)
def test_bad_sheets_get_a_clear_message(client, login_as, consultation, content, message):
    login_as("officer")
    page = _upload(client, consultation, content)
    assert page.status_code == 400 and message.lower() in page.text.lower()


@pytest.mark.parametrize(
    "parts,message",
    [
        (["31", "2", "2026"], "Date of the workshop must be a real date, for example 27 3 2026"),
        (["12", "7", "26"], "Date of the workshop must be a real date, for example 27 3 2026"),
        (["12", "7", "2062"], "Date of the workshop must be today or in the past"),
        (["12", "7", "0026"], "Date of the workshop must be in 2000 or later"),
    ],
)
def test_a_workshop_date_that_cannot_be_right_is_refused_in_words(
    client, login_as, consultation, parts, message
):
    login_as("officer")
    page = client.get("/staff/workshops")
    fields = {
        **hidden_fields(page.text),
        "consultation": str(consultation.id),
        "partner": "Normanton Residents Group",
        "event": "Summer fair",
        "event_date": parts,
    }
    sent = post_multipart(
        client, "/staff/workshops/preview", fields, "sheet", "s.csv", b"wish_1\nMore buses\n"
    )
    assert sent.status_code == 400
    assert f'<a href="#event_date-day">{message}</a>' in sent.text
    assert db.session.query(WorkshopImport).count() == 0


def test_a_sheet_over_the_body_limit_gets_the_sheet_message_and_keeps_the_fields(
    client, login_as, consultation
):
    login_as("officer")
    page = _upload(client, consultation, b"wish_1\n" + b"More buses\n" * 1_500_000)  # 16.5 MB
    assert page.status_code == 400
    assert "The file is bigger than 5 MB." in page.text
    for value in ("Normanton Residents Group", "Summer fair", 'value="12"', 'value="2026"'):
        assert value in page.text


def test_unknown_upload_id_is_refused(client, login_as):
    login_as("officer")
    assert client.get("/staff/workshops/" + "0" * 64 + "/problems.csv").status_code == 404
    assert client.get("/staff/workshops/../etc/problems.csv").status_code in (400, 404)


def test_one_imported_row_is_one_row(client, login_as, consultation):
    login_as("officer")
    preview = _upload(client, consultation, b"wish_1\nMore buses\n")
    done = client.post(
        "/staff/workshops/import", data=hidden_fields(preview.text) | _confirm(preview.text)
    )
    assert "Imported 1 row from sheet.csv." in client.get(done.location).text


@pytest.mark.parametrize(
    "content", [b"wish_1,wish_2,postcode\r\n", b"wish_1,wish_2,postcode\r\n ,  ,\r\n,,\r\n"]
)
def test_a_sheet_with_headings_and_no_rows_says_so(client, login_as, consultation, content):
    login_as("officer")
    page = _upload(client, consultation, content)
    assert page.status_code == 400
    assert "The file has its column headings but no rows under them" in page.text
    assert "Normanton Residents Group" in page.text


def test_the_rows_to_fix_of_a_sheet_named_beyond_ascii_download_under_its_name(
    client, login_as, consultation
):
    # A header can only carry Latin-1: 'ş' made the server fail mid-response, and browsers
    # dropped the 'é' of a Latin-1 name, so the name goes in filename* (RFC 6266) as UTF-8.
    login_as("officer")
    preview = _upload(client, consultation, SHEET, name="Çalıştay café.csv")
    href = next(p.split('"')[0] for p in preview.text.split('href="') if "problems.csv" in p)
    disposition = client.get(href).headers["Content-Disposition"]
    assert disposition.isascii()
    assert "filename*=UTF-8''%C3%87al%C4%B1%C5%9Ftay-caf%C3%A9-rows-to-fix.csv" in disposition


def test_a_sheet_sent_with_a_mistake_in_the_form_is_kept_for_the_next_try(
    client, login_as, consultation
):
    login_as("officer")
    page = client.get("/staff/workshops")
    fields = {
        **hidden_fields(page.text),
        "consultation": str(consultation.id),
        "partner": "",
        "event": "Summer fair",
        "event_date": ["12", "7", "2026"],
    }
    sent = post_multipart(client, "/staff/workshops/preview", fields, "sheet", "fair.csv", SHEET)
    assert sent.status_code == 400 and "Enter the partner organisation" in sent.text
    assert "fair.csv is kept" in sent.text
    kept = re.search(r'name="kept_sheet" type="hidden" value="([0-9a-f]{64})"', sent.text)
    fields.update(hidden_fields(sent.text), partner="Normanton Residents Group")
    again = client.post("/staff/workshops/preview", data={**fields, "kept_sheet": kept.group(1)})
    assert again.status_code == 200
    assert "Check fair.csv before importing" in again.text and "2 rows are ready" in again.text


def test_a_sheet_checked_on_one_server_is_imported_on_another(
    app, client, login_as, consultation, monkeypatch, tmp_path
):
    """Two app servers share the database, not their disks: the sheet checked on one waits in
    the database for the import, which the other may serve."""
    login_as("officer")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "first"))
    preview = _upload(client, consultation, SHEET)
    assert not (tmp_path / "first").exists() or not any((tmp_path / "first").rglob("*.*"))
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "second"))
    problems = re.search(r'href="([^"]+problems\.csv)"', preview.text).group(1)
    assert "NOT A POSTCODE" in client.get(problems).text
    done = client.post(
        "/staff/workshops/import", data=hidden_fields(preview.text) | _confirm(preview.text)
    )
    assert done.status_code == 303
    assert "Imported 2 rows from sheet.csv" in client.get(done.location).text
    assert db.session.query(Wish).count() == 3


def test_importing_a_sheet_no_longer_kept_says_to_upload_it_again(
    app, client, login_as, consultation
):
    login_as("officer")
    preview = _upload(client, consultation, SHEET)
    db.session.execute(db.delete(PendingSheet))  # as the retention run does a week after
    db.session.commit()
    done = client.post(
        "/staff/workshops/import", data=hidden_fields(preview.text) | _confirm(preview.text)
    )
    assert done.status_code == 303
    page = client.get(done.location).text
    assert "Not imported: the sheet checked on that page is no longer kept" in page
    assert db.session.query(WorkshopImport).count() == 0


def test_imported_sheets_say_which_consultation_they_went_into(client, login_as, consultation):
    login_as("officer")
    other = make_consultation(slug="parks", title="Parks for Derby")
    db.session.commit()
    preview = _upload(client, other, SHEET)
    client.post(
        "/staff/workshops/import", data=hidden_fields(preview.text) | _confirm(preview.text)
    )
    table = client.get("/staff/workshops").text.split("<table")[1].split("</table>")[0]
    assert ">Consultation</th>" in table and "Parks for Derby" in table


def test_the_preview_says_where_the_rows_will_go_before_importing(client, login_as, consultation):
    login_as("officer")
    preview = _upload(client, consultation, SHEET).text.split("<main")[1]
    for shown in (consultation.title, "Normanton Residents Group", "Summer fair", "12 July 2026"):
        assert shown in preview


def _rows_to_fix(client, preview) -> list[list[str]]:
    """The rows-to-fix file the preview page links to, downloaded and read as a spreadsheet
    opens it: the cells as the file holds them."""
    href = next(p.split('"')[0] for p in preview.text.split('href="') if "problems.csv" in p)
    download = client.get(href)
    assert download.status_code == 200
    return list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"), newline="")))


# How the officer's spreadsheet saves the rows to fix: as they came (Excel and LibreOffice show
# and keep the apostrophe the export puts before a formula); with it taken as a text marker
# and dropped (Google Sheets); or as a workbook of text cells.
SAVED_AS = {
    "csv": lambda rows: csv_bytes(rows, encoding="utf-8-sig"),
    "csv without apostrophes": lambda rows: csv_bytes(
        [[cell.removeprefix("'") for cell in row] for row in rows]
    ),
    "xlsx": xlsx_bytes,
}


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_formulas_in_the_rows_to_fix_are_refused_again_until_typed_as_text(
    client, login_as, consultation, saved_as
):
    login_as("officer")
    sheet = [
        ["wish_1", "wish_2", "postcode"],
        ["More buses", "", "DE22 1AB"],
        ['=HYPERLINK("http://evil.example","Click")', "Safer parks", ""],
        ["Bins", "=1+1", ""],
    ]
    first = _upload(client, consultation, xlsx_bytes(sheet, formulas=True), name="fair.xlsx")
    assert "1 row is ready to import" in first.text and "2 rows have problems" in first.text
    rows = _rows_to_fix(client, first)
    assert [row[:2] for row in rows[1:]] == [
        ['\'=HYPERLINK("http://evil.example","Click")', "Safer parks"],
        ["Bins", "'=1+1"],
    ]
    save = SAVED_AS[saved_as]

    unchanged = _upload(client, consultation, save(rows), name=f"fair-rows-to-fix.{saved_as[:4]}")
    assert unchanged.status_code == 200
    assert "0 rows are ready to import" in unchanged.text
    table = unchanged.text.split("<table")[1].split("</table>")[0]
    assert "Rows with problems" in table
    assert "Cell A2 is a formula: type the text instead" in table
    assert "Cell B3 is a formula: type the text instead" in table
    assert 'action="/staff/workshops/import"' not in unchanged.text

    rows[1][0] = "A crossing by the school"  # one row fixed, the other left as it was
    fixed = _upload(client, consultation, save(rows), name=f"fair-fixed.{saved_as[:4]}")
    assert "1 row is ready to import" in fixed.text and "1 row has problems" in fixed.text
    assert "Cell B3 is a formula: type the text instead" in fixed.text
    done = client.post(
        "/staff/workshops/import", data=hidden_fields(fixed.text) | _confirm(fixed.text)
    )
    assert "Imported 1 row from fair-fixed" in client.get(done.location).text
    wishes = {w.text for w in db.session.query(Wish)}
    assert wishes == {"A crossing by the school", "Safer parks"}
    assert [row[1] for row in _rows_to_fix(client, fixed)[1:]] == ["'=1+1"]


def test_spreadsheet_errors_in_the_rows_to_fix_are_refused_again(client, login_as, consultation):
    # A lookup pasted as values leaves "#N/A"; the rows to fix hold it as text.
    login_as("officer")
    workbook = Workbook()
    for row in (["wish_1", "wish_2"], ["#N/A", "More buses"], ["Parks", "#REF!"]):
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    first = _upload(client, consultation, out.getvalue(), name="lookups.xlsx")
    assert "2 rows have problems" in first.text
    rows = _rows_to_fix(client, first)
    assert [row[:2] for row in rows[1:]] == [["#N/A", "More buses"], ["Parks", "#REF!"]]
    again = _upload(client, consultation, csv_bytes(rows), name="lookups-rows-to-fix.csv")
    assert "0 rows are ready to import" in again.text and "2 rows have problems" in again.text
    table = again.text.split("<table")[1].split("</table>")[0]
    assert "Cell A2 shows a spreadsheet error (#N/A): type the text instead" in table
    assert "Cell B3 shows a spreadsheet error (#REF!): type the text instead" in table
    assert 'action="/staff/workshops/import"' not in again.text


def test_a_what_if_data_table_in_the_rows_to_fix_is_its_formula_and_refused_again(
    client, login_as, consultation
):
    # Excel's what-if data table writes a formula with no text, shown as =TABLE(row, column).
    login_as("officer")
    data = xlsx_bytes([["wish_1", "wish_2"], ["Bins", "x"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    table = b'<c r="B2"><f t="dataTable" ref="B2:B2" dt2D="0" dtr="0" r1="A1"/><v>3</v></c>'
    sheet = re.sub(rb'<c r="B2"[^>]*>.*?</c>', table, sheet)
    first = _upload(client, consultation, rebuild_zip(data, {"xl/worksheets/sheet1.xml": sheet}))
    assert "Cell B2 is a formula: type the text instead" in first.text
    rows = _rows_to_fix(client, first)
    assert rows[1][:2] == ["Bins", "'=TABLE(,A1)"]
    again = _upload(client, consultation, csv_bytes(rows), name="rows-to-fix.csv")
    assert "0 rows are ready to import" in again.text
    assert "Cell B2 is a formula: type the text instead" in again.text


def test_a_fixed_file_imported_twice_is_refused_naming_its_one_row(client, login_as, consultation):
    login_as("officer")
    preview = _upload(client, consultation, b"wish_1\r\nA crossing by the school\r\n", "fixed.csv")
    fields = hidden_fields(preview.text) | _confirm(preview.text)
    client.post("/staff/workshops/import", data=fields)
    again = _upload(client, consultation, b"wish_1\r\nA crossing by the school\r\n", "fixed.csv")
    refused = client.post("/staff/workshops/import", data=hidden_fields(again.text) | fields)
    page = client.get(refused.location).text
    assert "Not imported: This file (fixed.csv) was already imported into" in page
    assert ": 1 row from Summer fair. Nothing was imported again." in page
    assert db.session.query(Wish).count() == 1


def test_a_sheet_imported_before_says_so_on_its_preview_and_still_gives_its_rows_to_fix(
    client, login_as, consultation
):
    # The officer uploads yesterday's sheet again to get the rows to fix: the preview must not
    # offer to import it, but must still give them.
    login_as("officer")
    first = _upload(client, consultation, SHEET)
    client.post("/staff/workshops/import", data=hidden_fields(first.text) | _confirm(first.text))
    again = _upload(client, consultation, SHEET)
    assert again.status_code == 200
    main = again.text.split("<main")[1]
    assert "This file (sheet.csv) was already imported into" in main
    assert ": 2 rows from Summer fair. It cannot be imported again." in main
    assert 'action="/staff/workshops/import"' not in main
    assert "Import 2 rows" not in main and "ready to import" not in main
    assert "NOT A POSTCODE" in "\n".join(map(",".join, _rows_to_fix(client, again)))
    assert db.session.query(Wish).count() == 3


def test_a_sheet_too_late_gives_the_last_days_of_a_consultation_closed_at_midnight(
    client, login_as
):
    today = utcnow().astimezone(LOCAL_TZ).date()
    closes_at = datetime.combine(today - timedelta(days=40), time(0), LOCAL_TZ)
    late = make_consultation(opens_at=closes_at - timedelta(days=60), closes_at=closes_at)
    db.session.commit()
    login_as("officer")
    preview = _upload(client, late, SHEET)
    done = client.post(
        "/staff/workshops/import", data=hidden_fields(preview.text) | _confirm(preview.text)
    )
    page = unescape(client.get(done.location).text)
    last_day = f"{closes_at - timedelta(days=1):%-d %B %Y}"
    last_import_day = f"{closes_at + timedelta(days=29):%-d %B %Y}"
    assert f"closed on {last_day}. Workshop sheets could be imported until {last_import_day}," in (
        page
    )
    assert db.session.query(Submission).count() == 0
