"""Reach uploads as spreadsheets save them: rows Excel writes as bare commas under the
figures (cells cleared, or formatted and left empty), and the carriage-return line ends of
Excel's "CSV (Macintosh)"."""

import pytest

from engage.extensions import db
from engage.models import AreaDeprivation, PopulationBaseline
from engage.services.reach_files import MAX_FILE
from tests.conftest import post_multipart
from tests.views.test_reach_numbers import _upload, reach_page  # noqa: F401


@pytest.mark.parametrize(
    ("kind", "data", "saved", "told"),
    [
        (
            "baselines",
            b"area_code,age_band,population\r\nE05001768,25_34,1200\r\n,,\r\n , ,\r\n,,\r\n",
            PopulationBaseline.population,
            "Saved the population of 1 area\n",
        ),
        (
            "deprivation",
            b"area_code,decile\r\nE05001768,2\r\n,\r\n,\r\n",
            AreaDeprivation.decile,
            "Saved the deprivation decile of 1 area\n",
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
    data = b"area_code,decile\r\nE05001768,2\r\n,\r\nE09,3\r\n\r\nE05001768,12\r\n"
    response = _upload(client, reach_page, "deprivation", data)
    assert response.status_code == 400
    assert "Row 6: the decile must be a whole number from 1 to 10" in response.text


def test_a_file_of_empty_rows_says_it_has_no_rows(client, reach_page):  # noqa: F811
    response = _upload(client, reach_page, "deprivation", b"area_code,decile\r\n,\r\n,\r\n")
    assert response.status_code == 400
    assert "The file has no rows under its header" in response.text


def test_a_file_with_carriage_return_line_ends_is_read(client, reach_page):  # noqa: F811
    data = b"area_code,decile\rE05001768,3\r"
    response = _upload(client, reach_page, "deprivation", data)
    assert response.status_code == 303, response.text
    assert db.session.scalars(db.select(AreaDeprivation.decile)).all() == [3]


def test_a_file_over_the_limit_gets_the_reach_page_s_own_message(app, client, reach_page):  # noqa: F811
    row = b"E05001768,25_34,1200\n"
    data = b"area_code,age_band,population\n" + row * (MAX_FILE // len(row) + 1)
    assert len(data) > MAX_FILE and len(data) + 1024 < app.config["REACH_FORM_MAX_CONTENT_LENGTH"]
    url, token = reach_page
    fields = {"csrf_token": token}
    response = post_multipart(
        client, f"{url}/baselines", fields, "baselines-upload", "england.csv", data
    )
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert "Nothing was imported. The file is larger than 32 MB" in response.text
    assert "save only the area_code column and the figures’ columns" in response.text
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
    data = b"sep=;\r\narea_code;decile\r\nE09;3\r\nE05001768;four\r\n"
    response = _upload(client, reach_page, "deprivation", data)
    assert response.status_code == 400
    assert "Row 4: the decile must be a whole number from 1 to 10" in response.text
