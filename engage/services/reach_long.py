"""Population files with a row for each area, sex and age, or for each area and sex with a
column for each age, added up into all persons' bands.

The Census 2021 custom datasets and the ONS's newer downloads are "long": a row for each area,
sex and age ("Sex (2 categories)": "Female", "Age (101 categories)": "Aged 30 years",
"Observation": 41), and the platform's own columns may come with a sex column beside them. The
sexes are added together, whether named ("Female", "F") or numbered (1 and 2, in whichever
order the source numbers them), and the ages are read by the rules of a file with a column for
each age (engage/services/reach_ages.py), the ages' names taking the columns' place: a band
across two of the platform's is refused, as is a file of one sex (its population is not
everyone's), one holding rows for all persons beside the sexes' (they would be counted twice),
and one where an area lacks a row that the others have. Rows of totals ("Total", "All ages")
are passed over.

The ONS tables with a "Sex" column beside a column for each age ("code, sex, 0 … 90+") are
read by the same rules: each row's ages added up into the bands as a file of everyone's is,
then the sexes added together.
"""

from dataclasses import dataclass, field

from engage.models import AGE_BANDS, Area
from engage.services.reach_ages import OneSexError, age_columns, bands, listed, quoted, words
from engage.services.reach_columns import Layout, add_up, whole

_FEMALE, _MALE = {"f", "female", "females"}, {"m", "male", "males"}
_PERSONS = {"all persons", "persons", "people", "everyone", "all", "total"}
_NOT_A_SEX = "the sex column must say female or male (or number them 1 and 2)"
_SEX_WORDS = {"f": "females", "m": "males"}


def _sex(value: str) -> str | None:
    """ "f", "m", "1" or "2" for a sex, "" for all persons, None for neither."""
    lowered = value.strip().lower()
    if lowered in _FEMALE or lowered in _MALE:
        return lowered[0]
    if lowered in ("1", "2"):
        return lowered
    return "" if lowered in _PERSONS else None


@dataclass
class _Rows:
    """The rows read: each sex's first name, each age's name, and each area's people."""

    sexes: dict[str, str] = field(default_factory=dict)  # "f": "Female"
    ages: dict[str, int] = field(default_factory=dict)  # "Aged 30 years": its number
    first: list[int] = field(default_factory=list)  # each age's first row
    people: dict[tuple[Area, str, int], int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, number: int, area: Area, figures: dict[str, list[str]]) -> None:
        """A row's people, or its problems."""
        (age,), (value,) = figures["age"], figures["population"]
        sex_name = figures.get("sex", ["all persons"])[0]
        sex, people = _sex(sex_name), whole(value, 0, 10_000_000)
        if words(age) & {"all", "total"}:
            return  # a total of the ages, not an age
        if sex is None:
            self.problems.append(f"row {number}: {quoted(sex_name)} is not a sex: {_NOT_A_SEX}")
        if people is None:
            self.problems.append(f"row {number}: the population must be a whole number, 0 or more")
        if age not in self.ages:
            self.ages[age] = len(self.first)
            self.first.append(number)
        key = (area, sex or "", self.ages[age])
        if key in self.people:
            said = f"{quoted(sex_name)}, " if "sex" in figures else ""
            self.problems.append(
                f"row {number}: {area.name}, {said}{quoted(age)} is in the file twice"
            )
        if sex is not None and people is not None:
            self.sexes.setdefault(sex, sex_name)
            self.people[key] = people


def add_up_long(layout: Layout, rows: list, areas: dict[str, Area]):
    """Each area's population of each band, (area id, band): people, and the problems."""
    found = _Rows()
    for number, code, figures in rows:
        found.add(number, areas[code.upper()], figures)
    if found.problems:
        return {}, found.problems
    problems = _one_way(layout, found.sexes)
    band_of = _platform_bands(found) or _bands_of(layout, found, problems)
    problems += [] if problems else _missing(found)
    if problems:
        return {}, problems
    populations: dict[tuple[int, str], int] = {}
    for (area, _, age), people in found.people.items():
        key = (area.id, band_of[age])
        populations[key] = populations.get(key, 0) + people
    return populations, []


def _platform_bands(found: _Rows) -> dict[int, str] | None:
    """Each age's band, if every age is named as one of the platform's bands ("16_24", "16 to
    24"): such a file, as the platform's own, may hold some of the bands only."""
    named = {label.lower(): band for band, label in AGE_BANDS.items() if band != "prefer_not"}
    named |= {band: band for band in named.values()}
    band_of = {i: named.get(name.strip().lower(), "") for i, name in enumerate(found.ages)}
    return band_of if band_of and all(band_of.values()) else None


def _bands_of(layout: Layout, found: _Rows, problems: list[str]) -> dict[int, str]:
    """Each age's band, by the rules of a file with a column for each age."""
    names = list(found.ages)
    groups = age_columns(names)
    if set(groups) != {""}:
        problems.append(_no_ages(layout, names))
        return {}
    problems += _not_ages(found, names, groups[""].spans.values())
    columns, _ = bands(names, groups, problems, unit="row")
    return {age: band for band, ages in columns.items() for age in ages}


def _one_way(layout: Layout, sexes: dict[str, str]) -> list[str]:
    """Refuse a file of one sex; the problem of one of all persons and the sexes."""
    (column,) = layout.columns.get("sex", [None])
    if column is None:
        return []
    sex_column = quoted(layout.header[column])
    if len(sexes) == 1 and "" not in sexes:
        ((sex, name),) = sexes.items()
        said = f"its {sex_column} column says {quoted(name)} on every row"
        raise OneSexError(_SEX_WORDS.get(sex, "one sex"), said, both="rows")
    if "" in sexes and len(sexes) > 1:
        one = next(name for sex, name in sexes.items() if sex)
        return [
            f"its {sex_column} column holds both all persons ({quoted(sexes[''])}) and each sex "
            f"({quoted(one)}): keep one"
        ]
    return []


def _not_ages(found: _Rows, names: list[str], read) -> list[str]:
    """The first row of each age's name that names no age."""
    read = set(read)
    return [
        f"row {found.first[i]}: {quoted(name)} is not an age"
        for i, name in enumerate(names)
        if i not in read
    ]


def _no_ages(layout: Layout, names: list[str]) -> str:
    (age,) = layout.columns["age"]
    found = f" (it holds {listed(names, list(range(len(names))), 3)})" if names else ""
    return (
        f"the column {quoted(layout.header[age])} names no age{found}: each row must name a year "
        "of age (“30”, “Aged 30 years”, “90+”) or a band of ages (“25-29”, “16 to 24”)"
    )


def _missing(found: _Rows) -> list[str]:
    """Each area lacking a row for an age and sex that the file has."""
    problems, names = [], list(found.ages)
    for area in dict.fromkeys(area for area, _, _ in found.people):
        lacking: dict[int, list[str]] = {}
        for age in range(len(names)):
            for sex, sex_name in found.sexes.items():
                if (area, sex, age) not in found.people:
                    lacking.setdefault(age, []).append(quoted(sex_name) if sex else "")
        if lacking:
            problems.append(f"{area.name} has no row for {_lacking(lacking, names)}")
    return problems


def _lacking(lacking: dict[int, list[str]], names: list[str]) -> str:
    told = [
        quoted(names[age]) + (f" ({', '.join(sexes)})" if any(sexes) else "")
        for age, sexes in list(lacking.items())[:3]
    ]
    more = f" and {len(lacking) - 3} more ages" if len(lacking) > 3 else ""
    return ", ".join(told) + more + ": each area needs a row for each age the file has"


@dataclass
class _AreaSexes:
    """The rows read of a file with a row an area and sex: each sex's first name, and each
    area and sex's people by band."""

    names: dict[str, str] = field(default_factory=dict)  # "f": "Female"
    people: dict[tuple[Area, str], dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, number: int, area: Area, layout: Layout, figures: dict[str, list[str]]):
        """A row's people by band, or its problems."""
        (name,) = figures["sex"]
        sex = _sex(name)
        populations, problems = add_up(layout, figures)
        if sex is None:
            problems.insert(0, f"{quoted(name)} is not a sex: {_NOT_A_SEX}")
        elif (area, sex) in self.people:
            problems.append(f"{area.name}, {quoted(name)} is in the file twice")
        self.problems += [f"row {number}: {problem}" for problem in problems]
        if sex is not None and not problems:
            self.names.setdefault(sex, name)
            self.people[(area, sex)] = populations


def add_up_by_sex(layout: Layout, rows: list, areas: dict[str, Area]):
    """A row an area and sex, a column for each age: each area's population of each band, the
    sexes added together, (area id, band): people, and the problems."""
    found = _AreaSexes()
    for number, code, figures in rows:
        found.add(number, areas[code.upper()], layout, figures)
    if found.problems:
        return {}, found.problems
    problems = _one_way(layout, found.names) or _without_a_sex(found)
    if problems:
        return {}, problems
    populations: dict[tuple[int, str], int] = {}
    for (area, _), by_band in found.people.items():
        for band, people in by_band.items():
            populations[(area.id, band)] = populations.get((area.id, band), 0) + people
    return populations, []


def _without_a_sex(found: _AreaSexes) -> list[str]:
    """Each area lacking a row for a sex that the file has."""
    problems = []
    for area in dict.fromkeys(area for area, _ in found.people):
        lacking = [
            quoted(name) for sex, name in found.names.items() if (area, sex) not in found.people
        ]
        if lacking:
            problems.append(
                f"{area.name} has no row for {', '.join(lacking)}: each area needs a row for each "
                "sex the file has"
            )
    return problems
