"""Reach: who took part against who lives in each area.

Population baselines (people by area and age band, census-style) and each area's deprivation
decile are imported from CSV or XLSX files. A group's representation index is its share of the
respondents divided by its share of the population: 1 is a fair share, below 0.8 is reported
as under-represented, so officers can go where the consultation has not reached.
Respondents are submissions (a form or card) with at least one published entry; counts under
10 are hidden as in the breakdowns.
"""

from dataclasses import dataclass

from sqlalchemy import delete, exists, func, or_, select

from engage.errors import ReachImportError
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
from engage.services.breakdowns import marked_table, suppress_linked
from engage.services.reach_columns import add_up, deprivation_layout, population_layout, whole
from engage.services.reach_files import read_rows
from engage.services.reach_long import add_up_by_sex, add_up_long

UNDER = 0.8


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
    """What an import saved, how many rows it passed over as other areas', and which columns
    it read when they were not the platform's own."""

    what: str  # "population" or "deprivation decile"
    areas: int
    skipped: int
    read: str = ""

    @property
    def summary(self) -> str:
        saved = f"Saved the {self.what} of {_count(self.areas, 'area')}"
        if self.skipped:
            rows = "1 row for an area" if self.skipped == 1 else f"{self.skipped:,} rows for areas"
            saved += f"; skipped {rows} outside this partnership"
        return f"{saved}. {self.read}" if self.read else saved


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _areas() -> dict[str, Area]:
    return {a.code.upper(): a for a in db.session.scalars(select(Area))}


def _band(value: str) -> str | None:
    lowered = value.lower()
    for key, label in AGE_BANDS.items():
        if lowered in (key, label.lower()):
            return key
    return None


def import_baselines(data: bytes) -> ReachImport:
    """Population by area and age band: columns area_code, age_band, population, a row an area
    with a column for each year of age (the ONS mid-year estimates), a row an area and sex with
    a column for each age, or a row an area, sex and age (the census's custom datasets), added
    up into all persons' bands.
    Replaces the baselines of the areas in the file; rows of areas the platform does not have
    are passed over, and nothing is saved unless every row of its areas is right."""
    areas = _areas()
    file = read_rows(data, population_layout, set(areas))
    if file.layout.long:
        found, problems = add_up_long(file.layout, file.rows, areas)
    elif "sex" in file.layout.columns:
        found, problems = add_up_by_sex(file.layout, file.rows, areas)
    else:
        found, problems = _by_rows(file.layout, file.rows, areas)
    if problems:
        raise ReachImportError(problems)
    area_ids = {a for a, _ in found}
    db.session.execute(delete(PopulationBaseline).where(PopulationBaseline.area_id.in_(area_ids)))
    db.session.add_all(
        PopulationBaseline(area_id=a, age_band=b, population=n) for (a, b), n in found.items()
    )
    db.session.flush()
    return ReachImport("population", len(area_ids), file.outside, file.read)


def _by_rows(layout, rows: list, areas: dict[str, Area]) -> tuple[dict, list[str]]:
    """A row an area and age band, or an area with a column for each age: the bands'
    populations, (area id, band): people, and the rows' problems."""
    by_row = _by_ages if layout.wide else _by_band
    found: dict[tuple[int, str], int] = {}
    problems: list[str] = []
    for number, code, figures in rows:
        area = areas[code.upper()]
        problems += [f"row {number}: {p}" for p in by_row(layout, area, figures, found)]
    return found, problems


def _by_band(layout, area: Area, figures: dict[str, list[str]], found: dict) -> list[str]:
    """A row of one area and age band: its problems, or its population kept in `found`."""
    (value,), (people,) = figures["age_band"], figures["population"]
    band, population, problems = _band(value), whole(people, 0, 10_000_000), []
    if band is None:
        problems.append(f"“{value}” is not an age band")
    if population is None:
        problems.append("the population must be a whole number, 0 or more")
    if band and (area.id, band) in found:
        problems.append(f"{area.name}, {AGE_BANDS[band]} is in the file twice")
    if band and population is not None:
        found[(area.id, band)] = population
    return problems


def _by_ages(layout, area: Area, figures: dict[str, list[str]], found: dict) -> list[str]:
    """A row of one area, a column for each year of age: its bands' populations, added up."""
    populations, problems = add_up(layout, figures)
    if (area.id, "under_16") in found:
        problems.append(f"{area.name} is in the file twice")
    found.update(((area.id, band), n) for band, n in populations.items())
    return problems


def import_deprivation(data: bytes) -> ReachImport:
    """Each area's deprivation decile (1 = most deprived): columns area_code, decile, or the
    English Indices of Deprivation's code and overall decile columns; rows of areas the
    platform does not have are passed over."""
    areas, problems, found = _areas(), [], {}
    file = read_rows(data, deprivation_layout, set(areas))
    for number, code, figures in file.rows:
        area = areas[code.upper()]
        decile = whole(figures["decile"][0], 1, 10)
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
    return ReachImport("deprivation decile", len(found), file.outside, file.read)


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
