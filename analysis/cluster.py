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
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state


@dataclass(frozen=True)
class Candidate:
    """One number of themes tried by the automatic choice and its score."""

    n_themes: int
    score: float
    view: str = "all"


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
    vectors: np.ndarray,
    n_clusters: int,
    weights=None,
    random_state=0,
    n_init: int = 3,
    max_sample: int = 50_000,
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


def candidate_counts(n: int, max_themes: int, min_themes: int = 4) -> list[int]:
    """Numbers of themes to try: geometric steps from ``min_themes`` up to the cap.

    The cap is ``max_themes`` and at most 1.5 times the square root of the number of
    entries, so that themes stay larger than their count on average: a strategy team cannot
    act on a hundred themes of five entries.
    """
    upper = int(max(min_themes, min(max_themes, np.sqrt(n) * 1.5, n - 1)))
    grid = np.unique(np.round(np.geomspace(min_themes, upper, num=12)).astype(int))
    return [int(k) for k in grid if 2 <= k < n]


def stability(x: np.ndarray, k: int, random_state, repeats: int = 2) -> float:
    """How reproducible a k-theme split is: ARI of two k-means fitted on disjoint halves.

    Each half is clustered on its own and both models label the whole sample; the adjusted
    Rand index of the two labellings is 1 when the same themes come back whatever the data,
    and near 0 when k forces arbitrary cuts.
    """
    rng = check_random_state(random_state)
    scores = []
    for _ in range(repeats):
        order = rng.permutation(len(x))
        halves = order[: len(x) // 2], order[len(x) // 2 :]
        seeds = rng.randint(0, 2**31 - 1, size=2)
        fits = [
            KMeans(k, n_init=1, random_state=int(s)).fit(x[h])
            for h, s in zip(halves, seeds, strict=True)
        ]
        scores.append(adjusted_rand_score(fits[0].predict(x), fits[1].predict(x)))
    return float(np.mean(scores))


def choose_n_themes(
    vectors: np.ndarray,
    max_themes: int,
    weights=None,
    random_state=0,
    sample: int = 2000,
    tolerance: float = 0.03,
    n_components: int = 64,
) -> tuple[int, list[Candidate]]:
    """Choose the number of themes by stability under resampling.

    Every candidate k is scored by :func:`stability` on a sample; the choice is the largest
    k whose stability is within ``tolerance`` of the best, because a finer split that is as
    reproducible as a coarser one tells the strategy team more.

    Returns
    -------
    n_themes : int
    table : list of Candidate
        Every number tried with its stability, to show how the choice was made.
    """
    rows = sample_rows(len(vectors), sample, random_state, weights)
    x = vectors[rows]
    n_distinct = len(np.unique(x, axis=0))
    if x.shape[1] > n_components and n_distinct > n_components:
        # The leading components keep the theme structure; k-means++ on 64 dimensions
        # instead of 300-700 makes the dozens of trial fits affordable.
        pca = PCA(n_components, svd_solver="randomized", random_state=random_state)
        x = normalize(pca.fit_transform(x)).astype(np.float32)
    if n_distinct < 4:
        return max(1, n_distinct), []
    table = [
        Candidate(k, round(stability(x, k, random_state), 4))
        for k in candidate_counts(n_distinct, max_themes)
        if 2 * k <= n_distinct
    ]
    if not table:
        return 2, table
    best = max(c.score for c in table)
    chosen = max(c.n_themes for c in table if c.score >= best - tolerance)
    return chosen, table


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
