"""Population files by band of ages, as the Census 2021 and many ONS tables publish them, are
added up into the platform's bands where they lie within them; a band across two of the
platform's (the census's "Aged 15 to 19 years") is refused, naming it, and a file of one sex is
refused, whether its columns or its title say so."""

import pytest

from tests.reach_factories import age_bands, imported_page, post_reach_file
from tests.views.test_reach_published_files import WARDS, _people, _saved, wards  # noqa: F401

# The census's 23 age categories lie within the platform's bands; its 18 (five-year) do not.
CENSUS_23 = [
    (0, 4, "Aged 4 years and under"),
    (5, 9, "Aged 5 to 9 years"),
    (10, 14, "Aged 10 to 14 years"),
    (15, 15, "Aged 15 years"),
    (16, 17, "Aged 16 to 17 years"),
    (18, 19, "Aged 18 to 19 years"),
    *((a, a + 4, f"Aged {a} to {a + 4} years") for a in range(20, 85, 5)),
    (85, 100, "Aged 85 years and over"),
]
SHORT_23 = [(low, high, f"{low}-{high}") for low, high, _ in CENSUS_23[:-1]] + [(85, 100, "85+")]
CENSUS_18 = [
    (0, 4, "Aged 4 years and under"),
    *((a, a + 4, f"Aged {a} to {a + 4} years") for a in range(5, 85, 5)),
    (85, 100, "Aged 85 years and over"),
]
BANDS = age_bands(100)


def _count(code: str, low: int, high: int) -> int:
    return sum(_people(code, age) for age in range(low, high + 1))


def _census_file(bands, name=lambda label: f"Age: {label}", titles=(), sex="") -> bytes:
    """A census table by age band as Nomis saves it: 2,000 other wards beside this
    partnership's."""
    codes = sorted({*WARDS, *(f"E05{n:06d}" for n in range(30_000, 32_000))})
    head = ["date", "geography", "geography code", "Age: Total"]
    head += [sex + name(label) for _, _, label in bands]
    lines = [*titles, ",".join(head)]
    for n, code in enumerate(codes):
        counts = [_count(code, low, high) for low, high, _ in bands]
        lines.append(",".join(["2021", f"Ward {n}", code, str(sum(counts)), *map(str, counts)]))
    return ("\r\n".join(lines) + "\r\n").encode()


def _expected() -> dict[tuple[str, str], int]:
    return {
        (code, band): sum(_people(code, age) for age in ages)
        for code in WARDS
        for band, ages in BANDS.items()
    }


@pytest.mark.parametrize(
    ("bands", "name", "told"),
    [
        (
            CENSUS_23,
            lambda label: f"Age: {label}",
            "“Age: Aged 4 years and under” to “Age: Aged 85",
        ),
        (
            CENSUS_23,
            lambda label: f"Age: {label}; measures: Value",
            "“Age: Aged 4 years and under; measures: Value” to “Age: Aged 85 years and over;",
        ),
        (SHORT_23, str, "ages from “0-4” to “85+”"),
    ],
)
def test_a_file_by_bands_within_the_platform_s_is_added_up_into_them(
    client,
    wards,  # noqa: F811
    bands,
    name,
    told,
):
    page = imported_page(client, wards, "baselines", _census_file(bands, name))
    assert (
        "Saved the population of 3 areas; skipped 2,000 rows for areas outside this partnership. "
        "Read area codes from “geography code” and ages from " in page
    )
    assert told in page
    assert _saved() == _expected()


def test_a_five_year_band_across_two_of_the_platform_s_is_refused_and_named(client, wards):  # noqa: F811
    assert post_reach_file(client, wards, "baselines", _census_file(SHORT_23)).status_code == 303
    saved = _saved()
    response = post_reach_file(client, wards, "baselines", _census_file(CENSUS_18))
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert (
        "Nothing was imported. “Age: Aged 15 to 19 years” holds ages 15 to 19, across the "
        "platform’s age bands Under 16 and 16 to 24, and its people cannot be shared between "
        "them without guessing: import a file by single year of age (such as the ONS mid-year "
        "estimates), or one whose age bands each lie within one of the platform’s" in response.text
    )
    assert "Aged 20 to 24" not in response.text  # only the band across two is named
    assert _saved() == saved


def test_a_total_beside_the_bands_is_refused_not_counted_twice(client, wards):  # noqa: F811
    bands = [*SHORT_23[:4], (16, 64, "16-64"), *SHORT_23[4:]]
    response = post_reach_file(client, wards, "baselines", _census_file(bands, str))
    assert response.status_code == 400
    assert "“16-64” holds ages 16 to 64, across the platform’s age bands 16 to 24, 25 to 34" in (
        response.text
    )
    assert "“16-64” holds ages that “16-17”, “18-19”, “20-24”, “25-29” and 7 more hold too" in (
        response.text
    )
    assert _saved() == {}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            # The Females sheet of an ONS workbook, saved as CSV: its columns are "0" … "90+".
            lambda: _census_file(
                [(a, a, str(a)) for a in range(90)] + [(90, 100, "90+")],
                str,
                titles=[
                    "Mid-2020 Population Estimates for Wards in England and Wales,,,",
                    "Females,,,",
                ],
            ),
            "It holds only females (its title says “Females”)",
        ),
        (
            lambda: _census_file(CENSUS_23, sex="Sex: Male; "),
            "It holds only males (its age columns are “Sex: Male; Age: Aged 4 years and under” "
            "to “Sex: Male; Age: Aged 85 years and over”)",
        ),
    ],
)
def test_a_file_of_one_sex_is_refused(client, wards, data, problem):  # noqa: F811
    response = post_reach_file(client, wards, "baselines", data())
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert (
        f"Nothing was imported. {problem}: the reach page needs all persons, so import the table "
        "for all persons, or one with columns for both sexes" in response.text
    )
    assert _saved() == {}


def test_a_title_naming_both_sexes_or_persons_is_read(client, wards):  # noqa: F811
    titles = ["Population by sex: males and females,,,", "All persons,,,"]
    data = _census_file(SHORT_23, str, titles=titles)
    response = post_reach_file(client, wards, "baselines", data)
    assert response.status_code == 303, response.text
    assert "Read the column names from row 3" in client.get(response.location).text
    assert _saved() == _expected()
