"""Population files with a row for each area, sex and age, as the Census 2021 custom datasets
and the ONS's newer downloads are saved (and the platform's own columns with a sex column
beside them, or a row for each area and sex with a column for each age): the sexes are added up
into all persons and the ages into the platform's bands by the rules of a file with a column for
each age; a file of one sex, or whose rows leave an age or a sex out, is refused and saves
nothing."""

import html

import pytest

from tests.reach_factories import post_reach_file
from tests.views.test_reach_age_bands import BANDS, CENSUS_23, _census_file
from tests.views.test_reach_age_bands import _expected as _census_expected
from tests.views.test_reach_published_files import (  # noqa: F401
    WARDS,
    _expected,
    _people,
    _saved,
    wards,
)
from tests.views.test_reach_workbooks import _workbook

OTHERS = [f"E05{n:06d}" for n in range(40_000, 40_050)]
CENSUS_HEAD = [
    "Electoral wards and divisions Code",
    "Electoral wards and divisions",
    "Age (101 categories) Code",
    "Age (101 categories)",
    "Sex (2 categories) Code",
    "Sex (2 categories)",
    "Observation",
]
BOTH = (("1", "Female"), ("2", "Male"))
PLATFORM_BANDS = ["under_16", "16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"]


def _aged(age: int) -> str:
    """The census's name for a year of age."""
    if age == 0:
        return "Aged under 1 year"
    if age == 100:
        return "Aged 100 years and over"
    return f"Aged {age} year{'' if age == 1 else 's'}"


def _census_rows(sexes=BOTH, ages=range(101), codes=(*WARDS, *OTHERS)) -> list[list[str]]:
    """A custom dataset's rows: one for each area, age and sex, the areas in code order."""
    rows = [CENSUS_HEAD]
    for n, code in enumerate(sorted(codes)):
        for age in ages:
            for number, sex in sexes:
                people = _people(code, age, sex[0])
                rows.append([code, f"Ward {n}", str(age), _aged(age), number, sex, str(people)])
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode()


def _by_sex(sexes="FM") -> dict[tuple[str, str], int]:
    return {
        (code, band): sum(_people(code, age, sex) for age in ages for sex in sexes)
        for code in WARDS
        for band, ages in BANDS.items()
    }


def _platform_rows(sexes=("female", "male")) -> list[list[str]]:
    rows = [["area_code", "age_band", "sex", "population"]]
    for code in (*WARDS, *OTHERS[:5]):
        for n, band in enumerate(PLATFORM_BANDS):
            rows += [[code, band, sex, str(100 * n + 7 * i + 1)] for i, sex in enumerate(sexes)]
    return rows


def test_a_census_file_by_area_age_and_sex_is_added_up_into_all_persons_bands(client, wards):  # noqa: F811
    response = post_reach_file(client, wards, "baselines", _csv(_census_rows()))
    assert response.status_code == 303, response.text
    page = client.get(response.location).text
    assert (
        "Saved the population of 3 areas; skipped 10,100 rows for areas outside this "
        "partnership. Read area codes from “Electoral wards and divisions Code”, ages from "
        "“Age (101 categories)”, the sexes in “Sex (2 categories)” added together, and people "
        "from “Observation”" in page
    )
    assert _saved() == _by_sex()


def test_a_long_workbook_is_read_as_its_csv_is(client, wards):  # noqa: F811
    rows = [[int(v) if v.isdigit() else v for v in row] for row in _census_rows()]
    response = post_reach_file(client, wards, "baselines", _workbook({"Dataset": rows}))
    assert response.status_code == 303, response.text
    assert _saved() == _by_sex()


def test_the_mid_year_estimates_by_sex_and_single_year_are_read(client, wards):  # noqa: F811
    # The ONS's newer long files: sex numbered, ages as numbers, 90 holding those over 90.
    rows = [["ward_code", "ward_name", "sex", "age", "population_2022"]]
    for code in (*WARDS, *OTHERS):
        rows += [
            [code, "Ward", str(n), str(age), str(_people(code, age, sex))]
            for age in range(91)
            for n, sex in ((1, "M"), (2, "F"))
        ]
    response = post_reach_file(client, wards, "baselines", _csv(rows))
    assert response.status_code == 303, response.text
    expected = {
        (code, band): sum(_people(code, age, sex) for age in ages if age <= 90 for sex in "FM")
        for code in WARDS
        for band, ages in BANDS.items()
    }
    assert _saved() == expected


def test_the_platform_s_columns_with_a_sex_column_add_the_sexes_together(client, wards):  # noqa: F811
    response = post_reach_file(client, wards, "baselines", _csv(_platform_rows()))
    assert response.status_code == 303, response.text
    expected = {(c, b): 100 * n * 2 + 7 + 2 for c in WARDS for n, b in enumerate(PLATFORM_BANDS)}
    assert _saved() == expected


ONE_SEX = (
    "the reach page needs all persons, so import the table for all persons, or one with rows "
    "for both sexes"
)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            lambda: _csv(_census_rows(sexes=BOTH[:1])),
            "Nothing was imported. It holds only females (its “Sex (2 categories)” column says "
            f"“Female” on every row): {ONE_SEX}",
        ),
        (
            lambda: _csv(_platform_rows(sexes=("M",))),
            "Nothing was imported. It holds only males (its “sex” column says “M” on every row): "
            + ONE_SEX,
        ),
        (
            lambda: _csv(_census_rows(sexes=(("0", "All persons"), *BOTH))),
            "Its “Sex (2 categories)” column holds both all persons (“All persons”) and each sex "
            "(“Female”): keep one",
        ),
        (
            lambda: _csv(
                [[*CENSUS_HEAD[:2], "Age (18 categories)", *CENSUS_HEAD[4:]]]
                + [
                    [code, "Ward", label, number, sex, "40"]
                    for code in WARDS
                    for label in ("Aged 4 years and under", "Aged 5 to 9 years")
                    + tuple(f"Aged {a} to {a + 4} years" for a in range(10, 85, 5))
                    + ("Aged 85 years and over",)
                    for number, sex in BOTH
                ]
            ),
            "“Aged 15 to 19 years” holds ages 15 to 19, across the platform’s age bands Under "
            "16 and 16 to 24, and its people cannot be shared between them without guessing",
        ),
        (
            lambda: _csv(_census_rows(ages=[*range(17), *range(18, 101)])),
            "The ages are incomplete: there is no row for age 17 (16 to 24)",
        ),
        (
            lambda: _csv(
                [r for r in _census_rows() if r[:2] != [WARDS[1], "Ward 1"] or r[2] != "40"]
            ),
            "Area 1 has no row for “Aged 40 years” (“Female”, “Male”): each area needs a row "
            "for each age the file has",
        ),
        (
            lambda: _csv([*_census_rows(), [WARDS[0], "Ward 0", "5", _aged(5), *BOTH[1], "3"]]),
            "Area 0, “Male”, “Aged 5 years” is in the file twice",
        ),
        (
            lambda: _csv([*_census_rows(), [WARDS[2], "Ward 2", "5", _aged(5), "3", "Other", "3"]]),
            "“Other” is not a sex: the sex column must say female or male (or number them 1 and 2)",
        ),
        (
            lambda: _csv(
                [r if r[0] != WARDS[2] or r[2] != "30" else [*r[:6], "n/a"] for r in _census_rows()]
            ),
            "the population must be a whole number, 0 or more",
        ),
    ],
)
def test_a_long_file_that_cannot_be_read_one_way_saves_nothing(client, wards, data, problem):  # noqa: F811
    first = post_reach_file(client, wards, "baselines", _csv(_census_rows()))
    assert first.status_code == 303, first.text
    saved = _saved()
    response = post_reach_file(client, wards, "baselines", data())
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert problem in response.text
    assert _saved() == saved


def _by_area_and_sex(sexes=(("Female", "F"), ("Male", "M")), head=("code", "sex"), rows=()):
    """A row for each area and sex, a column for each age ("0" … "90+"), as the ONS tables with
    a sex column are saved; `rows` are more, written as they are."""
    lines = [[*head, *map(str, range(90)), "90+"]]
    for code in (*WARDS, *OTHERS):
        for name, sex in sexes:
            people = [_people(code, age, sex) for age in range(91)]
            lines.append([code, *([name] if len(head) == 2 else ["Ward", name]), *map(str, people)])
    return _csv(lines + list(rows))


def _cells(data: bytes) -> list[list]:
    """A CSV's rows as a sheet's cells, its whole numbers as numbers."""
    lines = data.decode().splitlines()
    return [[int(v) if v.isdigit() else v for v in line.split(",")] for line in lines]


@pytest.mark.parametrize(
    ("data", "told"),
    [
        (
            lambda: _by_area_and_sex(),
            "Read area codes from “code” and ages from “0” to “90+”, the sexes in “sex” added "
            "together",
        ),
        (
            lambda: _by_area_and_sex(
                (("Males", "M"), ("Females", "F")), ("Ward code", "Name", "Sex")
            ),
            "Read area codes from “Ward code” and ages from “0” to “90+”, the sexes in “Sex”",
        ),
        (lambda: _by_area_and_sex((("2", "F"), ("1", "M"))), "the sexes in “sex” added together"),
        (
            lambda: _workbook(
                {"Table": _cells(_by_area_and_sex(head=("Ward code", "Name", "Sex")))}
            ),
            "Read the sheet “Table”, area codes from “Ward code” and ages from “0” to “90+”, the "
            "sexes in “Sex” added together",
        ),
    ],
)
def test_a_row_for_each_area_and_sex_with_a_column_for_each_age_adds_the_sexes(
    client,
    wards,  # noqa: F811
    data,
    told,
):
    response = post_reach_file(client, wards, "baselines", data())
    assert response.status_code == 303, response.text
    page = client.get(response.location).text
    assert "Saved the population of 3 areas; skipped 100 rows for areas outside" in page
    assert told in page
    assert _saved() == _expected(WARDS, sexes=("F", "M"))


def test_census_age_columns_for_all_persons_are_not_read_as_a_sex_column(client, wards):  # noqa: F811
    # As Nomis names a table's columns by sex and age, its total among them.
    data = _census_file(CENSUS_23, sex="Sex: All persons; ")
    data = data.replace(b",Age: Total,", b",Sex: All persons; Age: Total; measures: Value,")
    response = post_reach_file(client, wards, "baselines", data)
    assert response.status_code == 303, response.text
    assert _saved() == _census_expected()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            lambda: _by_area_and_sex((("Female", "F"),)),
            "Nothing was imported. It holds only females (its “sex” column says “Female” on every "
            f"row): {ONE_SEX}",
        ),
        (
            lambda: _by_area_and_sex((("Males", "M"),), ("Ward code", "Name", "Sex")),
            f"Nothing was imported. It holds only males (its “Sex” column says “Males” on every "
            f"row): {ONE_SEX}",
        ),
        (
            lambda: _by_area_and_sex(rows=[[WARDS[1], "Female", *["4"] * 91]]),
            "Nothing was imported. Row 108: Area 1, “Female” is in the file twice",
        ),
        (
            lambda: _by_area_and_sex(rows=[[WARDS[1], "Other", *["4"] * 91]]),
            "Nothing was imported. Row 108: “Other” is not a sex: the sex column must say female "
            "or male (or number them 1 and 2)",
        ),
        (
            lambda: _by_area_and_sex((("All persons", ""), ("Female", "F"), ("Male", "M"))),
            "Nothing was imported. Its “sex” column holds both all persons (“All persons”) and "
            "each sex (“Female”): keep one",
        ),
        (
            lambda: _by_area_and_sex().replace(f"{WARDS[2]},Male,".encode(), b"E05999999,Male,"),
            "Nothing was imported. Area 2 has no row for “Male”: each area needs a row for each "
            "sex the file has",
        ),
        (
            lambda: _by_area_and_sex().replace(
                f"{WARDS[0]},Male,{_people(WARDS[0], 0, 'M')},".encode(), b"E05001768,Male,x,"
            ),
            "Nothing was imported. Row 3: the population must be a whole number, 0 or more, in “0”",
        ),
    ],
)
def test_a_row_for_each_area_and_sex_that_cannot_be_read_one_way_saves_nothing(
    client,
    wards,  # noqa: F811
    data,
    problem,
):
    first = post_reach_file(client, wards, "baselines", _csv(_census_rows()))
    assert first.status_code == 303, first.text
    saved = _saved()
    response = post_reach_file(client, wards, "baselines", data())
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert problem in html.unescape(response.text)
    assert _saved() == saved
