"""A population file's age columns, added up into the platform's age bands.

A column holds one year of age ("0", "Age 30", "F30"), the oldest ages ("90+", "Aged 85 years
and over"), or a band of years ("0-4", "Aged 5 to 9 years", "Aged 4 years and under", as the
Census 2021 and many ONS tables publish them, "; measures: Value" after it or not). A column of
one sex says so first ("F30", "Males 30", "Sex: Female; Age: Aged 5 to 9 years"). Every age
younger than the oldest column must be in exactly one column.

A band that lies within one of the platform's bands is added to it. A band across two of them
(the census's "Aged 15 to 19 years" holds age 15, under 16, and 16 to 19, 16 to 24) is refused,
naming the column: its people are not shared out by a rule. The reach page sets each band's
respondents against its people, and how a band's people spread over its years is local (a ward
with a college or a university has far more 18 and 19 year olds than 15 year olds), so an even
split could move hundreds of people between the under 16s and the 16 to 24s unseen. The tables
by single year of age (the ONS mid-year estimates, the census's) are read instead.

The population is everyone's: a file of one sex is refused, whether its age columns are one
sex's ("F0" … "F90" alone) or its title or sheet names females or males alone ("Mid-2020
Females").
"""

import re
from dataclasses import dataclass

from engage.errors import ReachImportError
from engage.models import AGE_BANDS

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

_AGE = re.compile(
    r"(?:sex[\s:]*)?(?:(?P<all>all persons|persons|people)|(?P<sex>f|m|females?|males?))?"
    r"[\s_:;.-]*(?:age[\s_:;.-]*)?(?:aged?[\s_:.-]*)?"
    r"(?:under\s*(?P<below>\d{1,3})(?:\s*years?)?"
    r"|(?P<upto>\d{1,3})(?:\s*years?)?\s+(?:and|or)\s+(?:under|younger)"
    r"|(?P<age>\d{1,3})(?:\s*(?:-|–|to)\s*(?P<to>\d{1,3}))?(?:\s*years?)?"
    r"(?P<over>\s*\+|\s*plus|\s+(?:and|or)\s+(?:over|older))?)"
)
_MEASURE = re.compile(r"\s*;\s*measures?\s*:\s*value$")
_SEXES = {"": "", "f": "female ", "m": "male "}
_ONE_SEX = {"f": "females", "m": "males"}
_PERSONS = {"persons", "people", "everyone"}
_UP_TO = "the file needs a {} for each age up to " + f"{OLDEST_BAND_START - 1}, then older ones"
_SINGLE_YEARS = (
    "import a file by single year of age (such as the ONS mid-year estimates), or one whose age "
    "bands each lie within one of the platform’s"
)
NEEDS_EVERYONE = (
    "the reach page needs all persons, so import the table for all persons, or one with {} for "
    "both sexes"
)
BOTH_COLUMNS = "columns"

Span = tuple[int, int | None]  # the youngest age and the oldest, None for "and over"


class OneSexError(ReachImportError):
    """A population file of one sex: which ("females"), what says so, and the title that does
    (a sheet's name, say), if one does. Told of the file ("it holds only females …") unless
    what holds it is named."""

    def __init__(self, sex: str, said: str, title: str = "", both: str = BOTH_COLUMNS):
        self.sex, self.said, self.title, self.both = sex, said, title, both
        super().__init__([self.told("it")])

    def told(self, holder: str, said: str = "") -> str:
        """One sentence: what holds one sex only, what says so, and what to import instead."""
        more = " (“F0” … and “M0” …)" if self.both == BOTH_COLUMNS else ""
        why = said or self.said
        return f"{holder} holds only {self.sex} ({why}): {NEEDS_EVERYONE.format(self.both)}{more}"


def quoted(name: str) -> str:
    return f"“{name if len(name) <= 90 else name[:89] + '…'}”"


def listed(header: list[str], columns: list[int], most: int = 4) -> str:
    names = [quoted(header[i]) for i in columns[:most]]
    more = len(columns) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


def words(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.lower()))  # "LSOA21CD" gives "lsoa" and "cd"


@dataclass
class Ages:
    """One set of age columns: everyone's, or one sex's."""

    spans: dict[Span, int]  # (youngest, oldest): column
    twice: list[str]


def age_columns(header: list[str]) -> dict[str, Ages]:
    """The age columns by sex ("" for everyone, "f", "m")."""
    groups: dict[str, Ages] = {}
    for i, name in enumerate(header):
        read = _span(name)
        if read is None:
            continue
        sex, span = read
        ages = groups.setdefault(sex, Ages({}, []))
        if span in ages.spans:
            both = f"both {_span_text(span)}"
            ages.twice.append(f"{quoted(header[ages.spans[span]])} and {quoted(name)} are {both}")
        ages.spans[span] = i
    return groups


def _span(name: str) -> tuple[str, Span] | None:
    lowered = name.strip().lower()
    match = _AGE.fullmatch(_MEASURE.sub("", lowered)) if len(lowered) <= 100 else None
    if not match:
        return None
    sex = (match["sex"] or "")[:1]
    if match["below"]:
        below = int(match["below"])
        return (sex, (0, below - 1)) if below else None
    if match["upto"]:
        return sex, (0, int(match["upto"]))
    age = int(match["age"])
    if match["over"]:
        return sex, (age, None)
    oldest = int(match["to"]) if match["to"] else age
    return (sex, (age, oldest)) if oldest >= age else None


def _span_text(span: Span) -> str:
    youngest, oldest = span
    if oldest is None:
        return f"ages {youngest} and over"
    return f"age {youngest}" if youngest == oldest else f"ages {youngest} to {oldest}"


def one_sex(titles: list[str]) -> OneSexError | None:
    """The problem of a file whose title or sheet names females or males alone."""
    for title in titles:
        named = words(title)
        female = bool(named & {"female", "females"})
        if female != bool(named & {"male", "males"}) and not named & _PERSONS:
            sex = _ONE_SEX["f" if female else "m"]
            return OneSexError(sex, f"its title says {quoted(title)}", title)
    return None


def bands(header: list[str], groups: dict[str, Ages], problems: list[str], unit: str = "column"):
    """Each band's columns, and which were read; or problems naming what is wrong. A file with
    a row for each age has its ages' names for `header`, and its problems name a "row"."""
    if "" in groups and len(groups) > 1:
        problems.append(
            "it has age columns both for everyone (such as “0”) and by sex (such as “F0”): "
            "keep one set"
        )
        return {}, ""
    if len(groups) == 1 and "" not in groups:
        ((sex, ages),) = groups.items()
        at = sorted(ages.spans.values())
        columns = f"{quoted(header[at[0]])} to {quoted(header[at[-1]])}"
        raise OneSexError(_ONE_SEX[sex], f"its age columns are {columns}")
    found: dict[str, list[int]] = {band: [] for band in BAND_STARTS}
    read = []
    for sex, ages in sorted(groups.items()):
        top = _top(header, sex, ages, problems, unit)
        if top is None:
            continue
        for (youngest, _), column in ages.spans.items():
            found[_band_of(youngest)].append(column)
        first = next(c for (youngest, _), c in ages.spans.items() if youngest == 0)
        read.append(f"{quoted(header[first])} to {quoted(header[top])}")
    told = "ages from " + " and ".join(read)
    return found, told + (", females’ and males’ added together" if len(read) > 1 else "")


def _top(header: list[str], sex: str, ages: Ages, problems: list[str], unit: str) -> int | None:
    """The oldest ages' column ("90+"), if the set has it and each younger age is in one
    column within one band; else None, with the problems."""
    found = len(problems)
    problems += ages.twice
    top = _oldest(header, sex, ages.spans, problems, unit)
    problems += _straddles(header, ages.spans) + _covered(header, sex, ages.spans, top[0], unit)
    return None if len(problems) > found else ages.spans[top]


def _oldest(header: list[str], sex: str, spans: dict[Span, int], problems: list, unit: str) -> Span:
    """The oldest ages' span, with the problems of its column: more than one, one that starts
    too young or ends too soon, or ages that another column holds too."""
    who = _SEXES[sex]
    over = sorted(span for span in spans if span[1] is None)
    if len(over) > 1:
        columns = listed(header, sorted(spans[span] for span in over))
        problems.append(f"more than one {unit} is for the oldest {who}ages: {columns}")
    top = over[-1] if over else max(spans, key=lambda span: (span[1], span[0]))
    start, name = top[0], quoted(header[spans[top]])
    if over and start < OLDEST_BAND_START:
        problems.append(f"{name} takes in people of more than one age band: ")
        problems[-1] += _UP_TO.format(unit)
    elif not over and (top[1] != start or start < OLDEST):
        such = f"{sex.upper()}{OLDEST}" + ("" if sex else "+")
        problems.append(
            f"there is no {unit} for the oldest {who}ages (such as “{such}”): the oldest is {name}"
        )
    later = [c for (_, oldest), c in spans.items() if over and oldest and oldest >= start]
    if later:
        problems.append(f"{name} already takes in the ages of {listed(header, later)}")
    return top


def _straddles(header: list[str], spans: dict[Span, int]) -> list[str]:
    problems = []
    for (youngest, oldest), column in spans.items():
        if oldest is not None and _band_of(youngest) != _band_of(oldest):
            held = {_band_of(age) for age in range(youngest, oldest + 1)}
            *others, last = [AGE_BANDS[band] for band in BAND_STARTS if band in held]
            across = ", ".join(others) + f" and {last}"
            problems.append(
                f"{quoted(header[column])} holds ages {youngest} to {oldest}, across the "
                f"platform’s age bands {across}, and its people cannot be shared between them "
                f"without guessing: {_SINGLE_YEARS}"
            )
    return problems


def _covered(header: list[str], sex: str, spans: dict[Span, int], start: int, unit: str):
    """Ages younger than the oldest column's that no column holds, or that two do (a total
    such as "Aged 16 to 64" beside its bands)."""
    missing, again, who = [], {}, _SEXES[sex]
    bounded = [(low, high, c) for (low, high), c in spans.items() if high is not None]
    for age in range(start):
        # The widest first: a total is named once, with the bands it holds.
        holding = sorted((low - high, c) for low, high, c in bounded if low <= age <= high)
        if not holding:
            missing.append(age)
        elif len(holding) > 1:
            again.setdefault(holding[0][1], []).extend(c for _, c in holding[1:])
    problems = [
        f"{quoted(header[widest])} holds {who}ages that {listed(header, sorted(set(others)))} "
        f"{'holds' if len(set(others)) == 1 else 'hold'} too: keep one {unit} for each age"
        for widest, others in again.items()
    ]
    if missing:
        problems.append(
            f"the {who}{'age columns' if unit == 'column' else 'ages'} are incomplete: there is "
            f"no {unit} for {_ranges(missing, who)}"
        )
    return problems


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
