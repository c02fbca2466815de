"""National files on the reach page: the ONS population estimates and the English Indices of
Deprivation list every area in the country. The rows of this partnership's areas are saved and
the rest are skipped and counted; a file with none of its areas, or a wrong row for one of
them, is refused and saves nothing."""

import random
import time

import pytest

from engage.extensions import db
from engage.models import AreaDeprivation, PopulationBaseline
from tests.conftest import hidden_fields, make_staff, post_multipart, sign_in
from tests.factories import make_area, make_consultation

LSOAS = 32_844  # the areas of the English Indices of Deprivation 2019
OURS = [f"E01{n:06d}" for n in range(1_000, 32_000, 2_600)]  # 12 of them, along the file
BANDS = ["under_16", "16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"]
MEASURES = [f"{name} Score" for name in ("Income", "Employment", "Education", "Health")] * 10


@pytest.fixture
def reach_page(app, client):
    consultation = make_consultation()
    consultation.areas = [make_area(code=code, name=f"Ward {i}") for i, code in enumerate(OURS)]
    db.session.commit()
    sign_in(client, make_staff("strategy"))
    url = f"/staff/workspace/consultations/{consultation.id}/reach"
    return url, hidden_fields(client.get(url).text)["csrf_token"]


def _post(client, reach_page, kind, data: bytes):
    url, token = reach_page
    fields = {"csrf_token": token}
    return post_multipart(client, f"{url}/{kind}", fields, f"{kind}-upload", "england.csv", data)


def _deciles(rows=LSOAS, decile=lambda code, n: n % 10 + 1) -> bytes:
    """A file laid out as the Indices' "all ranks, deciles and scores" file, its code and
    decile columns named as the reach page asks: 44 columns, 10 MB."""
    rng = random.Random(4)
    head = ["area_code", "LSOA name (2011)", "Local Authority District code (2019)", *MEASURES]
    lines = [",".join([*head, "decile"])]
    for n in range(rows):
        code = f"E01{n:06d}"
        scores = [f"{rng.random() * 100:.3f}" for _ in MEASURES]
        lines.append(",".join([code, f'"Place {n}, ward"', f"E0600{n % 317:04d}", *scores]))
        lines[-1] += f",{decile(code, n)}"
    return ("\n".join(lines) + "\n").encode()


def _population() -> bytes:
    """Mid-year estimates by area and age band for 4,375 areas, 8 rows an area: 35,000 rows."""
    codes = sorted({*OURS, *(f"E01{n:06d}" for n in range(4_365))})
    lines = ["area_code,area_name,age_band,population"]
    for n, code in enumerate(codes):
        lines += [f"{code},Place {n},{band},{100 + n % 50 + i}" for i, band in enumerate(BANDS)]
    return ("\n".join(lines) + "\n").encode()


def test_a_national_deprivation_file_saves_the_partnership_s_areas(client, reach_page):
    data = _deciles()
    assert len(data) > 10_000_000
    started = time.monotonic()
    response = _post(client, reach_page, "deprivation", data)
    took = time.monotonic() - started
    assert response.status_code == 303, response.text
    page = client.get(response.location).text
    told = "Saved the deprivation decile of 12 areas; skipped 32,832 rows for areas outside"
    assert f"{told} this partnership" in page
    saved = db.session.execute(db.select(AreaDeprivation.area_id, AreaDeprivation.decile)).all()
    assert len(saved) == 12
    assert sorted(d for _, d in saved) == sorted(int(c[3:]) % 10 + 1 for c in OURS)
    assert took < 5, took  # about 0.3 s when the machine is not busy


def test_a_national_population_file_saves_the_partnership_s_areas(client, reach_page):
    data = _population()
    assert data.count(b"\n") == 35_001
    started = time.monotonic()
    response = _post(client, reach_page, "baselines", data)
    took = time.monotonic() - started
    assert response.status_code == 303, response.text
    page = client.get(response.location).text
    told = "Saved the population of 12 areas; skipped 34,904 rows for areas outside"
    assert f"{told} this partnership" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(PopulationBaseline)) == 96
    assert took < 5, took


def test_one_area_and_one_row_skipped_are_told_in_the_singular(client, reach_page):
    data = f"area_code,decile\n{OURS[0]},3\nE01999999,4\n".encode()
    response = _post(client, reach_page, "deprivation", data)
    assert response.status_code == 303, response.text
    page = client.get(response.location).text
    assert (
        "Saved the deprivation decile of 1 area; skipped 1 row for an area outside this "
        "partnership\n" in page
    )


def test_a_national_file_with_a_wrong_row_for_one_of_its_areas_saves_nothing(client, reach_page):
    assert _post(client, reach_page, "deprivation", _deciles(1_100)).status_code == 303
    before = db.session.execute(db.select(AreaDeprivation.area_id, AreaDeprivation.decile)).all()
    # Another area's row holds words where the decile should be: not this partnership's concern.
    wrong = {OURS[3]: "11", OURS[5]: "low", "E01000007": "n/a"}
    data = _deciles(decile=lambda code, n: wrong.get(code, n % 10 + 1))
    response = _post(client, reach_page, "deprivation", data)
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    told = "the decile must be a whole number from 1 to 10"
    third, fifth = (int(code[3:]) + 2 for code in (OURS[3], OURS[5]))
    assert f"Nothing was imported. Row {third}: {told}; row {fifth}: {told}" in response.text
    assert "row 9:" not in response.text.lower()  # E01000007's
    after = db.session.execute(db.select(AreaDeprivation.area_id, AreaDeprivation.decile)).all()
    assert after == before


def test_a_national_file_with_a_duplicate_row_for_one_of_its_areas_saves_nothing(
    client, reach_page
):
    data = _population() + f"E01999999,Elsewhere,25_34,5\n{OURS[1]},Ward 1,25_34,7\n".encode()
    response = _post(client, reach_page, "baselines", data)
    assert response.status_code == 400
    assert "Row 35003: Ward 1, 25 to 34 is in the file twice" in response.text
    assert db.session.scalars(db.select(PopulationBaseline)).all() == []


def test_a_file_with_none_of_the_partnership_s_areas_is_refused(client, reach_page):
    """Welsh areas only, or the names in the code column: the wrong file or the wrong column."""
    data = "".join(f"W01{n:06d},{n % 10 + 1}\n" for n in range(1_909)).encode()
    response = _post(client, reach_page, "deprivation", b"area_code,decile\n" + data)
    assert response.status_code == 400
    assert "<title>Error: Reach of" in response.text
    assert (
        "Nothing was imported. None of its 1,909 rows is for an area of this partnership: check "
        "that it is the right file, and that its area_code column holds the areas’ codes (such as "
        f"{OURS[0]}, {OURS[1]})" in response.text
    )
    assert db.session.scalars(db.select(AreaDeprivation)).all() == []
