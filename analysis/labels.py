"""Labelling stage: distinctive keywords, a readable label and representative entries."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


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
    scores: np.ndarray, terms: np.ndarray, surface: dict, n: int
) -> list[tuple[str, float]]:
    """The ``n`` highest-scoring terms of one theme, as readable words with their score.

    A word already inside a higher-ranked phrase is skipped, so keywords do not repeat.
    """
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for j in np.argsort(-scores, kind="stable"):
        if scores[j] <= 0 or len(out) >= n:
            break
        parts = terms[j].split(" ")
        if len(parts) == 1 and parts[0] in seen:
            continue
        seen.update(parts)
        out.append((" ".join(surface.get(p, p) for p in parts), float(scores[j])))
    return out


def make_label(keywords: list[tuple[str, float]], fallback: str = "Other") -> str:
    """A 2-4 word name from the top keywords ("Street lights", "Bus & fares").

    A phrase among the top keywords that contains the top word reads better than the word
    alone, so it leads; a second keyword is added only if the name is still one idea short.
    """
    if not keywords:
        return fallback
    (first, top), scores = keywords[0], [s for _, s in keywords]
    keywords = [k for k, _ in keywords]
    phrase = next(
        (
            k
            for k, s in zip(keywords[1:4], scores[1:4], strict=False)
            if " " in k and first in k.split() and s >= 0.5 * top
        ),
        None,
    )
    parts = [phrase or first]
    words = parts[0].split()
    rest = [k for k in keywords[1:] if k != phrase]
    if not (phrase and len(rest) and set(rest[0].split()) <= set(words)):
        for kw in rest:
            new = kw.split()
            if set(new) & set(words) or len(words) + len(new) > 4:
                continue
            parts.append(kw)
            break
    label = " & ".join(parts)
    return label[:1].upper() + label[1:]


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
