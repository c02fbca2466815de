"""Spam signals for residents' text (used by engage.services.flags): repeated characters or
words, text that is mostly symbols or digits, and near-duplicates of other entries.
"""

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Six of the same character ("!!!!!!", "zzzzzz"); digits are left to the number detectors,
# since "1000000" is an ordinary count.
_REPEATED_CHARS = re.compile(r"([^\s\d])\1{5,}")
_TOKEN = re.compile(r"\w+")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")

# A word said four times in a row is shouting or spam ("buy buy buy buy"); "no no no" is not.
_SAME_WORD_RUN = 4
# A phrase of two to eight words said three times in a row.
_SAME_PHRASE_RUN = 3
_LONGEST_PHRASE = 8

# Below this share of letters among visible characters a text is mostly symbols or digits.
_MIN_LETTER_SHARE = 0.4
_MIN_VISIBLE_FOR_SHARE = 12

# Character 5-grams of the normalised text: robust to typos, punctuation and case, while two
# different wishes that share a few common words ("More buses to ...") stay well apart.
_SHINGLE = 5
NEAR_DUPLICATE_JACCARD = 0.7


def has_repeated_characters(text: str) -> bool:
    """True for runs like "!!!!!!" or "heeeeelp"."""
    return _REPEATED_CHARS.search(text) is not None


def _has_run(tokens: list[str], size: int, needed: int) -> bool:
    """True if some phrase of `size` tokens occurs `needed` times back to back."""
    # That happens exactly when (needed - 1) * size tokens in a row each equal the token
    # `size` places later: one pass, no slicing of phrases.
    run = 0
    for current, later in zip(tokens, tokens[size:], strict=False):
        run = run + 1 if current == later else 0
        if run >= (needed - 1) * size:
            return True
    return False


def has_repeated_words(text: str) -> bool:
    """True for "buy buy buy buy" or a phrase repeated three times in a row."""
    tokens = _TOKEN.findall(text.casefold())
    if _has_run(tokens, 1, _SAME_WORD_RUN):
        return True
    return any(_has_run(tokens, size, _SAME_PHRASE_RUN) for size in range(2, _LONGEST_PHRASE + 1))


def is_mostly_non_letters(text: str) -> bool:
    """True when most visible characters are symbols or digits (and there are enough of them)."""
    visible = [ch for ch in text if not ch.isspace()]
    if len(visible) < _MIN_VISIBLE_FOR_SHARE:
        return False
    letters = sum(ch.isalpha() for ch in visible)
    return letters / len(visible) < _MIN_LETTER_SHARE


def normalise_for_comparison(text: str) -> str:
    """Case-folded, compatibility-normalised words separated by single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_ALPHANUMERIC.sub(" ", folded).strip()


@lru_cache(maxsize=16384)
def shingles(text: str) -> frozenset[str]:
    """Character 5-grams of the normalised text; cached, as the same entries are compared often."""
    norm = normalise_for_comparison(text)
    if len(norm) <= _SHINGLE:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i : i + _SHINGLE] for i in range(len(norm) - _SHINGLE + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def near_duplicate_of(text: str, others: Sequence[str]) -> int | None:
    """Index of the first of `others` that is a near-duplicate of text, or None."""
    mine = shingles(text)
    if not mine:
        return None
    size = len(mine)
    for index, other in enumerate(others):
        theirs = shingles(other)
        # Jaccard can never exceed the ratio of the set sizes: skip the intersection.
        if not theirs or min(size, len(theirs)) < NEAR_DUPLICATE_JACCARD * max(size, len(theirs)):
            continue
        if jaccard(mine, theirs) >= NEAR_DUPLICATE_JACCARD:
            return index
    return None
