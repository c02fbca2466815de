"""Clustering stage: spherical k-means, the choice of the number of themes, small themes.

Vectors are L2-normalised, so k-means on them with re-normalised centres is spherical
k-means (cosine similarity). Large inputs are clustered on a sample and the rest assigned
to the nearest centre, which keeps 1M entries within memory and minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state


@dataclass(frozen=True)
class Candidate:
    """One number of themes tried by the automatic choice and its score."""

    n_themes: int
    score: float


def sample_rows(n: int, size: int, random_state, weights=None) -> np.ndarray:
    """Sorted indices of at most ``size`` rows, drawn with probability ~ ``weights``."""
    if n <= size:
        return np.arange(n)
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    rng = check_random_state(random_state)
    return np.sort(rng.choice(n, size, replace=False, p=p))


def assign(vectors: np.ndarray, centres: np.ndarray, batch: int = 65_536):
    """Nearest centre by cosine similarity, in batches to bound memory.

    Returns
    -------
    labels : ndarray of int
    scores : ndarray of float32
        Cosine similarity to the chosen centre.
    """
    labels = np.empty(len(vectors), dtype=np.int64)
    scores = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), batch):
        sims = vectors[start : start + batch] @ centres.T
        labels[start : start + batch] = sims.argmax(axis=1)
        scores[start : start + batch] = sims.max(axis=1)
    return labels, scores


def spherical_kmeans(
    vectors: np.ndarray, n_clusters: int, weights=None, random_state=0,
    n_init: int = 3, max_sample: int = 50_000,
) -> np.ndarray:
    """Fit k-means on (a sample of) unit vectors and return unit-norm centres.

    Parameters
    ----------
    vectors : ndarray of shape (n, d), rows L2-normalised
    n_clusters : int
    weights : ndarray of shape (n,), optional
        Multiplicity of each row (duplicates are clustered once, with their count).
    random_state : int, RandomState or None
    n_init : int
    max_sample : int
        Rows beyond this are not used to fit the centres, only assigned later.

    Returns
    -------
    ndarray of shape (n_clusters, d)
    """
    rows = sample_rows(len(vectors), max_sample, random_state, weights)
    w = None if weights is None or len(rows) < len(vectors) else weights
    n_clusters = min(n_clusters, len(np.unique(vectors[rows], axis=0)))
    km = KMeans(n_clusters, n_init=n_init, random_state=random_state)
    km.fit(vectors[rows], sample_weight=w)
    return normalize(km.cluster_centers_).astype(np.float32)


def candidate_counts(n: int, max_themes: int) -> list[int]:
    """Numbers of themes to try: geometric steps from 2 up to the cap."""
    upper = int(max(2, min(max_themes, np.sqrt(n) * 2, n - 1)))
    grid = np.unique(np.round(np.geomspace(2, upper, num=14)).astype(int))
    return [int(k) for k in grid if 2 <= k < n]


def choose_n_themes(
    vectors: np.ndarray, max_themes: int, weights=None, random_state=0, sample: int = 4000
) -> tuple[int, list[Candidate]]:
    """Choose the number of themes that maximises the silhouette on a sample.

    Returns
    -------
    n_themes : int
    table : list of Candidate
        Every number tried with its score, to show how the choice was made.
    """
    rows = sample_rows(len(vectors), sample, random_state, weights)
    x = vectors[rows]
    n_distinct = len(np.unique(x, axis=0))
    table = []
    for k in candidate_counts(n_distinct, max_themes):
        labels = KMeans(k, n_init=2, random_state=random_state).fit_predict(x)
        score = silhouette_score(x, labels) if len(set(labels)) > 1 else -1.0
        table.append(Candidate(k, round(float(score), 4)))
    if not table:
        return 1, table
    best = max(table, key=lambda c: c.score)
    return best.n_themes, table


def merge_small(vectors, labels, centres, min_size: int, weights=None):
    """Fold themes smaller than ``min_size`` into their nearest larger theme.

    Small themes are merged (their entries keep a theme), never dropped.

    Returns
    -------
    centres : ndarray
        Unit-norm centres of the surviving themes.
    """
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, float)
    for _ in range(10):
        sizes = np.bincount(labels, weights=w, minlength=len(centres))
        small = sizes < min_size
        if not small.any() or small.all():
            break
        centres = centres[~small]
        labels, _ = assign(vectors, centres)
        centres = _recentre(vectors, labels, len(centres), w, centres)
    return centres


def _recentre(vectors, labels, k, weights, previous):
    onehot = sp.csr_matrix((weights, (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    sums = np.asarray(onehot @ vectors)
    empty = ~sums.any(axis=1)
    sums[empty] = previous[empty]
    return normalize(sums).astype(np.float32)
