import re

from engage.services.references import new_reference, normalise_reference


def test_reference_shape():
    for _ in range(200):
        assert re.fullmatch(r"W-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}", new_reference("W"))


def test_references_differ():
    assert len({new_reference("W") for _ in range(1000)}) == 1000


def test_normalise_what_people_type():
    assert normalise_reference(" w-7k3p-9q ") == "W-7K3P-9Q"
    assert normalise_reference("W7K3PO1") == "W-7K3P-01"
