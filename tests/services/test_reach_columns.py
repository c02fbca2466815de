"""Which columns of a reach file are read, from the names the national sources give them; a
name that could be read two ways is refused with what was looked for."""

import pytest

from engage.errors import ReachImportError
from engage.services.reach_columns import deprivation_layout, population_layout

AGES = [*map(str, range(90)), "90+"]


@pytest.mark.parametrize(
    ("codes", "read"),
    [
        (["LAD 2023 Code", "Ward 2023 Code", "Ward 2023 Name"], "Ward 2023 Code"),
        (["Ward code", "Ward name"], "Ward code"),
        (["LSOA21CD", "LSOA21NM", "LAD21CD"], "LSOA21CD"),
        (["Code", "Name"], "Code"),
        (["area_code", "LSOA code (2021)"], "area_code"),  # the platform's own name first
        (["MSOA 2021 Code", "LAD 2021 Code", "Region code"], "MSOA 2021 Code"),
        (
            ["Local Authority District code (2019)", "Postcode"],
            "Local Authority District code (2019)",
        ),
    ],
)
def test_the_area_codes_are_the_smallest_areas_named(codes, read):
    layout = population_layout([*codes, "Total", *AGES])
    assert layout.header[layout.code] == read
    assert layout.read.startswith(f"area codes from “{read}” and ages from")


@pytest.mark.parametrize(
    ("ages", "read"),
    [
        ([f"Age {a}" for a in range(90)] + ["Age 90+"], "“Age 0” to “Age 90+”"),
        ([*map(str, range(90)), "Aged 90 and over"], "“0” to “Aged 90 and over”"),
        ([*map(str, range(101)), "101+"], "“0” to “101+”"),
        ([f"F{a}" for a in range(91)] + [f"M{a}" for a in range(91)], "“F0” to “F90” and “M0”"),
        (
            [f"Males {a}" for a in range(90)] + ["Males 90+"] + [f"Females {a}" for a in range(91)],
            "“Females 0” to “Females 90” and “Males 0” to “Males 90+”",
        ),
    ],
)
def test_single_years_of_age_are_read_as_published(ages, read):
    layout = population_layout(["Ward code", "All ages", *ages])
    assert layout.wide
    assert read in layout.read
    columns = [c for band in layout.columns.values() for c in band]
    assert sorted(columns) == list(range(2, 2 + len(ages)))  # each once, "All ages" never


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (["Code", "0", "Age 0", *AGES[1:]], "“0” and “Age 0” are both age 0"),
        (["Code", *AGES, "85+"], "More than one column is for the oldest ages: “90+”, “85+”"),
        (["Code", *AGES[:66], "66+"], "“66+” takes in people of more than one age band"),
        (
            ["Code", *AGES[:85]],
            "There is no column for the oldest ages (such as “90+”): the oldest is “84”",
        ),
        (["Code", *AGES, "95"], "“90+” already takes in the ages of “95”"),
        (["Code", *AGES, *(f"F{a}" for a in range(91))], "both for everyone"),
        (["Code", *(f"M{a}" for a in range(91))], "It holds only males (its age columns are “M0”"),
        (["Name", *AGES], "No column of area codes was found"),
        (["Ward 2023 Code", "Ward 2022 Code", *AGES], "2 columns that could be the area codes"),
        (["Code", *AGES[:10], *AGES[11:20], *AGES[21:]], "age 10 (Under 16), age 20 (16 to 24)"),
        (["Code", "Total", "All ages"], "The first row must name the columns area_code, age_band"),
        (
            ["Code", "0-4", "5-9", "Total"],
            "no column for the oldest ages (such as “90+”): the oldest is “5-9”",
        ),
    ],
)
def test_population_columns_that_cannot_be_read_one_way_are_refused(header, problem):
    with pytest.raises(ReachImportError) as caught:
        population_layout(header)
    assert problem in caught.value.message


@pytest.mark.parametrize(
    ("header", "decile"),
    [
        (["area_code", "decile"], "decile"),
        (["LSOA code (2021)", "IMD decile"], "IMD decile"),
        (["lsoa11cd", "IMD_Decile", "IDACI_Decile"], "IMD_Decile"),
        (["Code", "IMD2019 Decile", "Income Decile"], "IMD2019 Decile"),
        (["Code", "Index of Multiple Deprivation (IMD) Decile", "IMD Rank"], "Index of"),
    ],
)
def test_the_overall_decile_is_read_not_a_domain_s(header, decile):
    layout = deprivation_layout(header)
    assert header[layout.columns["decile"][0]].startswith(decile)
    assert layout.read == (
        ""
        if header[0] == "area_code"
        else f"area codes from “{header[0]}” "
        f"and deciles from “{header[layout.columns['decile'][0]]}”"
    )


def test_a_file_with_no_decile_says_what_it_looked_for_and_what_it_found():
    header = ["LSOA code (2011)", "Income Decile", "Crime Decile", "Health Decile", "IMD Rank"]
    with pytest.raises(ReachImportError) as caught:
        deprivation_layout(header)
    assert caught.value.message == (
        "Nothing was imported. No deprivation decile column was found: the first row must name a "
        "column named “decile”, or one with “decile” and “Index of Multiple Deprivation” or "
        "“IMD” in its name (such as “Index of Multiple Deprivation (IMD) Decile (where 1 is most "
        "deprived 10% of LSOAs)”); “Income Decile”, “Crime Decile” and 1 more are domains’ deciles"
    )


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        (
            [
                "Lower layer Super Output Areas Code",
                "Lower layer Super Output Areas",
                "Age (101 categories) Code",
                "Age (101 categories)",
                "Sex (2 categories) Code",
                "Sex (2 categories)",
                "Observation",
            ],
            (0, {"age": [3], "population": [6], "sex": [5]}),
        ),
        (
            ["area_code", "age_band", "sex", "population"],
            (0, {"age": [1], "population": [3], "sex": [2]}),
        ),
        (
            ["ward_code", "sex", "age", "population_2022"],
            (0, {"age": [2], "population": [3], "sex": [1]}),
        ),
        (["Code", "Age", "Count"], (0, {"age": [1], "population": [2]})),
    ],
)
def test_a_row_for_each_area_sex_and_age_is_read_from_its_columns(header, columns):
    layout = population_layout(header)
    assert layout.long
    assert (layout.code, layout.columns) == columns


def test_other_layouts_are_not_read_as_a_row_for_each_age():
    assert not population_layout(["area_code", "age_band", "population"]).long  # a band a row
    assert population_layout(["Code", "Total", *AGES]).wide
    with pytest.raises(ReachImportError) as caught:  # a workbook's contents, not a table
        population_layout(["Sheet", "Ward code, name and population by single year of age"])
    assert "The first row must name the columns area_code, age_band" in caught.value.message
