"""Each theme broken down by area, channel, age band, deprivation decile and kind of entry,
with small counts suppressed.

The suppression rule (statistical disclosure control, as official statistics do it):

* Primary: a count from 1 to 9 is shown as "fewer than 10". Zero is shown as 0.
* Secondary: the table is read as lines (each row with its row total, each column with its
  column total, the totals row and column with the grand total). A line with exactly one
  hidden number would let anyone work it out by subtraction, so in such a line the smallest
  other count is hidden too (the smallest non-zero first, then a zero, and the line's total
  only when nothing else is left). This repeats until no line has exactly one hidden number.
  A count hidden only for this reason is shown as "not shown", because it may be 10 or more.
* Tables published together whose counts are sums of each other's are hidden together: a
  deprivation decile's count is the sum of its areas' counts, so the decile with its areas
  is one more line (``suppress_linked``). Otherwise a decile of two areas, shown, would give
  away the one area the area table hides.
* A run's breakdowns never hide their row totals or grand total: those are the themes' sizes
  and the relevant entries, which the themes page, the report and the exports show anyway. A
  row total hidden here would only seem to protect its row (a theme of 7 entries, all from
  one area, would show "fewer than 10", 0 and a hidden total, and its size gives the 7).
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from engage.extensions import db
from engage.models import AGE_BANDS, CHANNELS, AnalysisRun, Area, AreaDeprivation, ThemeAssignment
from engage.services.analysis_runs import visible_themes
from engage.services.workspace_entries import ENTRY_TYPES

SMALL = 10
FEWER = "fewer than 10"
NOT_SHOWN = "not shown"
UNKNOWN = "Not known"

DIMENSIONS = {
    "area": "Area",
    "channel": "Channel",
    "age-band": "Age band",
    "deprivation": "Deprivation decile of the area",
    "entry-type": "Kind of entry",
}


@dataclass
class Cell:
    value: int
    hidden: str = ""  # "", "primary" or "secondary"

    @property
    def text(self) -> str:
        if self.hidden == "primary":
            return FEWER
        return NOT_SHOWN if self.hidden else f"{self.value:,}"

    @property
    def shown(self) -> int | None:
        return None if self.hidden else self.value


@dataclass
class Table:
    """Counts with totals, every number already checked for disclosure."""

    rows: list[tuple[object, str]]
    columns: list[tuple[object, str]]
    cells: list[list[Cell]]
    row_totals: list[Cell] = field(default_factory=list)
    column_totals: list[Cell] = field(default_factory=list)
    total: Cell = field(default_factory=lambda: Cell(0))

    @property
    def any_hidden(self) -> bool:
        grid = [*self.cells, self.row_totals, self.column_totals, [self.total]]
        return any(c.hidden for line in grid for c in line)


def suppress(counts: list[list[int]], row_totals_known: bool = False) -> list[list[str]]:
    """The hiding marks for a grid of counts extended with its totals (see the module doc).

    Returns a grid one row and one column larger than `counts`: the last column holds the row
    totals' marks, the last row the column totals' and the corner the grand total's.
    ``row_totals_known``: the row totals and grand total are published elsewhere, so they are
    never hidden, and their lines are protected by hiding counts instead.
    """
    return suppress_linked([counts], [], row_totals_known)[0]


def suppress_linked(
    grids: list[list[list[int]]], links: list[list[tuple[int, int, int]]], row_totals_known=False
) -> list[list[list[str]]]:
    """Hide small counts in several tables published together, whose counts are related.

    Each grid is extended with its totals as in :func:`suppress`. ``links`` are the further
    lines that tie the tables: each is a list of ``(grid, row, column)`` places in the
    extended grids whose last place is the sum of the others (a deprivation decile's count is
    the sum of the counts of the areas in that decile). A line of either kind with exactly
    one hidden number would give it away, so the same rule runs over all of them at once.
    """
    extended, marks, lines = [], [], []
    for g, counts in enumerate(grids):
        n_rows, n_cols = len(counts), len(counts[0]) if counts else 0
        grid = [row[:] + [sum(row)] for row in counts]
        grid.append([sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)])
        grid[-1].append(sum(grid[-1]))
        mark = [["primary" if 0 < v < SMALL else "" for v in row] for row in grid]
        if row_totals_known:
            for row in mark:
                row[n_cols] = ""
        extended.append(grid)
        marks.append(mark)
        lines += [[(g, i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
        lines += [[(g, i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]
    lines += [list(link) for link in links if len(link) > 1]
    # The totals of the lines each number is in; a line's total counts itself among them.
    totals: dict[tuple[int, int, int], list] = {}
    for line in lines:
        for p in line:
            totals.setdefault(p, []).append(line[-1])
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [p for p in line if marks[p[0]][p[1]][p[2]]]
            if len(hidden) != 1:
                continue
            pick = _next_to_hide(line, extended, marks, totals, row_totals_known)
            if pick is not None:
                marks[pick[0]][pick[1]][pick[2]] = "secondary"
                changed = True
    return marks


def _next_to_hide(line, grids, marks, totals, row_totals_known=False):
    def value(p):
        return grids[p[0]][p[1]][p[2]]

    def is_row_total(p):
        return p[2] == len(grids[p[0]][0]) - 1

    open_cells = [p for p in line[:-1] if not marks[p[0]][p[1]][p[2]]]
    if row_totals_known:
        open_cells = [p for p in open_cells if not is_row_total(p)]
    # A zero in a line whose total is 0 is known to be 0: hiding it protects nothing (a
    # decile column of a place with no deciles imported would fill with "not shown").
    open_cells = [p for p in open_cells if value(p) or all(value(t) for t in totals[p])]
    nonzero = [p for p in open_cells if value(p) > 0]

    def order(p):
        # Equal counts are told apart by their whole column, not its place: the report's
        # deprivation table is the area table with its columns in another order, and two
        # tables hiding different ones of two equal counts would give the hidden one away.
        return value(p), [row[p[2]] for row in grids[p[0]]]

    for pool in (nonzero, open_cells):
        if pool:
            return min(pool, key=order)
    total = line[-1]
    if marks[total[0]][total[1]][total[2]] or (row_totals_known and is_row_total(total)):
        return None
    return total


def make_table(rows, columns, counts: list[list[int]], row_totals_known: bool = False) -> Table:
    """A table of counts with totals, small numbers hidden (see ``suppress``)."""
    if not rows or not columns:
        return marked_table(rows, columns, counts, [])
    return marked_table(rows, columns, counts, suppress(counts, row_totals_known))


def marked_table(rows, columns, counts, marks) -> Table:
    """A table of counts with totals, hidden by marks from `suppress` or `suppress_linked`."""
    if not rows or not columns:
        return Table(rows, columns, [[] for _ in rows], [Cell(0) for _ in rows], [], Cell(0))
    n_rows, n_cols = len(rows), len(columns)
    cells = [[Cell(counts[i][j], marks[i][j]) for j in range(n_cols)] for i in range(n_rows)]
    row_totals = [Cell(sum(counts[i]), marks[i][n_cols]) for i in range(n_rows)]
    column_totals = [
        Cell(sum(counts[i][j] for i in range(n_rows)), marks[n_rows][j]) for j in range(n_cols)
    ]
    total = Cell(sum(map(sum, counts)), marks[n_rows][n_cols])
    return Table(rows, columns, cells, row_totals, column_totals, total)


# Breakdowns of a run's themes


_COLUMNS = {
    "area": ThemeAssignment.area_id,
    "channel": ThemeAssignment.channel,
    "age-band": ThemeAssignment.age_band,
    "entry-type": ThemeAssignment.entry_type,
}


def _grouped(run: AnalysisRun, names: list[str]) -> dict[str, dict[tuple[int, object], int]]:
    """Each theme's relevant entries by every named column, read in one pass over the run."""
    columns = [_COLUMNS[name] for name in names]
    rows = db.session.execute(
        select(ThemeAssignment.theme_id, *columns, func.count())
        .where(ThemeAssignment.run_id == run.id, ThemeAssignment.not_relevant.is_(False))
        .group_by(ThemeAssignment.theme_id, *columns)
    )
    out: dict[str, dict[tuple[int, object], int]] = {name: {} for name in names}
    for theme_id, *groups, n in rows:
        for name, group in zip(names, groups, strict=True):
            out[name][(theme_id, group)] = out[name].get((theme_id, group), 0) + n
    return out


def _area_columns(run, counts):
    areas = {a.id: a.name for a in run.consultation.areas}
    seen = {g for _, g in counts if g is not None and g not in areas}
    areas |= {a.id: a.name for a in db.session.scalars(select(Area).where(Area.id.in_(seen)))}
    return sorted(areas.items(), key=lambda item: item[1])


def _deprivation(counts, deciles):
    folded: dict[tuple[int, object], int] = {}
    for (theme_id, area_id), n in counts.items():
        key = (theme_id, deciles.get(area_id))
        folded[key] = folded.get(key, 0) + n
    labels = {1: "1 (most deprived)", 10: "10 (least deprived)"}
    columns = [(d, labels.get(d, str(d))) for d in range(1, 11)]
    return folded, columns


def _grid(themes, columns, counts):
    known = {key for key, _ in columns}
    if any(g not in known for _, g in counts):
        columns.append((None, UNKNOWN))
    place = {key: j for j, (key, _) in enumerate(columns)}
    row_of = {t.id: i for i, t in enumerate(themes)}
    grid = [[0] * len(columns) for _ in themes]
    for (theme_id, group), n in counts.items():
        if theme_id in row_of:
            grid[row_of[theme_id]][place.get(group, place.get(None, 0))] += n
    return grid


def _area_and_deprivation(run: AnalysisRun, themes, counts) -> dict[str, Table]:
    """The area and deprivation tables, hidden together: a decile's count is the sum of its
    areas' counts, so a decile of two areas would otherwise show what one of them hides."""
    rows = [(t.id, t.label) for t in themes]
    deciles = dict(
        db.session.execute(select(AreaDeprivation.area_id, AreaDeprivation.decile)).all()
    )
    folded, decile_columns = _deprivation(counts, deciles)
    area_columns = _area_columns(run, counts)
    by_area = _grid(themes, area_columns, counts)
    by_decile = _grid(themes, decile_columns, folded)
    if not rows:
        return {
            "area": make_table(rows, area_columns, by_area),
            "deprivation": make_table(rows, decile_columns, by_decile),
        }
    place = {key: j for j, (key, _) in enumerate(decile_columns)}
    members: dict[int, list[int]] = {}
    for j, (area_id, _) in enumerate(area_columns):
        d = place.get(deciles.get(area_id) if area_id is not None else None, place.get(None))
        if d is not None:
            members.setdefault(d, []).append(j)
    links = [
        [(0, i, j) for j in areas] + [(1, i, d)]
        for i in range(len(rows) + 1)  # every theme, and the column totals
        for d, areas in members.items()
    ]
    # The rows' totals are the themes' sizes, shown on the themes page: never hidden here.
    marks = suppress_linked([by_area, by_decile], links, row_totals_known=True)
    return {
        "area": marked_table(rows, area_columns, by_area, marks[0]),
        "deprivation": marked_table(rows, decile_columns, by_decile, marks[1]),
    }


def breakdowns(run: AnalysisRun, dimensions) -> dict[str, Table]:
    """Several breakdowns of the run, as the report shows them, from one read of its
    assignments; the area and deprivation tables, hidden together, are built once for both."""
    if any(d not in DIMENSIONS for d in dimensions):
        raise KeyError(dimensions)
    themes = visible_themes(run)
    names = list(dict.fromkeys("area" if d == "deprivation" else d for d in dimensions))
    counts = _grouped(run, names)
    tables: dict[str, Table] = {}
    if "area" in counts:
        tables |= _area_and_deprivation(run, themes, counts.pop("area"))
    rows = [(t.id, t.label) for t in themes]
    for dimension, found in counts.items():
        columns = _columns(dimension)
        grid = _grid(themes, columns, found)  # adds a "Not known" column when one is needed
        # The rows' totals are the themes' sizes, shown on the themes page: never hidden here.
        tables[dimension] = make_table(rows, columns, grid, row_totals_known=True)
    return {d: tables[d] for d in dimensions}


def _columns(dimension: str) -> list[tuple[object, str]]:
    if dimension == "channel":
        return list({**CHANNELS, "photo": "Photo competition"}.items())
    return list((AGE_BANDS if dimension == "age-band" else ENTRY_TYPES).items())


def breakdown(run: AnalysisRun, dimension: str) -> Table:
    """Every current theme of the run by one dimension, small counts hidden."""
    return breakdowns(run, [dimension])[dimension]
