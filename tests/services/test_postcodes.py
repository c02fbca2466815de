import pytest

from engage.services.postcodes import find_area, normalise_district, normalise_postcode
from tests.factories import make_area


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("de1 2aa", "DE1 2AA"),
        ("DE221AB", "DE22 1AB"),
        (" sw1a 1aa ", "SW1A 1AA"),
        ("GIR0AA", "GIR 0AA"),
    ],
)
def test_normalises_real_postcodes(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "DE1", "12345", "QQ1 1QQ", "DE1 2AAA", "<script>", "DE1 2A"])
def test_rejects_what_is_not_a_postcode(raw):
    assert normalise_postcode(raw) is None


def test_districts():
    assert normalise_district("de22") == "DE22"
    assert normalise_district("DE22 1") is None


def test_finds_area_by_district(app):
    area = make_area(code="A1", name="Abbey", districts=["DE22"])
    assert find_area("DE22 1AB") == area
    assert find_area("DE23 1AB") is None
