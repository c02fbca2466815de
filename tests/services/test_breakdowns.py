"""Small counts are hidden, and no total gives a hidden count away."""

import random

import pytest

from engage.extensions import db
from engage.models import AreaDeprivation
from engage.services.breakdowns import (
    FEWER,
    NOT_SHOWN,
    breakdown,
    make_table,
    suppress,
    suppress_linked,
)
from tests.factories import make_area, make_consultation
from tests.workspace_factories import (
    make_consultation_with_wishes,
    make_wishes,
    run_analysis,
)


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


def _linked_lines(grids, members):
    """Every line of two linked tables, as (count, is a published row total) pairs: their
    rows and columns, and each decile with its areas (``members``: decile -> area columns)."""
    for grid in grids:
        last = len(grid[0]) - 1
        yield from ([(v, j == last) for j, v in enumerate(row)] for row in grid)
        yield from ([(row[j], j == last) for row in grid] for j in range(last + 1))
    area, decile = grids
    for i in range(len(area)):
        for d, columns in members.items():
            yield [(area[i][j], False) for j in columns] + [(decile[i][d], False)]


@pytest.mark.parametrize("seed", range(40))
def test_linked_tables_leave_no_line_with_one_hidden_number(seed):
    rng = random.Random(seed)
    n_rows, n_areas, n_deciles = rng.randint(1, 4), rng.randint(2, 7), rng.randint(1, 4)
    decile_of = [rng.randrange(n_deciles) for _ in range(n_areas)]
    by_area = [[rng.choice([0, 2, 6, 11, 15, 40]) for _ in range(n_areas)] for _ in range(n_rows)]
    by_decile = [
        [sum(row[a] for a in range(n_areas) if decile_of[a] == d) for d in range(n_deciles)]
        for row in by_area
    ]
    members = {d: [a for a in range(n_areas) if decile_of[a] == d] for d in range(n_deciles)}
    links = [
        [(0, i, a) for a in columns] + [(1, i, d)]
        for i in range(n_rows + 1)
        for d, columns in members.items()
    ]
    marks = suppress_linked([by_area, by_decile], links, row_totals_known=True)
    # The same lines, with each number's mark in place of its value.
    lines = zip(
        _linked_lines(marks, members),
        _linked_lines([_extended(by_area), _extended(by_decile)], members),
        strict=True,
    )
    for line, values in lines:
        if sum(1 for m, _ in line if m) == 1:
            # Allowed only when nothing else could be hidden: the rest are published row
            # totals (a theme's size) and zeros.
            others = [v for (m, known), (v, _) in zip(line, values, strict=True) if not m]
            published = [known for (m, known) in line if not m]
            assert all(k or v == 0 for v, k in zip(others, published, strict=True)), (
                by_area,
                decile_of,
            )


def _extended(counts):
    grid = [row[:] + [sum(row)] for row in counts]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    return grid


def test_a_decile_of_two_areas_does_not_give_an_area_count_away(app):
    """Area A (5 entries of a theme) is hidden in the area table; were the decile A shares
    with C shown, A = decile - C. The two tables are hidden together."""
    consultation = make_consultation()
    a, b, c = (make_area(name=n, code=f"E0900000{i}") for i, n in enumerate("ABC"))
    consultation.areas = [a, b, c]
    db.session.add_all(
        [AreaDeprivation(area=a, decile=1), AreaDeprivation(area=c, decile=1)]
        + [AreaDeprivation(area=b, decile=2)]
    )
    make_wishes(consultation, 150, areas=[a] + [b] * 6 + [c] * 8)
    db.session.commit()
    run = run_analysis(consultation, n_themes=3)
    area, decile = breakdown(run, "area"), breakdown(run, "deprivation")
    place = {label: j for j, (_, label) in enumerate(area.columns)}
    first = {label: j for j, (key, label) in enumerate(decile.columns)}
    hidden_somewhere = False
    for row_a, row_d in zip(area.cells, decile.cells, strict=True):
        cell_a, cell_c = row_a[place["A"]], row_a[place["C"]]
        decile_1 = row_d[first["1 (most deprived)"]]
        hidden_somewhere |= bool(cell_a.hidden)
        if cell_a.hidden and decile_1.shown is not None:
            # Shown, the decile only gives A away when C is shown too.
            assert cell_c.hidden, (cell_a.value, cell_c.value, decile_1.value)
        if decile_1.hidden:
            assert cell_a.hidden or cell_c.hidden
    assert hidden_somewhere  # the case the test is about arose
