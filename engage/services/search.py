"""Word search over free text that works the same on SQLite and PostgreSQL.

Each text keeps a search key: its words lemmatised ("buses" → "bus", "children" → "child"),
lower case, space separated and space padded. A query word matches a whole lemma, so "bus"
finds "buses" but not "business".
"""

import re

import simplemma

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
MAX_QUERY_WORDS = 10


def lemmas(text: str) -> list[str]:
    """The lemmas of the words in text, lower case."""
    return [simplemma.lemmatize(w, lang="en").lower() for w in _WORD.findall(text.lower())]


def search_key(text: str) -> str:
    """The value stored beside a text for searching it: ' lemma lemma … '."""
    return f" {' '.join(dict.fromkeys(lemmas(text)))} "


def query_terms(query: str) -> list[str]:
    """The distinct lemmas of a search query, at most MAX_QUERY_WORDS of them."""
    return list(dict.fromkeys(lemmas(query)))[:MAX_QUERY_WORDS]
