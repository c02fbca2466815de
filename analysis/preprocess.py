"""Text preprocessing: small pure functions composed in a list.

Only data-free parts are used: a regular-expression tokenizer, nltk's Snowball stemmer and,
optionally, simplemma's lemmatiser (its data ships in the package): nothing is downloaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from itertools import islice

from nltk.stem.snowball import SnowballStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

Step = Callable[[object], object]

_URL = re.compile(r"https?://\S+|www\.\S+")
# Letters of any script (so non-English entries still yield tokens), digits inside words;
# the apostrophe part is matched but not kept ("council's" -> "council", "don't" -> "don").
# The letters of an ordinal number are not a word ("25th", "1st", "2ND": nothing), where
# those after other numbers are ("100mph" -> "mph", "M4" -> "M4"); a token starts after
# neither a letter nor an apostrophe, so what is left of a word skipped is not one either.
# nltk's RegexpTokenizer would do the same, but it compiles through a ReDoS guard that
# costs 4x per call, which matters at a million entries: plain ``re`` is used instead.
_ORDINAL_LETTERS = r"(?!(?<=\d)(?:st|nd|rd|th|ST|ND|RD|TH)(?![^\W_]))"
TOKEN_PATTERN = rf"(?<![^\W\d_])(?<!['’]){_ORDINAL_LETTERS}([^\W\d_][^\W_]*)(?:['’][^\W\d_]+)?"  # noqa: S105
_FINDALL = re.compile(TOKEN_PATTERN).findall
_STEMMER = SnowballStemmer("english")


def load_domain_stop_words() -> frozenset[str]:
    """Return the domain stop words shipped in ``analysis/data/stopwords_domain.txt``.

    Returns
    -------
    frozenset of str
        Lower-case words that residents use in almost every entry (want, would, more ...).
    """
    text = resources.files("analysis").joinpath("data/stopwords_domain.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def stop_words(area_name: str | Sequence[str] | None = None) -> frozenset[str]:
    """Return scikit-learn's English stop words, the domain list and the area's own name.

    Parameters
    ----------
    area_name : str or sequence of str, optional
        The place the consultation is about ("Newport", ["Newport", "RI"]): every word of it
        appears everywhere, so it is a stop word too.

    Returns
    -------
    frozenset of str
    """
    return frozenset(ENGLISH_STOP_WORDS) | load_domain_stop_words() | words_of(area_name)


def words_of(value: str | Sequence[str] | None) -> frozenset[str]:
    """The words of a phrase or of a list of phrases, as the tokenizer reads them."""
    phrases = [value] if isinstance(value, str) else list(value or [])
    return frozenset(w for phrase in phrases for w in tokenize(normalise(phrase)))


def normalise(text: str) -> str:
    """Lower-case, fold compatibility characters and drop URLs."""
    text = str(text)
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return _URL.sub(" ", text) if "http" in text or "www." in text else text


def tokenize(text: str) -> list[str]:
    """Split into word tokens; possessives and contractions lose their apostrophe part."""
    return _FINDALL(text)


def make_stop_filter(words: Iterable[str], stems: Iterable[str] = ()) -> Step:
    """Return a step that drops stop words and one-letter tokens.

    A word whose Snowball stem is one of ``stems`` is dropped too, so that one word given
    drops all its forms ("ban" drops "bans", "banned" and "banning").
    """
    stop = frozenset(words)
    stop_stems = frozenset(stems)

    def drop_stop_words(tokens: list[str]) -> list[str]:
        return [t for t in tokens if len(t) > 1 and t not in stop]

    def drop_stop_words_and_forms(tokens: list[str]) -> list[str]:
        kept = drop_stop_words(tokens)
        return [t for t in kept if stem_word(t) not in stop_stems]

    return drop_stop_words_and_forms if stop_stems else drop_stop_words


def _read_lemmas() -> tuple[dict[str, str], frozenset[str]]:
    """The irregular forms ("form base" lines) and the words kept whole (one-word lines)."""
    text = resources.files("analysis").joinpath("data/lemmas_domain.txt").read_text("utf-8")
    lines = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    return {p[0]: p[1] for p in lines if len(p) == 2}, frozenset(p[0] for p in lines if len(p) == 1)


_LEMMAS, _WHOLE = _read_lemmas()


_STEMS: dict[str, str] = {}


def stem_word(word: str) -> str:
    """Snowball-stem one word (cached: a corpus has far fewer distinct words than tokens).

    Irregular forms in ``data/lemmas_domain.txt`` ("buses", "children") first become their
    base word, which Snowball alone would not reach; the words it lists alone ("parking",
    "training") are kept whole, apart from the word Snowball would make of them.
    """
    found = _STEMS.get(word)
    if found is None:
        base = _LEMMAS.get(word, word)
        found = base if base in _WHOLE or not word.isascii() else _STEMMER.stem(base)
        if len(_STEMS) < 1_000_000:
            _STEMS[word] = found
    return found


def stem(tokens: list[str]) -> list[str]:
    """Stem every token."""
    cache = _STEMS
    # A dictionary lookup inline: at a million entries the call per token is what costs.
    return [cache[t] if t in cache else stem_word(t) for t in tokens]


@lru_cache(maxsize=500_000)
def lemma_word(word: str) -> str:
    """simplemma's English lemma of one word ("buses" -> "bus", "children" -> "child")."""
    import simplemma  # only when asked for: loading its dictionary takes seconds

    return simplemma.lemmatize(word, lang="en")


def lemmatize(tokens: list[str]) -> list[str]:
    """Lemmatise every token with simplemma (its data ships in the package).

    Not in the default steps: loading its English dictionary costs seconds, more than the
    whole analysis of 10,000 entries should. Insert it before :func:`stem` to use it.
    """
    return [lemma_word(t) for t in tokens]


def default_steps(
    area_name: str | Sequence[str] | None = None,
    extra_stop_words: str | Sequence[str] | None = None,
) -> list[Step]:
    """The default pipeline: normalise, tokenize, drop stop words, stem.

    Parameters
    ----------
    area_name : str or sequence of str, optional
        See :func:`stop_words`.
    extra_stop_words : str or sequence of str, optional
        Words that carry no theme in this consultation (the question's own words, "ban" and
        "stop" in petitions); every form of each is dropped.
    """
    extra = words_of(extra_stop_words)
    stop = make_stop_filter(stop_words(area_name) | extra, {stem_word(w) for w in extra})
    return [normalise, tokenize, stop, stem]


def apply_steps(text: str, steps: Sequence[Step]) -> list[str]:
    """Run ``text`` through ``steps`` in order and return the resulting tokens."""
    value: object = text
    for step in steps:
        value = step(value)
    return value  # type: ignore[return-value]


_SENTENCE_END = re.compile(r"[.!?;:]\s+|\n")


def cased_forms(texts: Iterable[str], min_count: int = 2) -> dict[str, str]:
    """How residents write the words they capitalise: acronyms and names.

    A word written in capitals in most of its uses is shown in capitals ("nhs" -> "NHS",
    "cctv" -> "CCTV"); a word capitalised inside sentences in most of its uses keeps its
    capital ("broadway" -> "Broadway"). Sentence-initial words say nothing about a name, and
    entries in capitals throughout ("FIX THE ROADS") or with every word capitalised (titles)
    say nothing about any single word: they are not counted.

    Returns
    -------
    dict of str to str
        Lower-case word -> its written form, only for the words written otherwise.
    """
    uses: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        text = str(text)
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        sentences = [_FINDALL(s) for s in _SENTENCE_END.split(text)]
        words = [w for s in sentences for w in s]
        if len(words) < 2:
            continue
        capitals = sum(len(w) > 1 and w.isupper() for w in words)
        later = [w for s in sentences for w in s[1:] if len(w) > 3]
        if 2 * capitals > len(words) or (len(later) > 1 and all(w[0].isupper() for w in later)):
            continue  # shouted, or a title
        for s in sentences:
            for i, word in enumerate(s):
                lower = word.lower()
                uses[lower] += 1
                if (len(word) > 1 and word.isupper()) or (i and word[0].isupper()):
                    forms.setdefault(lower, Counter())[word] += 1
    out = {}
    for lower, written in forms.items():
        form, n = max(sorted(written.items()), key=lambda item: item[1])
        if n >= min_count and 2 * sum(written.values()) > uses[lower]:
            out[lower] = form
    return out


def tokenize_all(
    texts: Sequence[str], steps: Sequence[Step], surface_limit: int = 20_000, progress=None
) -> tuple[list[list[str]], dict[str, str]]:
    """Tokens of every text, and the surface form of every stem, in one pass.

    The last step of ``steps`` is taken to be the stemmer (one output token per input
    token); the words it receives are counted over the first ``surface_limit`` texts, so that
    each stem can be shown as its most frequent word ("librari" -> "library"), written as
    residents write it when that is in capitals (:func:`cased_forms`: "NHS", "Broadway").

    Parameters
    ----------
    texts : sequence of str
    steps : sequence of callables
    surface_limit : int, default=20_000
    progress : callable, optional
        Wraps the iteration over ``texts`` (a progress bar).

    Returns
    -------
    tokens : list of list of str
    surface : dict of str to str
    """
    *before, last = steps
    counts: Counter[str] = Counter()
    tokens = []
    for i, text in enumerate(progress(texts) if progress else texts):
        words = apply_steps(text, before)
        if i < surface_limit:
            counts.update(words)
        tokens.append(last(words))
    forms: dict[str, dict[str, int]] = {}
    for word, n in counts.items():
        key = last([word])
        forms.setdefault(key[0] if key else word, {})[word] = n
    cased = cased_forms(islice(texts, surface_limit))
    surface = {}
    for key, words in forms.items():
        word = max(sorted(words), key=words.__getitem__)
        surface[key] = cased.get(word, word)
    return tokens, surface


def surface_forms(texts: Iterable[str], steps: Sequence[Step]) -> dict[str, str]:
    """Map every stem to its most frequent unstemmed word, so labels read as English.

    The last step of ``steps`` is taken to be the stemmer.
    """
    return tokenize_all(list(texts), steps)[1]
