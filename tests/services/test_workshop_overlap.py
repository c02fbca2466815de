"""Finding the rows of a workshop sheet imported before from another file: by what they say,
one for one, and only when a good share of the sheet repeats one earlier import."""

from datetime import date

import pytest

from engage.services.workshop_overlap import find_overlap, rows_to_import
from engage.services.workshop_sheets import TEMPLATE_COLUMNS, preview_sheet
from tests.factories import make_consultation
from tests.services.test_workshops import do_import, make_user
from tests.sheet_files import csv_bytes, xlsx_bytes

HEADER = list(TEMPLATE_COLUMNS)
ROWS = [
    ["More buses", "Safer parks", "", "DE22 1AB", "16 to 24"],
    ["A youth club", "", "", "", ""],
    ["Fix the potholes", "", "", "DE23 6AB", ""],
    ["Longer library hours", "", "", "", "65 to 74"],
]


def sheet(rows, name="fair.csv"):
    if name.endswith(".xlsx"):
        return preview_sheet(name, xlsx_bytes([HEADER, *rows]))
    return preview_sheet(name, csv_bytes([HEADER, *rows]))


def imported(consultation, rows, name="fair.csv", **overrides):
    return do_import(consultation, sheet(rows, name), make_user(f"{name} Officer"), **overrides)


def test_a_sheet_saved_again_in_another_format_repeats_its_import(app):
    consultation = make_consultation()
    first = imported(consultation, ROWS)
    # Typed again in another case and spacing, and with the age band written another way.
    again = [["more  BUSES ", "safer parks", "", "de22 1ab", "16-24"], *ROWS[1:]]
    overlap = find_overlap(consultation, sheet(again, "fair.xlsx"))
    assert overlap.earlier == first and (overlap.shared, overlap.total) == (4, 4)
    assert [(m.row.row_number, m.sheet_row) for m in overlap.matches] == [
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 5),
    ]
    assert overlap.new_rows == ()


@pytest.mark.parametrize(
    "changed",
    [
        {3: "DE1 1AA"},  # another postcode: another person
        {4: "45 to 54"},  # another age band
        {1: "Safer roads"},  # another second wish
    ],
)
def test_a_row_that_differs_in_anything_it_says_is_new(app, changed):
    consultation = make_consultation()
    imported(consultation, ROWS)
    first = list(ROWS[0])
    for column, value in changed.items():
        first[column] = value
    overlap = find_overlap(consultation, sheet([first, *ROWS[1:]], "fair.xlsx"))
    assert overlap.shared == 3 and [r.row_number for r in overlap.new_rows] == [2]


def test_two_residents_who_wrote_the_same_are_matched_one_for_one(app):
    consultation = make_consultation()
    imported(consultation, [["More buses"], ["Bins"], ["Parks"], ["More buses"]])
    rows = [["More buses"], ["More buses"], ["More buses"], ["Bins"], ["Parks"]]
    overlap = find_overlap(consultation, sheet(rows, "fair.xlsx"))
    assert overlap.shared == 4
    assert [r.row_number for r in overlap.new_rows] == [4]  # the third "More buses"
    left, _ = rows_to_import(consultation, sheet(rows, "fair.xlsx"), again=False)
    assert [r.row_number for r in left.valid] == [4]
    whole, none = rows_to_import(consultation, sheet(rows, "fair.xlsx"), again=True)
    assert len(whole.valid) == 5 and none is None


@pytest.mark.parametrize(
    "rows",
    [
        # Two common short rows shared out of three: fewer than three rows.
        [["More buses"], ["A youth club"], ["Skate park"]],
        # Three shared out of seven: fewer than half.
        [["More buses"], ["A youth club"], ["Bins"], ["Skate park"], ["Pool"], ["Trees"], ["Art"]],
    ],
)
def test_a_few_shared_rows_are_no_sign_of_the_same_sheet(app, rows):
    consultation = make_consultation()
    imported(consultation, [["More buses"], ["A youth club"], ["Bins"], ["Library"]])
    assert find_overlap(consultation, sheet(rows, "school.csv")) is None


def test_the_share_counts_rows_of_one_import_only(app):
    consultation = make_consultation()
    imported(consultation, [["More buses"], ["Bins"], ["Trees"]], name="fair.csv")
    imported(consultation, [["A youth club"], ["Parks"], ["Pool"]], name="school.csv")
    # Four of six rows were imported before, but two from each sheet: not one sheet again.
    rows = [["More buses"], ["Bins"], ["A youth club"], ["Parks"], ["Art"], ["Music"]]
    assert find_overlap(consultation, sheet(rows, "mixed.csv")) is None


def test_rows_of_another_workshop_are_not_left_out(app):
    consultation = make_consultation()
    imported(consultation, [["More buses"], ["Art"]], name="school.csv", partner_name="School")
    fair = imported(consultation, [["Bins"], ["Trees"], ["Pool"]], name="fair.csv")
    # The same sheet with a new "More buses": a school pupil wrote it too, but it is new here.
    overlap = find_overlap(consultation, sheet([["Bins"], ["Trees"], ["Pool"], ["More buses"]]))
    assert overlap.earlier == fair and [m.earlier for m in overlap.matches] == [fair] * 3
    assert [r.wishes for r in overlap.new_rows] == [("More buses",)]


def test_corrections_of_the_same_workshop_are_found_as_well(app):
    consultation = make_consultation()
    first = imported(consultation, ROWS[:3], name="fair.csv")
    fix = imported(consultation, [ROWS[3]], name="fair-fix.csv", event_date=date(2025, 3, 4))
    overlap = find_overlap(consultation, sheet([*ROWS, ["A skate park"]], "fair-v3.xlsx"))
    assert overlap.earlier == first and overlap.shared == 3
    assert [m.earlier for m in overlap.matches] == [first] * 3 + [fix]
    assert [r.wishes for r in overlap.new_rows] == [("A skate park",)]


def test_another_session_of_the_partner_that_day_is_not_a_correction(app):
    """A partner's morning and afternoon sessions are two workshops: a resident of the
    afternoon who wrote what a morning row now says is not that row imported before."""
    consultation = make_consultation()
    morning = imported(consultation, ROWS[:3], name="am.csv", event_name="Youth forum, morning")
    imported(consultation, [["A skate park"]], name="pm.csv", event_name="Youth forum, afternoon")
    # The morning sheet sent back with a row it had missed: a skate park, wished for that
    # morning as well.
    overlap = find_overlap(consultation, sheet([*ROWS[:3], ["A skate park"]], "am-v2.xlsx"))
    assert overlap.earlier == morning and [m.earlier for m in overlap.matches] == [morning] * 3
    assert [r.wishes for r in overlap.new_rows] == [("A skate park",)]
    left, _ = rows_to_import(consultation, sheet([*ROWS[:3], ["A skate park"]]), again=False)
    assert [r.wishes for r in left.valid] == [("A skate park",)]


def test_a_correction_named_in_another_case_and_spacing_is_the_same_session(app):
    consultation = make_consultation()
    first = imported(consultation, ROWS[:3], name="fair.csv", event_name="Year 6 assembly")
    fix = imported(consultation, [ROWS[3]], name="fix.csv", event_name=" year 6  ASSEMBLY")
    overlap = find_overlap(consultation, sheet([*ROWS, ["A skate park"]], "fair-v3.xlsx"))
    assert [m.earlier for m in overlap.matches] == [first] * 3 + [fix]
    assert [r.wishes for r in overlap.new_rows] == [("A skate park",)]


def test_rows_imported_into_another_consultation_do_not_count(app):
    imported(make_consultation(slug="parks"), ROWS)
    assert find_overlap(make_consultation(slug="roads"), sheet(ROWS, "fair.xlsx")) is None
