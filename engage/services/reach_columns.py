"""Which columns of a reach file hold what, found by their names.

Besides the platform's own layouts (area_code, age_band, population; area_code, decile) the
reach page reads files as the national sources publish them: the ONS mid-year estimates, a row
an area with a column for each year of age ("0" … "90+"), or for each sex and year ("F0" …
"M90"), added up here into the platform's age bands; and the English Indices of Deprivation,
whose overall decile sits among the domains' ranks, scores and deciles. A name that could be
read two ways is refused, never guessed, and the columns read are told.
"""

import re
from dataclasses import dataclass

from engage.errors import ReachImportError
from engage.models import AGE_BANDS
from engage.numbers import whole_number

# Each band's youngest age; "75_plus" takes in the oldest column ("90+") too.
BAND_STARTS = {
    "under_16": 0,
    "16_24": 16,
    "25_34": 25,
    "35_44": 35,
    "45_54": 45,
    "55_64": 55,
    "65_74": 65,
    "75_plus": 75,
}
# ONS's newer files end with "F90" and "M90", which hold everyone aged 90 or over: a last
# column without "+" is taken as such only from this age, or the file is refused as cut short.
OLDEST = 90
OLDEST_BAND_START = BAND_STARTS["75_plus"]

CODES = (
    "a column named “area_code” or “code”, or one with “code” in its name (such as "
    "“Ward 2023 Code” or “LSOA code (2021)”)"
)
DECILES = (
    "a column named “decile”, or one with “decile” and “Index of Multiple Deprivation” or “IMD” "
    "in its name (such as “Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived "
    "10% of LSOAs)”)"
)
AGES = (
    "the first row must name the columns area_code, age_band, population, or a column of area "
    "codes and one for each year of age, as the ONS mid-year estimates do (“0”, “1” … “90+”, or "
    "“F0” … “F90” and “M0” … “M90”)"
)
_EXACT_CODES = ("area_code", "area code", "code")
# Words naming areas larger than a ward or an LSOA, from the smallest: national files name the
# district (and more) each small area is in, and the smallest areas named are the rows' own.
_LARGER = (
    {"msoa", "middle"},
    {"lad", "ltla", "la", "authority", "district", "borough"},
    {"utla", "cty", "county", "icb", "constituency", "pcon"},
    {"rgn", "region", "ctry", "country", "nation"},
)
_AGE = re.compile(
    r"(?:(?P<sex>f|m|females?|males?)[\s_:.-]*)?(?:aged?[\s_:.-]*)?(?P<age>\d{1,3})"
    r"(?:\s*years?)?(?P<over>\s*\+|\s*plus|\s+(?:and|or)\s+(?:over|older))?"
)
_SEXES = {"": "", "f": "female ", "m": "male "}
_UP_TO = f"the file needs a column for each age up to {OLDEST_BAND_START - 1}, then older ones"


@dataclass(frozen=True)
class Layout:
    """Where a file's figures are: its area codes' column, and each figure's columns."""

    header: list[str]
    code: int
    columns: dict[str, list[int]]  # a band's single years of age are added up
    wide: bool = False  # a row an area, a column an age (else a row an area and age band)
    read: str = ""  # the columns read, said when they are not the platform's own names


def quoted(name: str) -> str:
    return f"“{name if len(name) <= 90 else name[:89] + '…'}”"


def _listed(header: list[str], columns: list[int], most: int = 4) -> str:
    names = [quoted(header[i]) for i in columns[:most]]
    more = len(columns) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


def _words(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.lower()))  # "LSOA21CD" gives "lsoa" and "cd"


def code_rank(name: str) -> int | None:
    """How likely a column holds the rows' area codes: 0 named as the platform does, 1 a small
    area's code, more for larger areas' codes; None if it holds no codes."""
    lowered = name.strip().lower()
    if lowered in _EXACT_CODES:
        return 0
    words = _words(lowered)
    if len(lowered) > 60 or not ("code" in words or re.fullmatch(r"[a-z]+\d*cd", lowered)):
        return None
    return next((rank for rank, tier in enumerate(_LARGER, 2) if words & tier), 1)


def _best(header: list[str], rank, what: str, rename: str, problems: list[str]) -> int | None:
    """The column ranked first; None if none is, or with a problem if two are."""
    ranked = [(r, i) for i, name in enumerate(header) if (r := rank(name)) is not None]
    if not ranked:
        return None
    first = min(r for r, _ in ranked)
    best = [i for r, i in ranked if r == first]
    if len(best) > 1:
        problems.append(
            f"it has {len(best)} columns that could be the {what}, {_listed(header, best)}: "
            f"delete the ones not wanted, or rename the one to read “{rename}”"
        )
        return None
    return best[0]


def _code_column(header: list[str], problems: list[str]) -> int | None:
    code = _best(header, code_rank, "area codes", "area_code", problems)
    if code is None and not problems:
        problems.append(f"no column of area codes was found: the first row must name {CODES}")
    return code


def _decile_rank(name: str) -> int | None:
    lowered = name.strip().lower()
    if lowered == "decile":
        return 0
    words = _words(lowered)
    overall = "imd" in words or "index of multiple deprivation" in lowered
    return 1 if "decile" in words and overall else None


def _read_from(header: list[str], code: int, more: str = "") -> str:
    """Which columns were read, said unless they are the platform's own."""
    if header[code].lower() == "area_code" and not more:
        return ""
    return f"area codes from {quoted(header[code])}" + (f" and {more}" if more else "")


def deprivation_layout(header: list[str]) -> Layout:
    """Area codes and the overall deprivation decile (not a domain's)."""
    problems: list[str] = []
    code = _code_column(header, problems)
    found: list[str] = []
    decile = _best(header, _decile_rank, "deprivation decile", "decile", found)
    if decile is None and not found:
        others = [i for i, name in enumerate(header) if "decile" in _words(name)]
        domains = f"; {_listed(header, others, 2)} are domains’ deciles" if others else ""
        found.append(f"no deprivation decile column was found: the first row must name {DECILES}")
        found[-1] += domains
    problems += found
    if problems or code is None or decile is None:  # each missing column is a problem said
        raise ReachImportError(problems)
    more = f"deciles from {quoted(header[decile])}"
    simple = [header[code].lower(), header[decile].lower()] == ["area_code", "decile"]
    read = "" if simple else _read_from(header, code, more)
    return Layout(header, code, {"decile": [decile]}, read=read)


def population_layout(header: list[str]) -> Layout:
    """Area codes with age bands and populations, or a column for each year of age."""
    names = [name.lower() for name in header]
    problems: list[str] = []
    if "age_band" in names and "population" in names:
        columns = {"age_band": [names.index("age_band")], "population": [names.index("population")]}
        code = _code_column(header, problems)
        if problems:
            raise ReachImportError(problems)
        return Layout(header, code, columns, read=_read_from(header, code))
    groups = _age_columns(header)
    if not groups:
        raise ReachImportError([AGES])
    code = _code_column(header, problems)
    bands, ages = _bands(header, groups, problems)
    if problems:
        raise ReachImportError(problems)
    return Layout(header, code, bands, wide=True, read=_read_from(header, code, ages))


@dataclass
class _Ages:
    """One set of single-year columns: everyone's, or one sex's."""

    single: dict[int, int]  # age: column
    over: dict[int, int]  # "90+": {90: column}
    twice: list[str]


def _age_columns(header: list[str]) -> dict[str, _Ages]:
    groups: dict[str, _Ages] = {}
    for i, name in enumerate(header):
        match = _AGE.fullmatch(name.strip().lower())
        if not match:
            continue
        ages = groups.setdefault((match["sex"] or "")[:1], _Ages({}, {}, []))
        kind, age = ages.over if match["over"] else ages.single, int(match["age"])
        if age in kind:
            ages.twice.append(f"{quoted(header[kind[age]])} and {quoted(name)} are both age {age}")
        kind[age] = i
    return groups


def _bands(header: list[str], groups: dict[str, _Ages], problems: list[str]):
    """Each band's columns, and which were read; or problems naming what is missing."""
    if "" in groups and len(groups) > 1:
        problems.append(
            "it has age columns both for everyone (such as “0”) and by sex (such as “F0”): "
            "keep one set"
        )
        return {}, ""
    if len(groups) == 1 and "" not in groups:
        (sex,) = groups
        problems.append(
            f"it has only {_SEXES[sex]}age columns: the population is everyone’s, so import the "
            "file for all persons, or one with columns for both sexes (“F0” … and “M0” …)"
        )
        return {}, ""
    bands: dict[str, list[int]] = {band: [] for band in BAND_STARTS}
    read = []
    for sex, ages in sorted(groups.items()):
        top = _top(header, sex, ages, problems)
        if top is None:
            continue
        for age, column in [*ages.single.items(), *ages.over.items()]:
            bands[_band_of(age)].append(column)
        first = quoted(header[ages.single[0]])
        read.append(f"{first} to {quoted(header[top])}")
    told = "ages from " + " and ".join(read)
    return bands, told + (", females’ and males’ added together" if len(read) > 1 else "")


def _top(header: list[str], sex: str, ages: _Ages, problems: list[str]) -> int | None:
    """The oldest ages' column ("90+"), if the set has it and a column for each younger age;
    else None, with the problems."""
    found, who = len(problems), _SEXES[sex]
    problems += ages.twice
    columns = ages.over or ages.single
    oldest = max(columns)
    if len(ages.over) > 1:
        problems.append(
            f"more than one column is for the oldest {who}ages: "
            + _listed(header, list(ages.over.values()))
        )
    top = quoted(header[columns[oldest]])
    if ages.over and oldest < OLDEST_BAND_START:
        problems.append(f"{top} takes in people of more than one age band: {_UP_TO}")
    elif not ages.over and oldest < OLDEST:
        such = f"{sex.upper()}{OLDEST}" + ("" if sex else "+")
        problems.append(
            f"there is no column for the oldest {who}ages (such as “{such}”): the oldest is {top}"
        )
    later = [c for age, c in ages.single.items() if ages.over and age >= oldest]
    if later:
        problems.append(f"{top} already takes in the ages of {_listed(header, later)}")
    missing = [age for age in range(oldest) if age not in ages.single]
    if missing:
        problems.append(
            f"the {who}age columns are incomplete: there is no column for {_ranges(missing, who)}"
        )
    return None if len(problems) > found else columns[oldest]


def _band_of(age: int) -> str:
    return [band for band, start in BAND_STARTS.items() if start <= age][-1]


def _ranges(ages: list[int], who: str) -> str:
    """ "age 17 (16 to 24), ages 60 to 62 (55 to 64)": missing ages, by band."""
    runs: list[list[int]] = []
    for age in ages:
        if runs and runs[-1][-1] == age - 1 and _band_of(runs[-1][0]) == _band_of(age):
            runs[-1].append(age)
        else:
            runs.append([age])
    named = [
        (f"{who}age {run[0]}" if len(run) == 1 else f"{who}ages {run[0]} to {run[-1]}")
        + f" ({AGE_BANDS[_band_of(run[0])]})"
        for run in runs
    ]
    return ", ".join(named[:6]) + (f" and {len(named) - 6} more" if len(named) > 6 else "")


def whole(value: str, low: int, high: int) -> int | None:
    """A figure as a whole number, with or without thousands separators ("12,345")."""
    return whole_number(value.replace(",", ""), low, high)


def add_up(layout: Layout, figures: dict[str, list[str]]) -> tuple[dict[str, int], list[int]]:
    """A wide row's population of each band, and the columns whose values are not whole."""
    sums, wrong = {}, []
    for band, values in figures.items():
        numbers = [whole(value, 0, 10_000_000) for value in values]
        wrong += [c for c, n in zip(layout.columns[band], numbers, strict=True) if n is None]
        sums[band] = sum(n for n in numbers if n is not None)
    return sums, wrong
