"""The number of themes, chosen by stability under resampling.

Every candidate number is scored by how reproducible its split is: the sample is halved at
random, each half clustered on its own, and the two models' labellings of the whole sample
compared by the adjusted Rand index. The trial fits are many and small, so they use a plain
numpy k-means on the leading principal components.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state

from analysis.cluster import NeighbourSmoother, sample_rows


@dataclass(frozen=True)
class Candidate:
    """One number of themes tried by the automatic choice, its score, and whether it won."""

    n_themes: int
    score: float
    view: str = "all"
    chosen: bool = False


def candidate_counts(n: int, max_themes: int, min_themes: int = 4) -> list[int]:
    """Numbers of themes to try: geometric steps from ``min_themes`` up to the cap.

    The cap is ``max_themes`` and at most 1.5 times the square root of the number of
    entries, so that themes stay larger than their count on average: a strategy team cannot
    act on a hundred themes of five entries.
    """
    upper = int(max(min_themes, min(max_themes, np.sqrt(n) * 1.5, n - 1)))
    grid = np.unique(np.round(np.geomspace(min_themes, upper, num=12)).astype(int))
    return [int(k) for k in grid if 2 <= k < n]


def quick_spherical_kmeans(x: np.ndarray, k: int, rng, max_iter: int = 30) -> np.ndarray:
    """k-means++ seeding and Lloyd iterations on unit vectors, in plain numpy.

    For the dozens of small trial fits of :func:`stability` (a thousand rows, 32 columns),
    where scikit-learn's per-call checks cost more than the arithmetic.

    Returns
    -------
    ndarray of shape (k, d)
        Unit-norm centres.
    """
    n = len(x)
    centres = np.empty((k, x.shape[1]), dtype=x.dtype)
    centres[0] = x[rng.randint(n)]
    # Squared distance between unit vectors is 2 - 2 cos.
    closest = np.maximum(2 - 2 * x @ centres[0], 0)
    # Greedy k-means++ (as scikit-learn's): of a few candidates drawn in proportion to their
    # distance from the chosen centres, keep the one that brings the entries closest.
    trials = 2 + int(np.log(k))
    for j in range(1, k):
        cumulative = np.cumsum(closest)
        if cumulative[-1] <= 0:
            candidates = rng.randint(n, size=trials)
        else:  # drawn in proportion to ``closest`` (rng.choice checks p on every call)
            draws = rng.random_sample(trials) * cumulative[-1]
            candidates = np.minimum(np.searchsorted(cumulative, draws), n - 1)
        dist = np.minimum(closest, np.maximum(2 - 2 * x[candidates] @ x.T, 0))
        best = int(dist.sum(axis=1).argmin())
        centres[j] = x[candidates[best]]
        closest = dist[best]
    labels = np.full(n, -1)
    for _ in range(max_iter):
        new = (x @ centres.T).argmax(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        onehot = np.zeros((k, n), dtype=x.dtype)
        onehot[labels, np.arange(n)] = 1
        sums = onehot @ x
        norms = np.linalg.norm(sums, axis=1)
        filled = norms > 0
        centres[filled] = sums[filled] / norms[filled, None]
    return centres


def adjusted_rand(a: np.ndarray, b: np.ndarray) -> float:
    """The adjusted Rand index of two labellings by non-negative integers.

    The same value as :func:`sklearn.metrics.adjusted_rand_score`, without its input checks,
    which cost more than the count itself in the many calls of :func:`stability`.
    """
    n = len(a)
    table = np.bincount(a * (b.max() + 1) + b).astype(np.float64)

    def pairs(counts):
        return float(np.sum(counts * (counts - 1)) / 2)

    index = pairs(table)
    rows = pairs(np.bincount(a).astype(np.float64))
    cols = pairs(np.bincount(b).astype(np.float64))
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _best_of(x: np.ndarray, k: int, rng, n_init: int) -> np.ndarray:
    """Centres of the best (most cohesive) of ``n_init`` quick k-means runs."""
    best, best_fit = None, -np.inf
    for _ in range(n_init):
        centres = quick_spherical_kmeans(x, k, rng)
        fit = float((x @ centres.T).max(axis=1).sum())
        if fit > best_fit:
            best, best_fit = centres, fit
    return best


def stability(x: np.ndarray, k: int, random_state, repeats: int = 2, n_init: int = 1) -> float:
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
        labellings = [(x @ _best_of(x[h], k, rng, n_init).T).argmax(axis=1) for h in halves]
        scores.append(adjusted_rand(*labellings))
    return float(np.mean(scores))


def choose_n_themes(
    vectors: np.ndarray,
    max_themes: int,
    weights=None,
    random_state=0,
    sample: int = 2000,
    tolerance: float = 0.03,
    n_components: int = 32,
    repeats: int = 3,
    n_init: int = 3,
    neighbours: int = 0,
) -> tuple[int, list[Candidate]]:
    """Choose the number of themes by stability under resampling.

    Every candidate k is scored by :func:`stability` on a sample; the choice is the largest
    k whose stability is within ``tolerance`` of the best, because a finer split that is as
    reproducible as a coarser one tells the strategy team more. With ``neighbours``, each
    sampled vector is first averaged with its nearest entries of the whole set
    (:class:`NeighbourSmoother`), so that the halves are split by what neighbourhoods are
    about rather than by the words of single entries.

    Returns
    -------
    n_themes : int
    table : list of Candidate
        Every number tried with its stability, to show how the choice was made.
    """
    rows = sample_rows(len(vectors), sample, random_state, weights)
    x = vectors[rows]
    n_distinct = len(np.unique(x, axis=0))
    if neighbours and n_distinct >= 4:
        smoother = NeighbourSmoother(neighbours, random_state=random_state)
        x = smoother.fit(vectors, weights).transform(x)
    if x.shape[1] > n_components and n_distinct > n_components:
        # The leading components keep the theme structure; k-means++ on 32 dimensions
        # instead of 300-700 makes the dozens of trial fits affordable.
        pca = PCA(n_components, svd_solver="randomized", random_state=random_state)
        x = normalize(pca.fit_transform(x)).astype(np.float32)
    if n_distinct < 4:
        return max(1, n_distinct), []
    # The cap follows the whole set, not the sample: a larger consultation can hold more
    # themes, and a 2,000-entry sample still gives each of 100 trial themes ten entries.
    n_all = n_distinct if len(rows) == len(vectors) else len(vectors)
    table = [
        Candidate(k, round(stability(x, k, random_state, repeats, n_init), 4))
        for k in candidate_counts(n_all, max_themes)
        if 2 * k <= n_distinct
    ]
    if not table:
        return 2, table
    best = max(c.score for c in table)
    chosen = max(c.n_themes for c in table if c.score >= best - tolerance)
    return chosen, table
