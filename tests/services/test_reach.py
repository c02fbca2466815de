"""Reach: population and deprivation imports with clear row errors (rows of areas the
platform does not have passed over), and who is under-represented."""

import pytest

from engage.extensions import db
from engage.models import AreaDeprivation, PopulationBaseline, RespondentDetails
from engage.services.reach import (
    ReachImportError,
    import_baselines,
    import_deprivation,
    reach,
)
from engage.services.reach_files import MAX_FILE
from tests.factories import make_area, make_consultation, make_wish


@pytest.fixture
def consultation(app):
    consultation = make_consultation()
    consultation.areas = [
        make_area(code="E1", name="Abbey"),
        make_area(code="E2", name="Spondon"),
        make_area(code="E3", name="Chaddesden"),
    ]
    db.session.flush()
    return consultation


def test_baselines_import_reports_every_bad_row_and_saves_nothing(consultation):
    data = (
        b"area_code,age_band,population\n"
        b"E1,25_34,1000\n"
        b"E9,25_34,1000\n"
        b"E1,teenagers,10\n"
        b"E2,16 to 24,-4\n"
        b"E2,16_24,lots\n"
        b"E1,25 to 34,5\n"
    )
    with pytest.raises(ReachImportError) as caught:
        import_baselines(data)
    message = caught.value.message
    assert message.startswith("Nothing was imported.")
    assert "E9" not in message and "row 3" not in message  # another partnership's area
    assert "Row 4: “teenagers” is not an age band" in message
    assert "row 5: the population must be a whole number" in message
    assert "row 6: the population must be a whole number" in message
    assert "row 7: Abbey, 25 to 34 is in the file twice" in message
    assert db.session.scalar(db.select(db.func.count(PopulationBaseline.id))) == 0


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "must name the columns"),
        (b"area,people\nE1,4\n", "must name the columns area_code, age_band, population"),
        (b"area_code,age_band,population\n", "no rows under its header"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_baseline_files_that_cannot_be_read(consultation, data, problem):
    with pytest.raises(ReachImportError, match=problem):
        import_baselines(data)


def test_a_file_over_the_limit_is_refused(consultation):
    with pytest.raises(ReachImportError, match="larger than 32 MB"):
        import_baselines(b"x" * (MAX_FILE + 1))


def test_deprivation_import(consultation):
    with pytest.raises(ReachImportError, match="Row 2: the decile must be a whole number from 1"):
        import_deprivation(b"area_code,decile\nE1,11\n")
    saved = import_deprivation(b"area_code,decile\nE1,1\ne2,10\n")
    assert (saved.areas, saved.skipped) == (2, 0)
    assert saved.summary == "Saved the deprivation decile of 2 areas"
    assert {d.decile for d in db.session.scalars(db.select(AreaDeprivation))} == {1, 10}


def test_rows_of_other_areas_are_skipped_and_counted(consultation):
    saved = import_baselines(
        b"area_code,age_band,population\n"
        b"E1,25_34,1000\nW99,teenagers,lots\nE1,35_44,900\n,,\nS12,16_24,5\nX,,\n"
    )
    assert (saved.areas, saved.skipped) == (1, 3)
    assert (
        saved.summary
        == "Saved the population of 1 area; skipped 3 rows for areas outside this partnership"
    )
    assert sorted(db.session.scalars(db.select(PopulationBaseline.population))) == [900, 1000]
    saved = import_deprivation(b"area_code,decile\nE1,1\nE2,2\nW1,x\n")
    assert saved.summary == (
        "Saved the deprivation decile of 2 areas; "
        "skipped 1 row for an area outside this partnership"
    )


@pytest.mark.parametrize(
    ("importer", "data"),
    [
        (import_deprivation, b"area_code,decile\nW05000001,3\nW05000002,4\n"),
        # The names where the codes should be: a code column of another kind.
        (import_deprivation, b"area_code,decile\nAbbey,3\nSpondon,4\n"),
        (import_baselines, b"area_code,age_band,population\nS1,25_34,10\n"),
    ],
)
def test_a_file_with_none_of_the_platform_s_areas_is_refused(consultation, importer, data):
    with pytest.raises(ReachImportError) as caught:
        importer(data)
    message = caught.value.message
    rows = data.count(b"\n") - 1
    told = "Its one row is not" if rows == 1 else f"None of its {rows} rows is"
    assert message == (
        f"Nothing was imported. {told} for an area of this partnership: check that it is the "
        "right file, and that its area_code column holds the areas’ codes (such as E1, E2)"
    )
    assert db.session.scalars(db.select(AreaDeprivation)).all() == []
    assert db.session.scalar(db.select(db.func.count(PopulationBaseline.id))) == 0


def test_a_row_with_more_values_than_columns_is_refused_only_if_it_names_a_platform_area(
    consultation,
):
    # Unquoted thousands push the code along; the row is refused wherever the code ends up.
    with pytest.raises(ReachImportError, match="Row 3: it has more values"):
        import_baselines(b"population,age_band,area_code\n10,25_34,E2\n1,000,25_34,E1\n")
    with pytest.raises(ReachImportError, match="Row 2: it has more values"):
        import_deprivation(b"area_code,decile\nE1,1,0\n")
    saved = import_deprivation(b"area_code,decile\nE1,1\nW1,1,0\n")
    assert (saved.areas, saved.skipped) == (1, 1)


def test_reach_finds_the_under_represented(consultation):
    abbey, spondon, chaddesden = consultation.areas
    import_baselines(
        b"area_code,age_band,population\n"
        b"E1,16_24,1000\nE1,65_74,1000\nE2,16_24,1000\nE2,65_74,1000\n"
        b"E3,16_24,1000\nE3,65_74,1000\n"
    )
    import_deprivation(b"area_code,decile\nE1,1\nE2,9\nE3,5\n")
    areas = [spondon] * 24 + [chaddesden] * 15 + [abbey] * 3
    for i, area in enumerate(areas):
        wish = make_wish(consultation, text=f"More buses {i}", area=area)
        wish.submission.details = RespondentDetails(age_band="65_74" if i < 39 else "16_24")
    db.session.flush()
    found = reach(consultation)
    by_area = {r.label: r for r in found["area"]}
    assert by_area["Abbey"].respondents == "fewer than 10"
    assert by_area["Abbey"].index is None  # it would give the hidden count away
    assert by_area["Abbey"].status == "Under-represented"
    # Chaddesden is the next smallest: hidden too, so the total cannot reveal Abbey's count.
    assert by_area["Chaddesden"].respondents == "not shown"
    assert by_area["Spondon"].respondents == "24"
    assert by_area["Spondon"].index == round((24 / 42) / (2000 / 6000), 2)
    assert by_area["Spondon"].rate == "12.0"
    ages = {r.label: r for r in found["age"]}
    assert ages["16 to 24"].status == "Under-represented"
    assert ages["65 to 74"].status == "Fair share or more"
    deciles = {r.label: r for r in found["deprivation"]}
    assert deciles["Decile 1"].status == "Under-represented"
    assert deciles["Decile 9"].status == "Fair share or more"
    assert deciles["Decile 4"].status == "No population figure"


def test_a_decile_of_two_areas_does_not_give_an_area_away(consultation):
    """Abbey (3 respondents) is hidden; Abbey and Spondon share decile 1, so Spondon or the
    decile is hidden too, or the decile's count less Spondon's would be Abbey's."""
    abbey, spondon, chaddesden = consultation.areas
    import_deprivation(b"area_code,decile\nE1,1\nE2,1\nE3,5\n")
    areas = [spondon] * 24 + [chaddesden] * 15 + [abbey] * 3
    for i, area in enumerate(areas):
        make_wish(consultation, text=f"More buses {i}", area=area)
    db.session.flush()
    found = reach(consultation)
    by_area = {r.label: r for r in found["area"]}
    deciles = {r.label: r for r in found["deprivation"]}
    assert by_area["Abbey"].respondents == "fewer than 10"
    shown = [by_area["Spondon"].respondents, deciles["Decile 1"].respondents]
    assert "not shown" in shown and "27" not in shown


def test_a_consultation_with_no_areas_has_no_area_rows(app):
    from tests.factories import make_consultation

    found = reach(make_consultation())
    assert found["area"] == []
    assert [r.respondents for r in found["deprivation"]] == ["0"] * 10
