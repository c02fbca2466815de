"""Reach: who took part against who lives in each area.

Population baselines (people by area and age band, census-style) and each area's deprivation
decile are imported from CSV files. A group's representation index is its share of the
respondents divided by its share of the population: 1 is a fair share, below 0.8 is reported
as under-represented, so officers can go where the consultation has not reached.
Respondents are submissions (a form or card) with at least one published entry; counts under
10 are hidden as in the breakdowns.
"""

import csv
import io
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import delete, exists, func, or_, select

from engage.errors import ImportError_
from engage.extensions import db
from engage.models import (
    AGE_BANDS,
    Area,
    AreaDeprivation,
    Comment,
    Consultation,
    ModerationStatus,
    PopulationBaseline,
    RespondentDetails,
    Submission,
    Wish,
)
from engage.numbers import whole_number
from engage.services.breakdowns import marked_table, suppress_linked

UNDER = 0.8
# A national file (every area in England, with all its columns) is 10 to 15 MB; the form takes
# bodies up to REACH_FORM_MAX_CONTENT_LENGTH (50 MB), so a larger one gets this service's message.
MAX_FILE = 32 * 1024 * 1024
TRIM = "save only the area_code column and the figures’ columns, or only this partnership’s rows"
MAX_ERRORS = 20
TOO_MANY = (
    "it has more values than the first row names columns (write a number such as 1,000 as "
    "1000, or in quotes)"
)


class ReachImportError(ImportError_):
    def __init__(self, problems: list[str]):
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        message = "; ".join(shown) + (f"; and {more} more" if more else "")
        super().__init__(f"Nothing was imported. {message}")
        self.problems = problems


@dataclass(frozen=True)
class ReachRow:
    label: str
    respondents: str  # shown count, or "fewer than 10" / "not shown"
    population: int | None
    rate: str  # respondents per 1,000 people
    index: float | None
    status: str


# Imports


@dataclass(frozen=True)
class ReachImport:
    """What an import saved, and how many rows it passed over as other areas'."""

    what: str  # "population" or "deprivation decile"
    areas: int
    skipped: int

    @property
    def summary(self) -> str:
        saved = f"Saved the {self.what} of {_count(self.areas, 'area')}"
        if not self.skipped:
            return saved
        rows = "1 row for an area" if self.skipped == 1 else f"{self.skipped:,} rows for areas"
        return f"{saved}; skipped {rows} outside this partnership"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _read(data: bytes, columns: list[str], known: set[str]) -> tuple[list[tuple[int, dict]], int]:
    """The rows of the platform's areas (by area code, the first column named), numbered as a
    spreadsheet shows them, and how many rows of other areas were passed over. A national file
    lists every area in the country: only the named columns of the platform's rows are kept."""
    if len(data) > MAX_FILE:
        raise ReachImportError([f"the file is larger than {MAX_FILE // (1024 * 1024)} MB ({TRIM})"])
    # Read line by line from the bytes: a national file is not held again as one string.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    found = _Rows(columns, known)
    try:
        lines, delimiter, found.number = _lines(stream)
        # newline="" leaves line ends to csv, which reads \r alone too (Excel's "CSV (Macintosh)").
        found.read(csv.reader(lines, delimiter=delimiter))
    except UnicodeDecodeError as error:
        raise ReachImportError(["the file is not UTF-8 text (save it as CSV UTF-8)"]) from error
    except csv.Error as error:
        raise ReachImportError([f"row {found.number}: {_unreadable(error)}"]) from error
    if found.extra:
        raise ReachImportError(found.extra)
    if not found.rows and not found.outside:
        raise ReachImportError(["the file has no rows under its header"])
    if not found.rows:
        raise ReachImportError([_none_ours(found.outside, known)])
    return found.rows, found.outside


class _Rows:
    """A file's rows sorted into the platform's areas' (their named columns) and the rest."""

    def __init__(self, columns: list[str], known: set[str]):
        self.columns, self.known = columns, known
        self.number = 1  # the row being read, to name one csv cannot read
        self.rows: list[tuple[int, dict]] = []
        self.outside = 0
        self.extra: list[str] = []

    def read(self, reader) -> None:
        header = [h.strip().lower() for h in next(reader, [])]
        if any(c not in header for c in self.columns):
            names = ", ".join(self.columns)
            raise ReachImportError([f"the first row must name the columns {names}"])
        where, width = [header.index(c) for c in self.columns], len(header)
        self.number += 1
        for row in reader:
            kind = self._kind(row, where[0], width)
            if kind == "ours":
                values = [row[i].strip() if i < len(row) else "" for i in where]
                self.rows.append((self.number, dict(zip(self.columns, values, strict=True))))
            elif kind == "extra":
                self.extra.append(f"row {self.number}: {TOO_MANY}")
            elif kind == "outside":
                self.outside += 1
            self.number += 1

    def _kind(self, row: list[str], code_at: int, width: int) -> str:
        # Excel writes cleared or formatted rows under the figures as bare commas.
        if not any(v.strip() for v in row):
            return "empty"
        ours = code_at < len(row) and row[code_at].strip().upper() in self.known
        # More values than columns: "1,000" unquoted would be 1, and a code shifted along
        # could be another area's, so a row naming one of the platform's areas anywhere is
        # refused.
        if len(row) > width and any(v.strip() for v in row[width:]):
            if ours or any(v.strip().upper() in self.known for v in row):
                return "extra"
        return "ours" if ours else "outside"


def _none_ours(outside: int, known: set[str]) -> str:
    example = ", ".join(sorted(known)[:2])
    such = f" (such as {example})" if example else ""
    rows = "its one row is not" if outside == 1 else f"none of its {outside:,} rows is"
    return (
        f"{rows} for an area of this partnership: check that it is the right file, and that "
        f"its area_code column holds the areas’ codes{such}"
    )


def _lines(stream: io.TextIOWrapper):
    """The file's lines from its header on, its separator, and the header's row number."""
    first = stream.readline()
    delimiter, skipped = _separator(first.rstrip("\r\n"))
    return (stream if skipped else chain([first], stream)), delimiter, 1 + skipped


def _separator(first: str) -> tuple[str, int]:
    """The file's separator, and 1 if its first line only names it. Excel where the decimal
    mark is a comma saves CSV with semicolons, and some tools write "sep=;" first for Excel.
    The header names hold no separator, so the first line that is not "sep=" tells."""
    if first.lower().startswith("sep=") and len(first) == 5:
        return first[4], 1
    return next((d for d in (",", ";", "\t") if d in first), ","), 0


def _unreadable(error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"a value is longer than {csv.field_size_limit():,} characters"
    return f"the row cannot be read as CSV ({error})"


def _areas() -> dict[str, Area]:
    return {a.code.upper(): a for a in db.session.scalars(select(Area))}


def _band(value: str) -> str | None:
    lowered = value.lower()
    for key, label in AGE_BANDS.items():
        if lowered in (key, label.lower()):
            return key
    return None


def _whole(value: str, low: int, high: int) -> int | None:
    return whole_number(value.replace(",", ""), low, high)


def import_baselines(data: bytes) -> ReachImport:
    """Population by area and age band (columns area_code, age_band, population). Replaces
    the baselines of the areas in the file; rows of areas the platform does not have are
    passed over, and nothing is saved unless every row of its areas is right."""
    areas, problems, found = _areas(), [], {}
    rows, outside = _read(data, ["area_code", "age_band", "population"], set(areas))
    for number, row in rows:
        area = areas[row["area_code"].upper()]
        band = _band(row["age_band"])
        population = _whole(row["population"], 0, 10_000_000)
        if band is None:
            problems.append(f"row {number}: “{row['age_band']}” is not an age band")
        if population is None:
            problems.append(f"row {number}: the population must be a whole number, 0 or more")
        if band and (area.id, band) in found:
            problems.append(f"row {number}: {area.name}, {AGE_BANDS[band]} is in the file twice")
        if band and population is not None:
            found[(area.id, band)] = population
    if problems:
        raise ReachImportError(problems)
    area_ids = {a for a, _ in found}
    db.session.execute(delete(PopulationBaseline).where(PopulationBaseline.area_id.in_(area_ids)))
    db.session.add_all(
        PopulationBaseline(area_id=a, age_band=b, population=n) for (a, b), n in found.items()
    )
    db.session.flush()
    return ReachImport("population", len(area_ids), outside)


def import_deprivation(data: bytes) -> ReachImport:
    """Each area's deprivation decile (columns area_code, decile; 1 = most deprived); rows of
    areas the platform does not have are passed over."""
    areas, problems, found = _areas(), [], {}
    rows, outside = _read(data, ["area_code", "decile"], set(areas))
    for number, row in rows:
        area = areas[row["area_code"].upper()]
        decile = _whole(row["decile"], 1, 10)
        if decile is None:
            problems.append(f"row {number}: the decile must be a whole number from 1 to 10")
        if area.id in found:
            problems.append(f"row {number}: {area.name} is in the file twice")
        if decile:
            found[area.id] = decile
    if problems:
        raise ReachImportError(problems)
    db.session.execute(delete(AreaDeprivation).where(AreaDeprivation.area_id.in_(found)))
    db.session.add_all(AreaDeprivation(area_id=a, decile=d) for a, d in found.items())
    db.session.flush()
    return ReachImport("deprivation decile", len(found), outside)


# Reach


def _respondents(consultation: Consultation) -> dict[tuple[int | None, str | None], int]:
    published = or_(
        exists().where(
            Wish.submission_id == Submission.id, Wish.status == ModerationStatus.APPROVED
        ),
        exists().where(
            Comment.submission_id == Submission.id, Comment.status == ModerationStatus.APPROVED
        ),
    )
    rows = db.session.execute(
        select(Submission.area_id, RespondentDetails.age_band, func.count(Submission.id))
        .outerjoin(RespondentDetails, RespondentDetails.submission_id == Submission.id)
        .where(Submission.consultation_id == consultation.id, published)
        .group_by(Submission.area_id, RespondentDetails.age_band)
    )
    return {(area, band): n for area, band, n in rows}


def _population(area_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = db.session.execute(
        select(
            PopulationBaseline.area_id, PopulationBaseline.age_band, PopulationBaseline.population
        ).where(PopulationBaseline.area_id.in_(area_ids))
    )
    return {(a, b): n for a, b, n in rows}


def reach(consultation: Consultation) -> dict[str, list[ReachRow]]:
    """Respondents against the population by area, by age band and by deprivation decile."""
    areas = list(consultation.areas)
    counts = _respondents(consultation)
    population = _population([a.id for a in areas])
    deciles = dict(
        db.session.execute(select(AreaDeprivation.area_id, AreaDeprivation.decile)).all()
    )
    groups = {
        "area": [(a.name, lambda k, a=a: k[0] == a.id) for a in areas],
        "age": [
            (label, lambda k, b=b: k[1] == b) for b, label in AGE_BANDS.items() if b != "prefer_not"
        ],
        "deprivation": [
            (f"Decile {d}", lambda k, d=d: deciles.get(k[0]) == d) for d in range(1, 11)
        ],
    }
    responded = {
        name: [sum(n for k, n in counts.items() if match(k)) for _, match in spec]
        for name, spec in groups.items()
    }
    # A decile's respondents include its areas': the area and decile counts are hidden
    # together, so that a decile does not give away an area the area table hides.
    names = list(groups)
    index_of = {a.id: i for i, a in enumerate(areas)}
    links = [
        [(0, index_of[a], 0) for a in sorted(index_of) if deciles.get(a) == d]
        + [(names.index("deprivation"), d - 1, 0)]
        for d in range(1, 11)
    ]
    marks = suppress_linked([[[r] for r in responded[name]] for name in names], links)
    return {
        name: _rows(groups[name], responded[name], marks[g], population)
        for g, name in enumerate(names)
    }


def _rows(spec, responded, marks, population) -> list[ReachRow]:
    people = [sum(n for k, n in population.items() if match(k)) or None for _, match in spec]
    known = [(r, p) for r, p in zip(responded, people, strict=True) if p]
    all_responded = sum(r for r, _ in known) or 0
    all_people = sum(p for _, p in known) or 0
    table = marked_table(
        [(i, "") for i in range(len(spec))], [(0, "")], [[r] for r in responded], marks
    )
    out = []
    for (label, _), cell, r, p in zip(
        spec, (row[0] for row in table.cells), responded, people, strict=True
    ):
        index = None
        if p and all_responded and all_people:
            index = (r / all_responded) / (p / all_people)
        rate = f"{1000 * r / p:.1f}" if p and not cell.hidden else ("not shown" if p else "")
        # Compared unrounded: 0.797 is under-represented although it is shown as 0.80.
        shown = None if cell.hidden or index is None else round(index, 2)
        out.append(ReachRow(label, cell.text, p, rate, shown, _status(index, p)))
    return out


def _status(index: float | None, population: int | None) -> str:
    if not population:
        return "No population figure"
    if index is None:
        return "No respondents yet"
    return "Under-represented" if index < UNDER else "Fair share or more"


def has_baselines(consultation: Consultation) -> bool:
    ids = [a.id for a in consultation.areas]
    return bool(ids) and bool(
        db.session.scalar(select(func.count()).where(PopulationBaseline.area_id.in_(ids)))
    )
