"""Small counts are hidden, and no total gives a hidden count away."""

import random

import pytest

from engage.services.breakdowns import FEWER, NOT_SHOWN, breakdown, make_table, suppress
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


def _lines(marks):
    rows, cols = len(marks), len(marks[0])
    yield from (marks[i] for i in range(rows))
    yield from ([marks[i][j] for i in range(rows)] for j in range(cols))


def test_primary_and_secondary_suppression_by_hand():
    marks = suppress([[12, 3, 20], [15, 11, 30]])
    # 3 is small; its row and column then hide the next smallest count (12, then 11), and
    # the rows and columns those touch hide another (15), until no line has a lone hidden cell.
    assert marks[0][1] == "primary"
    assert marks[0][0] == "secondary" and marks[1][1] == "secondary"
    assert marks[1][0] == "secondary"
    assert marks[0][2] == "" and marks[1][2] == ""
    assert all(m == "" for m in marks[2])  # column totals and the grand total stay shown


def test_a_small_row_total_is_hidden_with_a_partner():
    marks = suppress([[2, 3], [40, 50], [30, 25]])
    assert marks[0][2] == "primary"  # the row total 5 is itself small
    totals_column = [marks[i][2] for i in range(4)]
    assert sum(1 for m in totals_column if m) >= 2


@pytest.mark.parametrize("seed", range(30))
def test_no_line_ever_has_exactly_one_hidden_number(seed):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 5), rng.randint(1, 6)
    values = [0, 1, 4, 9, 10, 12, 30, 200]
    counts = [[rng.choice(values) for _ in range(n_cols)] for _ in range(n_rows)]
    marks = suppress(counts)
    for line in _lines(marks):
        assert sum(1 for m in line if m) != 1
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if 0 < value < 10:
                assert marks[i][j] == "primary"


def test_table_text_says_fewer_than_10_or_not_shown():
    table = make_table([(1, "A"), (2, "B")], [("x", "X"), ("y", "Y")], [[12, 3], [15, 11]])
    assert table.cells[0][1].text == FEWER
    assert table.cells[0][1].shown is None
    hidden_secondary = [c for row in table.cells for c in row if c.hidden == "secondary"]
    assert hidden_secondary and all(c.text == NOT_SHOWN for c in hidden_secondary)
    assert table.any_hidden


def test_breakdown_of_a_run_hides_small_counts(app):
    consultation = make_consultation_with_wishes(n=40)
    run = run_analysis(consultation, n_themes=4)
    table = breakdown(run, "area")
    assert [label for _, label in table.columns] == ["Abbey", "Spondon"]
    assert table.total.value == 40 and table.total.text == "40"
    assert sum(c.value for row in table.cells for c in row) == 40
    for row in table.cells:
        for cell in row:
            if 0 < cell.value < 10:
                assert cell.text == FEWER
    for dimension in ("channel", "age-band", "deprivation", "entry-type"):
        assert breakdown(run, dimension).total.value == 40


@pytest.mark.parametrize("seed", range(40))
def test_the_same_counts_in_another_column_order_hide_the_same_counts(seed):
    """The report shows a run by area and by deprivation decile: with one area a decile, the
    second table is the first with its columns reordered. Were different ones of two equal
    counts hidden in each, each table would show the count the other hides."""
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 4), rng.randint(2, 6)
    counts = [[rng.choice([0, 3, 5, 12, 12, 20]) for _ in range(n_cols)] for _ in range(n_rows)]
    order = list(range(n_cols))
    rng.shuffle(order)
    columns = [[row[j] for row in counts] for j in range(n_cols)]
    if len({tuple(c) for c in columns}) < n_cols:
        return  # two identical columns: nothing tells them apart
    marks = suppress(counts, row_totals_known=True)
    moved = suppress([[row[j] for j in order] for row in counts], row_totals_known=True)
    for i in range(n_rows):
        assert [marks[i][j] for j in order] == moved[i][:n_cols], (counts, order)
