"""A partner's whole corrected sheet sent back, or a sheet saved again in another format: the
rows imported before are named on the preview, and the officer chooses whether to import
them again."""

import re
from collections import Counter

import pytest

from engage.extensions import db
from engage.models import Submission, Wish, WorkshopImport
from tests.conftest import hidden_fields
from tests.sheet_files import csv_bytes, xlsx_bytes
from tests.views.staff.test_workshops import _confirm, _upload
from tests.views.staff.test_workshops import consultation as consultation  # noqa: F401 - fixture

HEADER = ["wish_1", "wish_2", "wish_3", "postcode", "age_band"]
FIRST = [
    HEADER,
    ["More buses", "Safer parks", "", "DE22 1AB", "16 to 24"],
    ["A youth club", "", "", "", ""],
    ["Fix the potholes on Osmaston Road", "", "", "DE23 6AB", ""],
    ["Longer library hours", "A market on Sundays", "", "", "65 to 74"],
    ["Bins emptied weekly", "", "", "", ""],
    ["More trees on the ring road", "", "", "", ""],
    ["A crossing by the school", "", "", "NOT A POSTCODE", ""],  # to fix
]
# What the partner sent back: the whole sheet, its bad row fixed and one more row added,
# saved from Excel (which has typed "more buses" in its own case and spacing).
CORRECTED = [
    HEADER,
    ["more  buses", "Safer parks", "", "DE22 1AB", "16-24"],
    *FIRST[2:7],
    ["A crossing by the school", "", "", "DE23 8AA", ""],
    ["Swimming lessons for adults", "", "", "", ""],
]


def _import(client, preview, **choice):
    done = client.post(
        "/staff/workshops/import",
        data=hidden_fields(preview.text) | _confirm(preview.text) | choice,
    )
    assert done.status_code == 303
    return client.get(done.location).text


def _main(page) -> str:
    return page.text.split("<main")[1]


def _wishes() -> Counter:
    return Counter(w.text for w in db.session.query(Wish))


@pytest.fixture
def imported(client, login_as, consultation):  # noqa: F811 - the fixture imported above
    """fair.csv imported: six rows in, one to fix."""
    login_as("officer")
    first = _upload(client, consultation, csv_bytes(FIRST), name="fair.csv")
    assert "6 rows are ready to import" in first.text
    assert "Imported 6 rows from fair.csv" in _import(client, first)
    return consultation


def test_a_corrected_whole_sheet_names_the_rows_imported_before_and_asks(client, imported, app):
    preview = _upload(client, imported, xlsx_bytes(CORRECTED), name="fair.xlsx")
    assert preview.status_code == 200
    main = _main(preview)
    on = db.session.query(WorkshopImport).one().imported_at.strftime("%-d %B %Y")
    assert (
        "6 of these 8 rows are the same as rows imported from fair.csv on "
        f"{on} (Summer fair, Normanton Residents Group). Is this the same sheet again?"
    ) in main
    assert "8 rows are ready to import, 2 of them not imported before." in main
    before = main.split("Rows imported before</caption>")[1].split("</table>")[0]
    refs = {s.sheet_row: s.reference for s in db.session.query(Submission)}
    for row in (2, 3, 4, 5, 6, 7):
        assert f"fair.csv, row {row} ({refs[row]})" in before
    assert "Swimming lessons" not in before and "DE23 8AA" not in before
    new = main.split("Rows not imported before</caption>")[1].split("</table>")[0]
    assert "A crossing by the school" in new and "Swimming lessons for adults" in new
    assert "Bins" not in new
    fieldset = main.split('<fieldset class="govuk-fieldset"')[1].split("</fieldset>")[0]
    assert re.search(r"<legend[^>]*>\s*Which rows do you want to import\?\s*</legend>", fieldset)
    radios = re.findall(
        r'name="rows" type="radio"[^>]*>\s*<label[^>]*>\s*([^<]*?)\s*</label', fieldset
    )
    assert radios == ["Import only the 2 rows not imported before", "Import all 8 rows again"]
    assert re.search(r'name="rows" type="radio" value="new" checked', fieldset)


def test_importing_only_the_new_rows_of_a_corrected_sheet_doubles_nothing(client, imported):
    preview = _upload(client, imported, xlsx_bytes(CORRECTED), name="fair.xlsx")
    page = _import(client, preview, rows="new")
    assert (
        f"Imported 2 rows from fair.xlsx. 6 rows were left out as imported before: they are "
        f"already in {imported.title}, from fair.csv (imported on "
    ) in page
    assert all(count == 1 for count in _wishes().values())
    assert _wishes()["A crossing by the school"] == 1
    assert _wishes()["Swimming lessons for adults"] == 1
    assert db.session.query(Submission).count() == 8
    second = db.session.query(WorkshopImport).order_by(WorkshopImport.id.desc()).first()
    assert (second.filename, second.rows_imported) == ("fair.xlsx", 2)
    # The next correction of the same workshop finds the rows of both imports.
    again = [*CORRECTED, ["A skate park", "", "", "", ""]]
    third = _upload(client, imported, csv_bytes(again), name="fair-v3.csv")
    assert "2 more are the same as rows from fair.xlsx." in third.text
    assert "Import only the 1 row not imported before" in third.text
    assert "Imported 1 row from fair-v3.csv. 8 rows were left out" in _import(client, third)
    assert set(_wishes().values()) == {1}


def test_the_partner_s_other_session_that_day_stays_a_workshop_of_its_own(
    client, login_as, consultation
):
    """The morning and the afternoon session of one partner on one day, named apart on the
    upload form: the morning sheet sent back with a row it had missed imports that row,
    though an afternoon resident wrote the same."""
    login_as("officer")
    form = client.get("/staff/workshops").text
    assert "Give each session its own name" in form and 'aria-describedby="event-hint"' in form
    morning = FIRST[:7]
    am = _upload(client, consultation, csv_bytes(morning), "am.csv", event="Fair: morning")
    assert "Imported 6 rows from am.csv" in _import(client, am)
    afternoon = [HEADER, ["Swimming lessons for adults"], ["A dog park"]]
    pm = _upload(client, consultation, csv_bytes(afternoon), "pm.csv", event="Fair: afternoon")
    assert "Imported 2 rows from pm.csv" in _import(client, pm)
    again = [*morning, ["Swimming lessons for adults", "", "", "", ""]]
    preview = _upload(client, consultation, xlsx_bytes(again), "am.xlsx", event="Fair: morning")
    main = _main(preview)
    assert "6 of these 7 rows are the same as rows imported from am.csv" in main
    assert "pm.csv" not in main
    new = main.split("Rows not imported before</caption>")[1].split("</table>")[0]
    assert "Swimming lessons for adults" in new
    assert "Import only the 1 row not imported before" in main
    assert "Imported 1 row from am.xlsx. 6 rows were left out" in _import(client, preview)
    assert _wishes()["Swimming lessons for adults"] == 2


def _imported_sheets(page: str) -> dict[str, dict[str, str]]:
    """The "Imported sheets" table, by file: each row's cells under their headings."""
    table = page.split("Imported sheets</h2>")[1].split("</table>")[0]
    cells = [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]
    head, *rows = cells
    return {row[head.index("File")]: dict(zip(head, row, strict=True)) for row in rows}


def test_the_imported_sheets_say_the_rows_left_out_and_why(client, imported):
    """Each import counts the rows it stored and the rows of its file it left out: imported
    before, or with problems to fix."""
    preview = _upload(client, imported, xlsx_bytes(CORRECTED), name="fair.xlsx")
    _import(client, preview, rows="new")
    sheets = _imported_sheets(client.get("/staff/workshops").text)
    counts = {f: (s["Rows imported"], s["Rows left out"]) for f, s in sheets.items()}
    assert counts == {"fair.csv": ("6", "1 with problems"), "fair.xlsx": ("2", "6 imported before")}
    # A sheet sent back with its bad row still bad: both reasons.
    again = [*CORRECTED[:7], FIRST[7], ["A dog park", "", "", "", ""]]
    _import(client, _upload(client, imported, csv_bytes(again), name="fair-v3.csv"), rows="new")
    sheets = _imported_sheets(client.get("/staff/workshops").text)
    assert (sheets["fair-v3.csv"]["Rows imported"], sheets["fair-v3.csv"]["Rows left out"]) == (
        "1",
        "6 imported before, 1 with problems",
    )
    # All imported again, by the officer's choice, and nothing to fix: none left out.
    preview = _upload(client, imported, csv_bytes(CORRECTED), name="fair-all.csv")
    _import(client, preview, rows="all")
    assert (
        _imported_sheets(client.get("/staff/workshops").text)["fair-all.csv"]["Rows left out"]
        == "None"
    )


def test_a_sheet_imported_before_the_rows_left_out_were_counted_says_so(client, imported):
    db.session.query(WorkshopImport).update({"rows_repeated": None, "rows_with_problems": None})
    db.session.commit()
    sheet = _imported_sheets(client.get("/staff/workshops").text)["fair.csv"]
    assert (sheet["Rows imported"], sheet["Rows left out"]) == ("6", "Not recorded")


def test_importing_all_the_rows_again_is_the_officers_choice(client, imported):
    preview = _upload(client, imported, xlsx_bytes(CORRECTED), name="fair.xlsx")
    page = _import(client, preview, rows="all")
    assert "Imported 8 rows from fair.xlsx. The wishes are in the moderation queue." in page
    assert _wishes()["Bins emptied weekly"] == 2 and _wishes()["Swimming lessons for adults"] == 1


def test_a_sheet_sharing_a_few_common_short_rows_gets_no_warning(client, login_as, consultation):
    login_as("officer")
    fair = [HEADER, ["More buses"], ["A youth club"], ["Cleaner streets"], ["A bigger library"]]
    _import(client, _upload(client, consultation, csv_bytes(fair), name="fair.csv"))
    school = [HEADER, ["More buses"], ["A youth club"], ["A skate park"], ["Free swimming"]]
    school += [["Longer break times"]]
    preview = _upload(client, consultation, xlsx_bytes(school), name="school.xlsx")
    main = _main(preview)
    assert "the same as rows imported" not in main and 'name="rows"' not in main
    assert "5 rows are ready to import." in main and "Import 5 rows" in main
    assert "Imported 5 rows from school.xlsx." in _import(client, preview)
    assert _wishes()["More buses"] == 2


def test_two_residents_who_wrote_the_same_are_two_rows(client, login_as, consultation):
    login_as("officer")
    fair = [HEADER, ["More buses"], ["Cleaner streets"], ["A bigger library"], ["Bins"]]
    _import(client, _upload(client, consultation, csv_bytes(fair), name="fair.csv"))
    # Sent back with a row the partner had missed: a second person who wrote "More buses".
    back = [*fair, ["More buses"]]
    preview = _upload(client, consultation, xlsx_bytes(back), name="fair.xlsx")
    assert "4 of these 5 rows are the same as rows imported from fair.csv" in preview.text
    assert "Import only the 1 row not imported before" in preview.text
    assert "Imported 1 row from fair.xlsx. 4 rows were left out" in _import(client, preview)
    assert _wishes() == {"More buses": 2, "Cleaner streets": 1, "A bigger library": 1, "Bins": 1}


def test_a_sheet_saved_again_in_another_format_imports_nothing_new(client, imported):
    same = xlsx_bytes(FIRST[:7])
    preview = _upload(client, imported, same, name="fair.xlsx")
    assert "All 6 of these rows are the same as rows imported from fair.csv" in preview.text
    assert "Import none of the rows: all were imported before" in preview.text
    page = _import(client, preview)
    assert "Nothing imported from fair.xlsx. All its 6 rows were left out as imported" in page
    assert db.session.query(WorkshopImport).count() == 1 and set(_wishes().values()) == {1}


@pytest.mark.parametrize(
    "fields",
    [{"rows": "both"}, {"rows": "é" * 5}, {"consultation": "9" * 40}],
)
def test_hand_made_values_are_refused_and_change_nothing(client, imported, fields):
    preview = _upload(client, imported, xlsx_bytes(CORRECTED), name="fair.xlsx")
    sent = client.post(
        "/staff/workshops/import",
        data=hidden_fields(preview.text) | _confirm(preview.text) | fields,
    )
    assert sent.status_code == 400
    assert db.session.query(Submission).count() == 6
