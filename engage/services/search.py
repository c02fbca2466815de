"""Word search over free text that works the same on SQLite and PostgreSQL.

Each text keeps a search key: its words folded (accents dropped, case folded: "Café" → "cafe"),
lemmatised ("buses" → "bus", "children" → "child"), space separated and space padded. A query
word, folded and lemmatised alike, matches a whole lemma, so "bus" finds "buses" but not
"business", and "creche" finds "crèche" as "crèche" finds "creche".

Only accents are folded: the marks on Latin, Greek and Cyrillic letters, and the short-vowel
marks Arabic and Hebrew writers mostly leave out (harakat, points: "جدا" finds "جداً"). The
marks other scripts spell their letters with (Japanese voicing marks, the vowel signs and
viramas of Indic scripts, Arabic hamza, Thai vowels) are kept, so ガス "gas" does not find カス
"dregs", and a word keeps its marks rather than being split at them.
"""

import itertools
import re
import unicodedata
from functools import cache

import simplemma

MAX_QUERY_WORDS = 10
# Letters whose marks are accents to fold.
_ACCENTED_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")
# Vowel marks written only now and then: Hebrew points and cantillation, Arabic harakat
# (fathatan to sukun), as search engines' Arabic and Hebrew normalisers drop them.
_OPTIONAL_VOWELS = re.compile("[\u0591-\u05c7\u064b-\u0652]")
# Cyrillic letters written with a mark that are letters of their own, not accented ones: й
# and ў (a breve), ї (a diaeresis); ё is е with an accent, as readers of Russian take it.
_CYRILLIC_LETTERS = frozenset(unicodedata.normalize("NFD", c) for c in "йўї")


def _mark_ranges() -> str:
    """Every combining mark (categories Mn, Mc, Me), as ranges for a regex character class."""
    # Marks are only in the Basic and Supplementary Multilingual Planes and plane 14's
    # variation selectors; the other planes hold ideographs, private use or nothing.
    points = itertools.chain(range(0x20000), range(0xE0000, 0xE1000))
    marks = [p for p in points if unicodedata.category(chr(p)).startswith("M")]
    runs = itertools.groupby(enumerate(marks), key=lambda pair: pair[1] - pair[0])
    spans = [[p for _, p in run] for _, run in runs]
    return "".join(f"{chr(span[0])}-{chr(span[-1])}" for span in spans)


# A letter or digit, then letters, digits and marks: "स्कूल" is one word, not "स", "क", "ल".
_PART = rf"[^\W_](?:[^\W_]|[{_mark_ranges()}])*"
_WORD = re.compile(rf"{_PART}(?:['’]{_PART})*")


@cache
def _spells_with_marks(char: str) -> bool:
    """Whether marks after char belong to its letter: a letter of any script but Latin, Greek
    and Cyrillic (marks on digits, symbols or spaces belong to no letter)."""
    name = unicodedata.name(char, "")
    return unicodedata.category(char).startswith("L") and not name.startswith(_ACCENTED_SCRIPTS)


@cache
def _optional(mark: str) -> bool:
    """Marks that do not change which word it is: variation selectors, which pick how a
    letter is drawn (葛 with U+E0100 or without), and vowel marks writers mostly leave out."""
    return "VARIATION SELECTOR" in unicodedata.name(mark, "") or bool(_OPTIONAL_VOWELS.match(mark))


def fold(text: str) -> str:
    """text without accents and in one case: compatibility-decomposed (NFKD), case folded, the
    marks on Latin, Greek and Cyrillic letters dropped but for the Cyrillic letters made with
    them (й, ў, ї), composed again (NFC) ("Crèche" → "creche", "ﬁ" → "fi", "Straße" →
    "strasse", "ｶﾞｽ" → "ガス", "Ёлка" → "елка", "мой" stays "мой")."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept, keep_marks, base = [], False, ""
    for char in decomposed:
        if not unicodedata.category(char).startswith("M"):
            keep_marks, base = _spells_with_marks(char), char
        elif (not keep_marks or _optional(char)) and base + char not in _CYRILLIC_LETTERS:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def lemmas(text: str) -> list[str]:
    """The folded lemmas of the words in text."""
    # Folded again: the lemmatiser may answer with a capital ("istanbul" → "Istanbul").
    return [fold(simplemma.lemmatize(w, lang="en")) for w in _WORD.findall(fold(text))]


def search_key(text: str) -> str:
    """The value stored beside a text for searching it: ' lemma lemma … '."""
    return f" {' '.join(dict.fromkeys(lemmas(text)))} "


def query_terms(query: str) -> list[str]:
    """The distinct lemmas of a search query, at most MAX_QUERY_WORDS of them."""
    return list(dict.fromkeys(lemmas(query)))[:MAX_QUERY_WORDS]
