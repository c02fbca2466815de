"""The reach page's refusals read as sentences: "Nothing was imported." and then what is wrong,
starting a sentence of its own, whatever the file's problem."""

import html
import io
import re
import zipfile

import pytest

from tests.views.test_reach_numbers import _upload, reach_page  # noqa: F401

FEMALES = ",".join(f"F{age}" for age in range(90)) + ",F90+"


def _not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "x")
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "data", "problem"),
    [
        ("baselines", b"area_code,age_band,population\nE05001768,under_16,x\n", "Row 2: the"),
        ("baselines", b"name,value\nAbbey,1\n", "The first row must name"),
        ("baselines", f"area_code,{FEMALES}\n".encode(), "It holds only females"),
        ("baselines", b"Wards\n\nWard code,people\nE05001768,1\n", "Row 3, read as the column"),
        ("baselines", _not_a_workbook(), "The file must be a CSV or XLSX file: in your"),
        ("deprivation", b"area_code,score\nE05001768,1\n", "No deprivation decile column"),
        ("deprivation", b"area_code,decile\nE09000001,3\n", "Its one row is not for an area"),
        ("deprivation", b"area_code,decile\n", "The file has no rows under its header"),
        ("deprivation", b"area_code,decile\nE05001768,\xff\n", "The file is not UTF-8 text"),
    ],
)
def test_each_refusal_reads_as_sentences(client, reach_page, kind, data, problem):  # noqa: F811
    response = _upload(client, reach_page, kind, data)
    assert response.status_code == 400
    found = re.search(r"govuk-error-summary__list\">\s*<li>\s*(.*?)\s*</li>", response.text, re.S)
    message = html.unescape(found[1])
    assert not re.search(r"\.\s+[a-z]", message), message
    assert message.startswith(f"Nothing was imported. {problem}")
