"""The reach page reads the national files as officers download them: the ONS mid-year
estimates (a row an area, a column for each year of age, or for each sex and year) added up into
the platform's age bands, and the English Indices of Deprivation's overall decile among its
domains' columns. What was read is told; a file whose columns could be read two ways, or that
lacks an age, is refused and saves nothing."""

import random

import pytest

from engage.extensions import db
from engage.models import AreaDeprivation, PopulationBaseline
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_area, make_consultation
from tests.reach_factories import age_bands, imported_page, post_reach_file

WARDS = ["E05001768", "E05001769", "E05012345"]
LSOAS = [f"E01{n:06d}" for n in range(100, 2_000, 400)]  # 5 of them, along the file
BANDS = age_bands(90)  # 90 is "90+"
DOMAINS = [
    "Income",
    "Employment",
    "Education, Skills and Training",
    "Health Deprivation and Disability",
    "Crime",
    "Barriers to Housing and Services",
    "Living Environment",
    "Income Deprivation Affecting Children Index (IDACI)",
    "Income Deprivation Affecting Older People (IDAOPI)",
]
IMD_DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"


def _page(client, codes):
    consultation = make_consultation()
    consultation.areas = [make_area(code=c, name=f"Area {i}") for i, c in enumerate(codes)]
    db.session.commit()
    sign_in(client, make_staff("strategy"))
    url = f"/staff/workspace/consultations/{consultation.id}/reach"
    return url, hidden_fields(client.get(url).text)["csrf_token"]


@pytest.fixture
def wards(app, client):
    return _page(client, WARDS)


@pytest.fixture
def lsoas(app, client):
    return _page(client, LSOAS)


def _people(code: str, age: int, sex: str = "") -> int:
    """How many people of an age live in an area: large enough in one area to be written
    with a thousands separator."""
    big = 1_000 if code == WARDS[1] and age == 30 else 0
    return big + (int(code[-4:]) + 7 * age + (3 if sex == "M" else 0)) % 60 + 5


def _cell(n: int) -> str:
    return f'"{n:,}"' if n >= 1_000 else str(n)


def _ward_file(ages=None, title=False, sep=",") -> bytes:
    """The ONS ward estimates for everyone, as a sheet saved as CSV: 3,000 other wards."""
    ages = ages if ages is not None else [*map(str, range(90)), "90+"]
    codes = sorted({*WARDS, *(f"E05{n:06d}" for n in range(20_000, 23_000))})
    head = ["Ward 2023 Code", "Ward 2023 Name", "LAD 2023 Code", "LAD 2023 Name", "Total", *ages]
    lines = [sep.join(head)]
    for n, code in enumerate(codes):
        counts = [_people(code, int(a.strip("Age +"))) for a in ages]
        name = f'"Ward {n}, Derby"'
        lines.append(sep.join([code, name, "E06000015", "Derby", _cell(sum(counts)), ""]))
        lines[-1] += sep.join(map(_cell, counts))
    if title:
        pad = sep * (len(head) - 1)
        # Excel quotes a cell only if it holds the separator: a comma in a title may not be.
        title = "Mid-2023 ward population estimates, England and Wales"
        lines[:0] = [
            (title if sep == ";" else f'"{title}"') + pad,
            f"This worksheet contains one table.{pad}",
            f"Source: Office for National Statistics{pad}",
        ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _sex_file(sexes="FM") -> bytes:
    """The ONS LSOA estimates by sex and single year ("F90" is 90 and over): 2,000 LSOAs."""
    codes = sorted({*LSOAS, *(f"E01{n:06d}" for n in range(2_000))})
    ages = [f"{s}{a}" for s in sexes for a in range(91)]
    head = ["LAD 2021 Code", "LAD 2021 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total", *ages]
    lines = [",".join(head)]
    for n, code in enumerate(codes):
        counts = [_people(code, int(a[1:]), a[0]) for a in ages]
        lines.append(",".join(["E06000015", "Derby", code, f"Derby {n:03d}", str(sum(counts))]))
        lines[-1] += "," + ",".join(map(str, counts))
    return ("\n".join(lines) + "\n").encode()


def _saved() -> dict[tuple[str, str], int]:
    rows = db.session.execute(db.select(PopulationBaseline).join(PopulationBaseline.area)).scalars()
    return {(r.area.code, r.age_band): r.population for r in rows}


def _expected(codes, sexes=("",)) -> dict[tuple[str, str], int]:
    return {
        (code, band): sum(_people(code, age, sex) for age in ages for sex in sexes)
        for code in codes
        for band, ages in BANDS.items()
    }


def test_a_ward_file_with_a_column_for_each_year_of_age_is_added_up_into_bands(client, wards):
    page = imported_page(client, wards, "baselines", _ward_file())
    assert (
        "Saved the population of 3 areas; skipped 3,000 rows for areas outside this partnership. "
        "Read area codes from “Ward 2023 Code” and ages from “0” to “90+”" in page
    )
    saved = _saved()
    assert saved == _expected(WARDS)
    assert saved[(WARDS[1], "25_34")] > 1_000  # "1,0xx" for age 30 was read whole


def test_a_file_by_sex_adds_up_females_and_males(client, lsoas):
    page = imported_page(client, lsoas, "baselines", _sex_file())
    assert (
        "Saved the population of 5 areas; skipped 1,995 rows for areas outside this partnership. "
        "Read area codes from “LSOA 2021 Code” and ages from “F0” to “F90” and “M0” to “M90”, "
        "females’ and males’ added together" in page
    )
    assert _saved() == _expected(LSOAS, sexes=("F", "M"))


def test_a_sheet_saved_with_its_title_rows_is_read_from_its_column_names(client, wards):
    ages = [f"Age {a}" for a in range(90)] + ["Age 90+"]
    page = imported_page(client, wards, "baselines", _ward_file(ages, title=True))
    assert (
        "Read the column names from row 4, area codes from “Ward 2023 Code” and ages from "
        "“Age 0” to “Age 90+”" in page
    )
    assert _saved() == _expected(WARDS)


def test_a_sheet_saved_with_semicolons_under_a_title_with_a_comma_is_read(client, wards):
    response = post_reach_file(client, wards, "baselines", _ward_file(title=True, sep=";"))
    assert response.status_code == 303, response.text
    assert "Read the column names from row 4" in client.get(response.location).text
    assert _saved() == _expected(WARDS)


def test_a_file_of_other_areas_names_the_column_it_read_the_codes_from(client, wards):
    response = post_reach_file(client, wards, "baselines", _sex_file())
    assert response.status_code == 400
    assert (
        "Nothing was imported. None of its 2,000 rows is for an area of this partnership: check "
        "that it is the right file, and that its “LSOA 2021 Code” column holds the areas’ codes "
        "(such as E05001768, E05001769)" in response.text
    )


def test_a_wrong_figure_in_a_wide_row_names_its_row_and_column(client, wards):
    data = _ward_file(title=True).decode().split("\r\n")
    at = next(i for i, line in enumerate(data) if line.startswith(WARDS[2]))
    cells = data[at].split(",")
    cells[-91 + 45] = "n/a"  # age 45
    data[at] = ",".join(cells)
    response = post_reach_file(client, wards, "baselines", "\r\n".join(data).encode())
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    told = "the population must be a whole number, 0 or more, in “45”"
    assert f"Row {at + 1}: {told}" in response.text
    assert _saved() == {}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            lambda: _ward_file([*map(str, range(17)), *map(str, range(18, 90)), "90+"]),
            "The age columns are incomplete: there is no column for age 17 (16 to 24)",
        ),
        (
            lambda: _ward_file([*map(str, range(60)), *map(str, range(63, 90)), "90+"]),
            "The age columns are incomplete: there is no column for ages 60 to 62 (55 to 64)",
        ),
        (
            lambda: _ward_file([*map(str, range(17)), *map(str, range(18, 90)), "90+"], True),
            "Row 4, read as the column names: the age columns are incomplete",
        ),
        (
            lambda: _ward_file([str(a) for a in range(90)]),
            "There is no column for the oldest ages (such as “90+”): the oldest is “89”",
        ),
        (
            lambda: _sex_file("F"),
            "It holds only females (its age columns are “F0” to “F90”): the reach page needs all "
            "persons, so import the table for all persons, or one with columns for both sexes",
        ),
        (
            lambda: _sex_file().replace(b",M33,", b",M33b,"),
            "The male age columns are incomplete: there is no column for male age 33 (25 to 34)",
        ),
    ],
)
def test_a_file_missing_an_age_is_refused_and_saves_nothing(client, wards, data, problem):
    before = post_reach_file(client, wards, "baselines", _ward_file())
    assert before.status_code == 303
    saved = _saved()
    response = post_reach_file(client, wards, "baselines", data())
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert f"Nothing was imported. {problem}" in response.text
    assert _saved() == saved


def _iod_file(codes, head=None) -> bytes:
    """The Indices of Deprivation's "all ranks, deciles and scores" file: the overall index and
    each domain's score, rank and decile, and the population denominators."""
    head = head or ["LSOA code (2011)"]
    measures = []
    for name in ["Index of Multiple Deprivation (IMD)", *DOMAINS]:
        measures += [f"{name} Score", f"{name} Rank (where 1 is most deprived)"]
        measures.append(f"{name} Decile (where 1 is most deprived 10% of LSOAs)")
    columns = [
        *head,
        "LSOA name (2011)",
        "Local Authority District code (2019)",
        "Local Authority District name (2019)",
        *measures,
        "Total population: mid 2015 (excluding prisoners)",
    ]
    rng = random.Random(7)
    lines = [",".join(f'"{c}"' if "," in c else c for c in columns)]
    for n, code in enumerate(codes):
        values = []
        for m in range(len(measures) // 3):
            # The overall decile is the area's; each domain's differs from it.
            decile = (int(code[3:]) + m) % 10 + 1
            values += [f"{rng.random() * 80:.3f}", str(rng.randrange(1, 32_845)), str(decile)]
        lsoa = [code] * len(head)
        lines.append(",".join([*lsoa, f"Derby {n:03d}A", "E06000015", "Derby", *values, "1500"]))
    return ("\n".join(lines) + "\n").encode()


def _national_lsoas() -> list[str]:
    return sorted({*LSOAS, *(f"E01{n:06d}" for n in range(3_000))})


def test_the_indices_of_deprivation_file_saves_the_overall_decile(client, lsoas):
    page = imported_page(client, lsoas, "deprivation", _iod_file(_national_lsoas()))
    assert (
        "Saved the deprivation decile of 5 areas; skipped 2,995 rows for areas outside this "
        f"partnership. Read area codes from “LSOA code (2011)” and deciles from “{IMD_DECILE}”"
        in page
    )
    saved = db.session.execute(db.select(AreaDeprivation).join(AreaDeprivation.area)).scalars()
    assert {d.area.code: d.decile for d in saved} == {c: int(c[3:]) % 10 + 1 for c in LSOAS}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            lambda: _iod_file(_national_lsoas()).replace(
                b"Income Score,", b"IMD Decile (2015),", 1
            ),
            "It has 2 columns that could be the deprivation decile, "
            f"“{IMD_DECILE}”, “IMD Decile (2015)”: delete the ones not wanted, or rename the "
            "one to read “decile”",
        ),
        (
            lambda: _iod_file(_national_lsoas()).replace(
                IMD_DECILE.encode(), b"Index of Multiple Deprivation (IMD) Tenth", 1
            ),
            "No deprivation decile column was found: the first row must name a column named "
            "“decile”, or one with “decile” and “Index of Multiple Deprivation” or “IMD” in its "
            "name (such as “Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived "
            "10% of LSOAs)”); “Income Decile (where 1 is most deprived 10% of LSOAs)”, "
            "“Employment Decile",
        ),
        (
            lambda: _iod_file(_national_lsoas(), ["LSOA code (2011)", "LSOA code (2021)"]),
            "It has 2 columns that could be the area codes, “LSOA code (2011)”, "
            "“LSOA code (2021)”: delete the ones not wanted, or rename the one to read "
            "“area_code”",
        ),
    ],
)
def test_a_deprivation_file_whose_columns_are_not_clear_is_refused(client, lsoas, data, problem):
    first = post_reach_file(client, lsoas, "deprivation", _iod_file(LSOAS))
    assert first.status_code == 303
    saved = db.session.execute(db.select(AreaDeprivation.area_id, AreaDeprivation.decile)).all()
    response = post_reach_file(client, lsoas, "deprivation", data())
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert f"Nothing was imported. {problem}" in response.text
    after = db.session.execute(db.select(AreaDeprivation.area_id, AreaDeprivation.decile)).all()
    assert after == saved


def test_a_column_renamed_decile_settles_which_is_read(client, lsoas):
    data = _iod_file(LSOAS).replace(b"Income Score,", b"IMD Decile (2015),", 1)
    data = data.replace(IMD_DECILE.encode(), b"decile", 1)
    page = imported_page(client, lsoas, "deprivation", data)
    assert "Read area codes from “LSOA code (2011)” and deciles from “decile”" in page
    saved = db.session.scalars(db.select(AreaDeprivation.decile)).all()
    assert sorted(saved) == sorted(int(c[3:]) % 10 + 1 for c in LSOAS)
