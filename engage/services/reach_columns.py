"""Which columns of a reach file hold what, found by their names.

Besides the platform's own layouts (area_code, age_band, population; area_code, decile) the reach
page reads files as the national sources publish them: the ONS mid-year estimates, a row an area
with a column for each year of age ("0" … "90+"), or for each sex and year ("F0" … "M90"), or a row
an area and sex beside a "Sex" column ("code, sex, 0 … 90+"), and the Census 2021 and ONS tables by
five-year age band ("Aged 4 years and under", "Aged 5 to 9 years" … "Aged 85 years and over", or
"0-4" … "85+"), added up into the platform's age bands (engage/services/reach_ages.py: a band across
two of the platform's, such as "Aged 15 to 19 years", is refused, not split, and a file of one sex
is refused); files with a row for each area, sex and age, as the Census 2021 custom datasets are
saved (a "Sex (2 categories)", an "Age (101 categories)" and an "Observation" column), added up by
the same rules (engage/services/reach_long.py); and the English Indices of Deprivation, whose
overall decile sits among the domains' ranks, scores and deciles. A name that could be read two ways
is refused, never guessed, and the columns read are told.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engage.errors import ReachImportError
from engage.numbers import whole_number
from engage.services.reach_ages import age_columns, bands, listed, one_sex, quoted, words

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
    "“F0” … “F90” and “M0” … “M90”), or for each band of ages (“0-4”, “5-9” … “85+”)"
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


@dataclass(frozen=True)
class Layout:
    """Where a file's figures are: its area codes' column, and each figure's columns."""

    header: list[str]
    code: int
    columns: dict[str, list[int]]  # a band's age columns are added up
    wide: bool = False  # a row an area, a column an age (else a row an area and age band)
    long: bool = False  # a row an area, sex and age, or an area and age
    read: str = ""  # the columns read, said when they are not the platform's own names


def code_rank(name: str) -> int | None:
    """How likely a column holds the rows' area codes: 0 named as the platform does, 1 a small
    area's code, more for larger areas' codes; None if it holds no codes."""
    lowered = name.strip().lower()
    if lowered in _EXACT_CODES:
        return 0
    named = words(lowered)
    if len(lowered) > 60 or not ("code" in named or re.fullmatch(r"[a-z]+\d*cd", lowered)):
        return None
    return next((rank for rank, tier in enumerate(_LARGER, 2) if named & tier), 1)


def _best(header: list[str], rank, what: str, rename: str, problems: list[str]) -> int | None:
    """The column ranked first; None if none is, or with a problem if two are."""
    ranked = [(r, i) for i, name in enumerate(header) if (r := rank(name)) is not None]
    if not ranked:
        return None
    first = min(r for r, _ in ranked)
    best = [i for r, i in ranked if r == first]
    if len(best) > 1:
        problems.append(
            f"it has {len(best)} columns that could be the {what}, {listed(header, best)}: "
            f"delete the ones not wanted, or rename the one to read “{rename}”"
        )
        return None
    return best[0]


def _code_column(header: list[str], problems: list[str], rank=code_rank) -> int | None:
    code = _best(header, rank, "area codes", "area_code", problems)
    if code is None and not problems:
        problems.append(f"no column of area codes was found: the first row must name {CODES}")
    return code


def _decile_rank(name: str) -> int | None:
    lowered = name.strip().lower()
    if lowered == "decile":
        return 0
    named = words(lowered)
    overall = "imd" in named or "index of multiple deprivation" in lowered
    return 1 if "decile" in named and overall else None


def _read_from(header: list[str], code: int, more: str = "") -> str:
    """Which columns were read, said unless they are the platform's own."""
    if header[code].lower() == "area_code" and not more:
        return ""
    return f"area codes from {quoted(header[code])}" + (f" and {more}" if more else "")


def deprivation_layout(header: list[str], titles: Sequence[str] = ()) -> Layout:
    """Area codes and the overall deprivation decile (not a domain's)."""
    problems: list[str] = []
    code = _code_column(header, problems)
    found: list[str] = []
    decile = _best(header, _decile_rank, "deprivation decile", "decile", found)
    if decile is None and not found:
        others = [i for i, name in enumerate(header) if "decile" in words(name)]
        domains = f"; {listed(header, others, 2)} are domains’ deciles" if others else ""
        found.append(f"no deprivation decile column was found: the first row must name {DECILES}")
        found[-1] += domains
    problems += found
    if problems or code is None or decile is None:  # each missing column is a problem said
        raise ReachImportError(problems)
    more = f"deciles from {quoted(header[decile])}"
    simple = [header[code].lower(), header[decile].lower()] == ["area_code", "decile"]
    read = "" if simple else _read_from(header, code, more)
    return Layout(header, code, {"decile": [decile]}, read=read)


def population_layout(header: list[str], titles: Sequence[str] = ()) -> Layout:
    """Area codes with age bands and populations, or a column for each age or band of ages;
    refused if the titles (the rows above the column names, the sheet's name) name one sex."""
    names = [name.lower() for name in header]
    problems: list[str] = []
    if sex := one_sex(list(titles)):
        raise sex
    if long := _long_layout(header):
        return long
    if "age_band" in names and "population" in names:
        columns = {"age_band": [names.index("age_band")], "population": [names.index("population")]}
        code = _code_column(header, problems)
        if problems:
            raise ReachImportError(problems)
        return Layout(header, code, columns, read=_read_from(header, code))
    groups = age_columns(header)
    if not groups:
        raise ReachImportError([AGES])
    return _wide_layout(header, groups)


def _wide_layout(header: list[str], groups: dict) -> Layout:
    """A row an area, or an area and sex ("code, sex, 0 … 90+"), with a column for each age."""
    problems: list[str] = []
    sex = _sex_beside_ages(header, groups, problems)
    code = _code_column(header, problems, code_rank if sex is None else _not_sex_or_age)
    columns, ages = bands(header, groups, problems)
    if problems:
        raise ReachImportError(problems)
    if sex is not None:
        columns["sex"] = [sex]
        ages += f", the sexes in {quoted(header[sex])} added together"
    return Layout(header, code, columns, wide=True, read=_read_from(header, code, ages))


def _sex_beside_ages(header: list[str], groups: dict, problems: list[str]) -> int | None:
    """The column of sexes beside everyone's age columns, if there is one; a column named by
    sex and age, as the census's are ("Sex: All persons; Age: Total"), is not one."""
    if set(groups) != {""}:
        return None  # the sexes are in the age columns ("F0" … "M90")

    def rank(name: str) -> int | None:
        return None if words(name) & {"age", "aged", "ages"} else _SEX_COLUMN(name)

    return _best(header, rank, "sexes", "sex", problems)


def _named(exact: set[str], named: set[str], coded: bool = True):
    """A rank of columns: 0 named exactly, 1 with a word of `named` in its name, 2 if it holds
    those values' codes ("Sex (2 categories) Code" beside "Sex (2 categories)") and `coded`."""

    def rank(name: str) -> int | None:
        lowered = name.strip().lower()
        if lowered in exact:
            return 0
        found = words(lowered)
        if len(lowered) > 60 or not found & named:
            return None
        if "code" not in found:
            return 1
        return 2 if coded else None

    return rank


_SEX_COLUMN = _named({"sex", "gender"}, {"sex", "gender"})
# An age's code is the number of its category ("Age (18 categories) Code": 1 to 18), not an age.
_AGE_COLUMN = _named({"age", "age_band", "age band", "age group"}, {"age"}, coded=False)
_PEOPLE = {"population", "observation", "observations", "count", "value", "obs_value"}
_PEOPLE_COLUMN = _named(_PEOPLE | {"people", "persons"}, _PEOPLE)


def _not_sex_or_age(name: str) -> int | None:
    return None if words(name) & {"sex", "gender", "age"} else code_rank(name)


def _long_layout(header: list[str]) -> Layout | None:
    """A row an area, sex and age, or an area and age named other than by the platform's
    age_band (a row for each age of all persons); None if the columns are not so, as a file
    with a column for each age's are not."""
    problems: list[str] = []
    sex = _best(header, _SEX_COLUMN, "sexes", "sex", problems)
    age = _best(header, _AGE_COLUMN, "ages", "age", problems)
    if age_columns(header) or (sex is None and (age is None or header[age] == "age_band")):
        return None
    people = _best(header, _PEOPLE_COLUMN, "populations", "population", problems)
    code = _code_column(header, problems, _not_sex_or_age)
    beside = quoted(header[sex if sex is not None else age or 0])
    for column, what, rename in ((age, "ages", "age"), (people, "populations", "population")):
        if column is None and not problems:
            problems.append(
                f"it has a column {beside} but none of {what}: name the one that holds them "
                f"“{rename}”"
            )
    if problems or code is None or age is None or people is None:
        raise ReachImportError(problems)
    columns = {"age": [age], "population": [people]} | ({"sex": [sex]} if sex is not None else {})
    return Layout(header, code, columns, long=True, read=_long_read(header, code, columns))


def _long_read(header: list[str], code: int, columns: dict[str, list[int]]) -> str:
    (age,), (people,) = columns["age"], columns["population"]
    sexes = (
        f", the sexes in {quoted(header[columns['sex'][0]])} added together,"
        if "sex" in (columns)
        else ""
    )
    more = f"ages from {quoted(header[age])}{sexes} and people from {quoted(header[people])}"
    return f"area codes from {quoted(header[code])}, {more}"


def whole(value: str, low: int, high: int) -> int | None:
    """A figure as a whole number, with or without thousands separators ("12,345")."""
    return whole_number(value.replace(",", ""), low, high)


def add_up(layout: Layout, figures: dict[str, list[str]]) -> tuple[dict[str, int], list[str]]:
    """A wide row's population of each band, or the problem of its values that are not whole."""
    sums, wrong = {}, []
    for band, values in figures.items():
        if band == "sex":
            continue
        numbers = [whole(value, 0, 10_000_000) for value in values]
        wrong += [c for c, n in zip(layout.columns[band], numbers, strict=True) if n is None]
        sums[band] = sum(n for n in numbers if n is not None)
    if not wrong:
        return sums, []
    more = len(wrong) - 1
    others = f" (and {more:,} more column{'s' if more > 1 else ''})" if more else ""
    column = quoted(layout.header[wrong[0]])
    return sums, [f"the population must be a whole number, 0 or more, in {column}{others}"]
