"""Word search over free text that works the same on SQLite and PostgreSQL.

Each text keeps a search key: its words folded (accents dropped, case folded: "Café" → "cafe"),
lemmatised ("buses" → "bus", "children" → "child"), space separated and space padded. A query
word, folded and lemmatised alike, matches a whole lemma, so "bus" finds "buses" but not
"business", and "creche" finds "crèche" as "crèche" finds "creche".
"""

import re
import unicodedata

import simplemma

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
MAX_QUERY_WORDS = 10


def fold(text: str) -> str:
    """text without accents and in one case: compatibility-decomposed (NFKD), combining marks
    dropped, case folded ("Crèche" → "creche", "ﬁ" → "fi", "Straße" → "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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
