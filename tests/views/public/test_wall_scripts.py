"""The wish wall's search in other scripts: accents are folded, the marks that spell a word's
letters (Japanese voicing marks, Hindi vowel signs, the Arabic hamza) are kept, and the
Arabic vowel marks most writers leave out are folded."""

import pytest

from engage.extensions import db
from tests.factories import make_consultation, make_wish

GAS = "ガス、電気、水道を安く"  # make gas, electricity and water cheaper
# Trees in the park: a place name written with a variation selector choosing its glyph.
KATSUSHIKA = "葛\U000e0100飾区、公園に木を"
SCHOOL = "गाँव में स्कूल चाहिए"  # a school in the village
WATER = "पानी की कमी है"  # there is not enough water
FLOODED = "سال الماء في الشارع"  # water ran down the street
ATHENS = "Ένα καφέ όπως στην Αθήνα"  # a café as in Athens
TREE = "Ёлка на площади"  # a fir tree in the square
VERY_DIRTY = "الشارع متسخ جداً"  # the street is very dirty
MY_STREET = "Мой двор без света"  # my courtyard has no light


@pytest.fixture
def scripts(app):
    consultation = make_consultation(slug="derby")
    for text in (GAS, KATSUSHIKA, SCHOOL, WATER, FLOODED, ATHENS, TREE, VERY_DIRTY, MY_STREET):
        make_wish(consultation, text=text)
    db.session.commit()
    return consultation


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("ガス", GAS),
        ("ｶﾞｽ", GAS),  # half-width katakana, its voicing mark typed apart
        ("葛飾区", KATSUSHIKA),  # the same place typed without the glyph variant
        ("स्कूल", SCHOOL),
        ("गाँव", SCHOOL),
        ("पानी", WATER),
        ("جدا", VERY_DIRTY),  # typed without the tanween most writers leave out
        ("سال", FLOODED),
        ("αθηνα", ATHENS),
        ("ΚΑΦΕ", ATHENS),
        ("елка", TREE),
        ("мой", MY_STREET),
    ],
)
def test_a_word_in_another_script_finds_its_wish(client, scripts, search, found):
    page = client.get("/consultations/derby/wall", query_string={"q": search})
    assert page.status_code == 200
    assert f"1 wish matching “{search}”" in page.text
    assert found in page.text


@pytest.mark.parametrize(
    "search",
    [
        "カス",  # "dregs": the voicing mark makes ガス "gas" another word
        "पीना",  # "to drink": not पानी "water", though the consonants are the same
        "कम",  # "less": not कमी "shortage"
        "سأل",  # "asked": the hamza is a letter, so not سال "ran"
        "мои",  # "my" of many: й is a letter, so not мой
    ],
)
def test_a_word_differing_by_the_marks_of_its_letters_finds_nothing(client, scripts, search):
    page = client.get("/consultations/derby/wall", query_string={"q": search})
    assert page.status_code == 200
    assert "No wishes found" in page.text
    assert all(text not in page.text for text in (GAS, WATER, FLOODED, MY_STREET))
