"""Age columns as the national tables name them, read as years or bands of ages, and added
into the platform's bands only where each lies within one; a file of one sex is refused."""

import pytest

from engage.services.reach_ages import age_columns, bands, one_sex

SINGLE = [*map(str, range(90)), "90+"]


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("30", ("", (30, 30))),
        ("Age 90+", ("", (90, None))),
        ("F90", ("f", (90, 90))),
        ("Aged under 1 year", ("", (0, 0))),
        ("Aged 1 year", ("", (1, 1))),
        ("Aged 100 years and over", ("", (100, None))),
        ("Age: Aged 4 years and under", ("", (0, 4))),
        ("Age: Aged 5 to 9 years; measures: Value", ("", (5, 9))),
        ("Sex: Female; Age: Aged 15 years", ("f", (15, 15))),
        ("Sex: All persons; Age: Aged 16 to 17 years", ("", (16, 17))),
        ("Males 20-24", ("m", (20, 24))),
        ("85 and over", ("", (85, None))),
        ("0 – 4", ("", (0, 4))),
    ],
)
def test_a_column_is_read_as_a_year_or_a_band_of_ages(name, read):
    sex, span = read
    assert age_columns(["Code", name])[sex].spans == {span: 1}


@pytest.mark.parametrize(
    "name", ["Age: Total", "All Ages", "2021", "9-5", "Aged under 0", "x" * 200]
)
def test_other_columns_are_not_ages(name):
    assert age_columns([name]) == {}


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (["0-4", "5-9", "10-14", "15-19", *SINGLE[20:]], "“15-19” holds ages 15 to 19, across"),
        (
            [*SINGLE[:70], "70-79", "80+"],
            "“70-79” holds ages 70 to 79, across the platform’s age bands 65 to 74 and 75 or over",
        ),
        (["0-4", *SINGLE], "“0-4” holds ages that “0”, “1”, “2”, “3” and 1 more hold too"),
        (["0-4", "3-9", *SINGLE[10:]], "“3-9” holds ages that “0-4” holds too"),
        (["0-4", *SINGLE[6:]], "there is no column for age 5 (Under 16)"),
    ],
)
def test_bands_that_do_not_add_up_into_the_platform_s_one_way_are_refused(header, problem):
    problems: list[str] = []
    bands(header, age_columns(header), problems)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("titles", "sex"),
    [
        (["Mid-2020 Females"], "females"),
        (["Population estimates", "MALES"], "males"),
        (["Sex: Male"], "males"),
        (["Males and females"], None),
        (["Persons: females and males"], None),
        (["All persons, females"], None),
        (["Mid-2022 LSOA 2021"], None),
    ],
)
def test_a_title_naming_one_sex_alone_is_refused(titles, sex):
    problem = one_sex(titles)
    assert (
        (problem is None)
        if sex is None
        else problem.told("it").startswith(f"it holds only {sex} (")
    )
