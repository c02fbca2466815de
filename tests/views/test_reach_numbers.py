"""Reach uploads with numbers the csv and int() cannot take say which row is wrong; the
representation index is compared before it is rounded for display."""

import io

import pytest

from engage.extensions import db
from engage.models import Submission
from engage.services.reach import import_baselines, reach
from tests.conftest import hidden_fields, make_staff, sign_in
from tests.factories import make_area, make_consultation, make_wish

HUGE = "99999999999999999999"


@pytest.fixture
def reach_page(app, client):
    consultation = make_consultation()
    consultation.areas = [make_area(code="E05001768", name="Abbey")]
    db.session.commit()
    sign_in(client, make_staff("strategy"))
    url = f"/staff/workspace/consultations/{consultation.id}/reach"
    return url, hidden_fields(client.get(url).text)["csrf_token"]


def _upload(client, reach_page, kind, data: bytes):
    url, token = reach_page
    return client.post(
        f"{url}/{kind}",
        data={"csrf_token": token, f"{kind}-upload": (io.BytesIO(data), "file.csv")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (
            "baselines",
            "area_code,age_band,population\nE05001768,under_16,²\n",
            "Row 2: the population must be a whole number",
        ),
        (
            "baselines",
            f"area_code,age_band,population\nE05001768,under_16,{HUGE * 300}\n",
            "Row 2: the population must be a whole number",
        ),
        (
            "deprivation",
            "area_code,decile\nE05001768,²\n",
            "Row 2: the decile must be a whole number from 1 to 10",
        ),
        (
            "baselines",
            f"area_code,age_band,population\nE05001768,under_16,5\nE05001768,{'x' * 131_073},1\n",
            "Row 3: a value is longer than 131,072 characters",
        ),
        (
            "deprivation",
            f'area_code,decile\n"{"x" * 200_000}",1\n',
            "Row 2: a value is longer than 131,072 characters",
        ),
        (
            "deprivation",
            f"area_code,{'x' * 200_000}\nE05001768,1\n",
            "Row 1: a value is longer than 131,072 characters",
        ),
    ],
)
def test_reach_uploads_with_bad_numbers_say_which_row(client, reach_page, kind, data, message):
    response = _upload(client, reach_page, kind, data.encode())
    assert response.status_code == 400
    assert message in response.text


def test_the_representation_index_is_compared_before_it_is_rounded(app):
    # The demo's Abbey: 11 of 115 respondents, 14,727 of 122,667 people: 0.797, shown as 0.80.
    consultation = make_consultation()
    abbey, rest = make_area(code="E1", name="Abbey"), make_area(code="E2", name="Rest")
    consultation.areas = [abbey, rest]
    db.session.flush()
    import_baselines(
        b"area_code,age_band,population\nE1,25_34,14727\nE2,25_34," + b"%d\n" % (122_667 - 14_727)
    )
    for i in range(115):
        make_wish(consultation, text=f"More buses {i}", area=abbey if i < 11 else rest)
    db.session.flush()
    assert db.session.query(Submission).count() == 115
    row = {r.label: r for r in reach(consultation)["area"]}["Abbey"]
    assert row.respondents == "11" and row.population == 14_727
    assert f"{row.index:.2f}" == "0.80"
    assert row.status == "Under-represented"
