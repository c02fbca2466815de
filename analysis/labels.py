"""Labelling stage: distinctive keywords, a readable label and representative entries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from importlib import resources
from itertools import permutations

import numpy as np
import scipy.sparse as sp

from analysis.preprocess import normalise, stem_word, tokenize


def class_term_scores(x: sp.csr_matrix, labels: np.ndarray, n_themes: int, weights=None):
    """c-TF-IDF on presence: how much more often a theme's entries use a term than others.

    Parameters
    ----------
    x : sparse matrix of shape (n_entries, n_terms)
    labels : ndarray of shape (n_entries,), values in [0, n_themes) or -1 (ignored)
    n_themes : int
    weights : ndarray of shape (n_entries,), optional
        Multiplicity of each row.

    Returns
    -------
    ndarray of shape (n_themes, n_terms)
    """
    w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, float)
    keep = labels >= 0
    onehot = sp.csr_matrix(
        (w[keep], (labels[keep], np.flatnonzero(keep))), shape=(n_themes, x.shape[0])
    )
    presence = (x > 0).astype(np.float64)
    counts = np.asarray((onehot @ presence).todense())
    sizes = np.asarray(onehot.sum(axis=1)).ravel()
    tf = counts / np.maximum(sizes, 1)[:, None]
    total = counts.sum(axis=0)
    mean_per_theme = counts.sum() / max(n_themes, 1)
    return tf * np.log1p(mean_per_theme / np.maximum(total, 1))


def top_keywords(
    scores: np.ndarray,
    terms: np.ndarray,
    surface: dict,
    n: int,
    phrases: dict | None = None,
    is_phrase: np.ndarray | None = None,
    chains: dict | None = None,
) -> list[tuple[str, float]]:
    """The ``n`` highest-scoring terms of one theme, as readable words with their score.

    A word already inside a higher-ranked phrase is skipped, so keywords do not repeat.
    ``phrases`` (see :func:`written_form`) gives a phrase as residents wrote it, or None
    for a phrase they did not write as such; without it a phrase is shown word by word.
    ``is_phrase`` marks the phrase terms: a phrase then ranks before a word of equal score.
    ``chains`` maps a phrase to a longer one it runs into, as written, and the other phrase
    that one holds ("utility cut" -> ("utility cut repair", "cut repair")): the longer is
    shown in place of both.
    """
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    chained: set[str] = set()
    # A phrase exactly as distinctive as its word (every "fly" here is "fly tipping") says
    # more than the word, so it comes first.
    order = (
        np.argsort(-scores, kind="stable")
        if is_phrase is None
        else np.lexsort((~is_phrase, -scores))
    )
    for j in order:
        if scores[j] <= 0 or len(out) >= n:
            break
        parts = terms[j].split(" ")
        if (len(parts) == 1 and parts[0] in seen) or terms[j] in chained:
            continue
        shown = " ".join(surface.get(p, p) for p in parts)
        if len(parts) > 1 and phrases is not None:
            shown = phrases.get(terms[j])
            if shown is None:
                continue
        if chains and terms[j] in chains:
            shown, other = chains[terms[j]]
            parts = parts + other.split(" ")
            chained.add(other)
        seen.update(parts)
        out.append((shown, float(scores[j])))
    return out


# Words a headline leaves out between two others without changing what they say.
HEADLINE_DROPS = frozenset("a an the my your our their his her its this these those".split())


def headline_words(text: str) -> list[str]:
    """The words of ``text`` as a headline keeps them: articles and possessives left out."""
    return [w for w in tokenize(normalise(text)) if w not in HEADLINE_DROPS]


def written_form(
    phrase: str,
    entries: Sequence[Sequence[str]],
    key_of: Callable[[str], str | None],
    surface: dict,
) -> str | None:
    """How residents wrote ``phrase``, or None where they did not write it as one.

    A phrase term is words left adjacent once stop words are dropped: "families ends" from
    "families can make ends meet", as well as "fly tipping". Such pairs serve the analysis,
    but a keyword should be words residents wrote together. A phrase is kept when at least
    half the entries that use it have its words side by side, or apart only by an article
    or a possessive as a headline would drop them ("activate my card": "activate card"), and
    shown in the words most of them wrote ("streets look", not the most frequent forms of
    each stem, "streets looking").

    Parameters
    ----------
    phrase : str
        A phrase term: keys joined by spaces.
    entries : sequence of list of str
        The :func:`headline_words` of the phrase's entries (a sample of them is enough).
    key_of : callable
        A written word's key, as preprocessing makes it, or None for a word it drops.
    surface : dict
        Key -> the word shown for it, whose capitals a written word takes ("NHS").
    """
    parts = phrase.split(" ")
    n = len(parts)
    written: Counter[str] = Counter()
    for words in entries:
        keys = [key_of(w) for w in words]
        for i in range(len(words) - n + 1):
            if keys[i : i + n] == parts:
                written[" ".join(words[i : i + n])] += 1
                break
    if not written or 2 * sum(written.values()) < len(entries):
        return None
    form = max(sorted(written), key=written.__getitem__)
    return " ".join(_cased(w, surface.get(key_of(w), w)) for w in form.split())


def phrase_chains(
    best: Sequence[Sequence[str]], written: Callable[[str, str], str | None]
) -> dict[str, tuple[str, str]]:
    """Two-word phrases that run on from each other and are written as one.

    Parameters
    ----------
    best : sequence of sequence of str
        Each theme's best phrase terms (those written as such).
    written : callable
        ``written(longer, phrase)``: the longer phrase as the entries of ``phrase`` write
        it, or None (:func:`written_form`).

    Returns
    -------
    dict
        Phrase -> (the longer phrase as written, the other phrase it holds), for both
        phrases of every pair ("utility cut", "cut repair": "utility cut repair") that most
        entries of each write as one.
    """
    chains: dict[str, tuple[str, str]] = {}
    for phrases in best:
        for first, second in permutations(phrases, 2):
            a, b = first.split(" "), second.split(" ")
            if len(a) != 2 or len(b) != 2 or a[1] != b[0] or a[0] == b[1]:
                continue
            if first in chains or second in chains:
                continue
            longer = f"{first} {b[1]}"
            shown = written(longer, first)
            if shown and written(longer, second):
                chains[first], chains[second] = (shown, second), (shown, first)
    return chains


def _cased(word: str, shown: str) -> str:
    """``word`` in the capitals of ``shown`` when they are the same word ("nhs", "NHS")."""
    return shown if shown.lower() == word else word


def _read_weak_stems() -> tuple[frozenset[str], frozenset[str]]:
    """Stems of ``data/label_weak_words.txt``: words that name no theme by themselves, and
    those of them that end no name either."""
    text = resources.files("analysis").joinpath("data/label_weak_words.txt").read_text("utf-8")
    sections: dict[str, set[str]] = {}
    section = sections.setdefault("", set())
    for line in (line.strip().lower() for line in text.splitlines()):
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), set())
        elif line and not line.startswith("#"):
            section.add(stem_word(line))
    ending = frozenset(sections.get("ending a phrase", ()))
    return ending | frozenset(sections.get("alone", ())), ending


# WEAK_STEMS name nothing alone; ENDING_STEMS are also trimmed off the end of a phrase.
WEAK_STEMS, ENDING_STEMS = _read_weak_stems()


def nameable(keywords: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The keywords that can name a theme, best first.

    Words that say how, when or where but not what (``data/label_weak_words.txt``) do not
    name a theme alone ("come", "weeks") and verbs and adverbs among them do not end a name
    either ("Arboretum looked" names "Arboretum"). A keyword left with nothing, or with only
    words of a better keyword, is left out. A theme whose keywords are all such words keeps
    them: a weak name is better than none.
    """
    out: list[tuple[str, float]] = []
    for keyword, score in keywords:
        words = keyword.split()
        while len(words) > 1 and stem_word(words[-1].lower()) in ENDING_STEMS:
            words.pop()
        stems = _stems(" ".join(words))
        if stems <= WEAK_STEMS or any(stems <= _stems(k) for k, _ in out):
            continue
        out.append((" ".join(words), score))
    return out or keywords


def make_label(keywords: list[tuple[str, float]], fallback: str = "Other") -> str:
    """A 2-4 word name from the top keywords ("Street lights", "Bus & fares").

    Keywords that name nothing by themselves are left out first (:func:`nameable`). A
    phrase among the top keywords that contains the top word reads better than the word
    alone, so it leads. A word alone gets a second keyword; a phrase, which names one idea
    by itself, only one at least half as distinctive as the top keyword. Words are compared
    by their stems ("parks" is "park").
    """
    keywords = nameable(keywords)
    if not keywords:
        return fallback
    top, scores = keywords[0][1], [s for _, s in keywords]
    keywords = [k for k, _ in keywords]
    first = _stems(keywords[0])
    phrase = next(
        (
            k
            for k, s in zip(keywords[1:4], scores[1:4], strict=False)
            if " " in k and first <= _stems(k) and s >= 0.5 * top
        ),
        None,
    )
    parts = [phrase or keywords[0]]
    words = _stems(parts[0])
    # A phrase names one idea by itself: a second joins it only if nearly as distinctive.
    one_idea = " " in parts[0]
    rest = [(k, s) for k, s in zip(keywords[1:], scores[1:], strict=True) if k != phrase]
    if not (one_idea and rest and _stems(rest[0][0]) <= words):
        for kw, score in rest:
            if _stems(kw) & words or len(parts[0].split()) + len(kw.split()) > 4:
                continue
            if not one_idea or score >= 0.5 * top:
                parts.append(kw)
            break
    label = " & ".join(parts)
    return label[:1].upper() + label[1:]


def _stems(keyword: str) -> set[str]:
    return {stem_word(w) for w in keyword.lower().split()}


def representatives(
    vectors: np.ndarray, centre: np.ndarray, texts: list[str], n: int, diversity: float = 0.3
) -> list[tuple[int, float]]:
    """Pick central yet diverse members (maximal marginal relevance).

    Parameters
    ----------
    vectors : ndarray of shape (n_members, d)
    centre : ndarray of shape (d,)
    texts : list of str
        Members' texts, so that identical entries are shown once.
    n : int
    diversity : float
        0 picks the most central entries; higher values trade centrality for variety.

    Returns
    -------
    list of (member index, similarity to the centre)
    """
    central = vectors @ centre
    pool = np.argsort(-central, kind="stable")[: max(50, 5 * n)]
    chosen: list[int] = []
    shown: set[str] = set()
    while len(chosen) < n:
        best, best_value = None, -np.inf
        for i in pool:
            if i in chosen or texts[i].strip().lower() in shown:
                continue
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            value = (1 - diversity) * central[i] - diversity * redundancy
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        chosen.append(int(best))
        shown.add(texts[best].strip().lower())
    return [(i, float(central[i])) for i in chosen]
