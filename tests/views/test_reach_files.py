"""Reach uploads as spreadsheets save them: rows Excel writes as bare commas under the
figures (cells cleared, or formatted and left empty), and the carriage-return line ends of
Excel's "CSV (Macintosh)"."""

import pytest

from engage.extensions import db
from engage.models import AreaDeprivation, PopulationBaseline
from tests.conftest import post_multipart
from tests.views.test_reach_numbers import _upload, reach_page  # noqa: F401


@pytest.mark.parametrize(
    ("kind", "data", "saved", "told"),
    [
        (
            "baselines",
            b"area_code,age_band,population\r\nE05001768,25_34,1200\r\n,,\r\n , ,\r\n,,\r\n",
            PopulationBaseline.population,
            "Imported 1 population figure\n",
        ),
        (
            "deprivation",
            b"area_code,decile\r\nE05001768,2\r\n,\r\n,\r\n",
            AreaDeprivation.decile,
            "Imported 1 deprivation decile\n",
        ),
    ],
)
def test_rows_left_empty_under_the_figures_are_passed_over(
    client,
    reach_page,  # noqa: F811
    kind,
    data,
    saved,
    told,
):
    response = _upload(client, reach_page, kind, data)
    assert response.status_code == 303, response.text
    assert told in client.get(response.location).text
    assert db.session.scalars(db.select(saved)).all() in ([1200], [2])


def test_an_empty_row_between_figures_keeps_the_row_numbers_of_the_rest(client, reach_page):  # noqa: F811
    data = b"area_code,decile\r\nE05001768,2\r\n,\r\nE09,3\r\n"
    response = _upload(client, reach_page, "deprivation", data)
    assert response.status_code == 400
    assert "row 4: no area has the code “E09”" in response.text


def test_a_file_of_empty_rows_says_it_has_no_rows(client, reach_page):  # noqa: F811
    response = _upload(client, reach_page, "deprivation", b"area_code,decile\r\n,\r\n,\r\n")
    assert response.status_code == 400
    assert "the file has no rows under its header" in response.text


def test_a_file_with_carriage_return_line_ends_is_read(client, reach_page):  # noqa: F811
    data = b"area_code,decile\rE05001768,3\r"
    response = _upload(client, reach_page, "deprivation", data)
    assert response.status_code == 303, response.text
    assert db.session.scalars(db.select(AreaDeprivation.decile)).all() == [3]


def test_a_national_file_gets_the_reach_page_s_own_message(client, reach_page):  # noqa: F811
    row = b"E05001768,25_34,1200\n"
    data = b"area_code,age_band,population\n" + row * (13 * 1024 * 1024 // len(row))
    url, token = reach_page
    fields = {"csrf_token": token}
    response = post_multipart(
        client, f"{url}/baselines", fields, "baselines-upload", "england.csv", data
    )
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert "Nothing was imported. the file is larger than 1 MB" in response.text
    assert "keep only the rows of this consultation’s areas" in response.text
    assert "Photos can be up to 10 MB" not in response.text


@pytest.mark.parametrize(
    "data",
    [
        b"area_code;decile\r\nE05001768;4\r\n",  # Excel where the decimal mark is a comma
        b"area_code\tdecile\nE05001768\t4\n",  # tab-separated
        b"sep=;\r\narea_code;decile\r\nE05001768;4\r\n",  # a tool's hint to Excel
    ],
)
def test_a_file_separated_by_semicolons_or_tabs_is_read(client, reach_page, data):  # noqa: F811
    response = _upload(client, reach_page, "deprivation", data)
    assert response.status_code == 303, response.text
    assert db.session.scalars(db.select(AreaDeprivation.decile)).all() == [4]


def test_rows_after_a_separator_line_are_numbered_as_a_spreadsheet_shows_them(
    client,
    reach_page,  # noqa: F811
):
    data = b"sep=;\r\narea_code;decile\r\nE05001768;4\r\nE09;3\r\n"
    response = _upload(client, reach_page, "deprivation", data)
    assert response.status_code == 400
    assert "row 4: no area has the code “E09”" in response.text
