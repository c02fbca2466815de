"""Clustering stage: spherical k-means, average linkage, small themes, neighbour smoothing.

Vectors are L2-normalised, so k-means on them with re-normalised centres is spherical
k-means (cosine similarity). Large inputs are clustered on a sample and the rest assigned
to the nearest centre, which keeps 1M entries within memory and minutes. The choice of the
number of themes is in :mod:`analysis.selection`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state


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


def most_similar(queries, reference, n: int, batch_cells: int = 2_000_000, project=None, own=False):
    """The ``n`` rows of ``reference`` most similar to each query, block by block.

    Queries are searched in blocks of about ``batch_cells`` similarities (``queries @
    reference.T``), which bounds the extra memory whatever the number of queries.

    Parameters
    ----------
    queries, reference : ndarray of shape (m, d) and (r, d)
    n : int
        At most ``len(reference)``.
    batch_cells : int, default=2_000_000
    project : callable, optional
        Applied to each block of queries before the search (the reference is already
        projected), so a projection of all queries is never held at once.
    own : bool, default=False
        The queries are the reference itself: each row finds itself first, whatever the
        rounding of its similarity to itself.

    Yields
    ------
    rows : slice
        The block of queries.
    near : ndarray of shape (block, n)
        Indices into ``reference``, in no particular order.
    similarities : ndarray of shape (block, n)
        Their similarities (``inf`` for a row's own entry when ``own``).
    """
    batch = max(16, batch_cells // max(len(reference), 1))
    for start in range(0, len(queries), batch):
        block = queries[start : start + batch]
        sims = (block if project is None else project(block)) @ reference.T
        if own:
            diagonal = np.arange(len(sims))
            sims[diagonal, start + diagonal] = np.inf
        np.negative(sims, out=sims)
        near = np.argpartition(sims, n - 1, axis=1)[:, :n]
        near_sims = np.take_along_axis(sims, near, axis=1)
        np.negative(near_sims, out=near_sims)
        yield slice(start, start + len(block)), near, near_sims


# Dimensions of the leading components the restarts of k-means are run on.
_TRIAL_DIMS = 32


def spherical_kmeans(
    vectors: np.ndarray,
    n_clusters: int,
    weights=None,
    random_state=0,
    n_init: int | str = "auto",
    max_sample: int = 50_000,
    max_iter: int = 60,
    init: np.ndarray | None = None,
) -> np.ndarray:
    """Fit k-means on (a sample of) unit vectors and return unit-norm centres.

    Parameters
    ----------
    vectors : ndarray of shape (n, d), rows L2-normalised
    n_clusters : int
    weights : ndarray of shape (n,), optional
        Multiplicity of each row (duplicates are clustered once, with their count).
    random_state : int, RandomState or None
    n_init : int or "auto"
        Runs from different seeds, the best kept ("auto": 10 runs for a few themes, where a
        bad start costs most and a run costs least, down to 3 from 14 themes).
    max_sample : int
        Rows beyond this are not used to fit the centres, only assigned later.
    max_iter : int
        Lloyd iterations per run: on text the last hundreds move a handful of entries
        and cost most of the time.
    init : ndarray of shape (m, d), optional
        Starting centres (earlier themes): one run from them, with the first ``n_clusters``
        kept, or the most distinct extra entries added when ``m`` is smaller.

    Returns
    -------
    ndarray of shape (n_clusters, d)
    """
    rows = sample_rows(len(vectors), max_sample, random_state, weights)
    w = None if weights is None or len(rows) < len(vectors) else weights
    n_clusters = min(n_clusters, len(np.unique(vectors[rows], axis=0)))
    if n_init == "auto":
        n_init = int(np.clip(40 // max(n_clusters, 1), 3, 10))
    x = vectors[rows]
    if init is not None:
        start = _extend_centres(np.asarray(init, x.dtype)[:n_clusters], x, n_clusters)
        km = KMeans(n_clusters, init=start, n_init=1, max_iter=max_iter)
        km.fit(x, sample_weight=w)
        return normalize(km.cluster_centers_).astype(np.float32)
    init = "k-means++"
    if n_init > 1 and x.shape[1] > 2 * _TRIAL_DIMS and len(x) > 2 * _TRIAL_DIMS:
        # The restarts only pick a good start: run them on the leading components, then
        # one run in full from the best of them.
        pca = PCA(_TRIAL_DIMS, svd_solver="randomized", random_state=random_state)
        trial = KMeans(n_clusters, n_init=n_init, max_iter=max_iter, random_state=random_state)
        trial.fit(normalize(pca.fit_transform(x)), sample_weight=w)
        init = recentre(
            x, trial.labels_, n_clusters, np.ones(len(x)) if w is None else w, x[:n_clusters]
        )
        n_init = 1
    km = KMeans(n_clusters, init=init, n_init=n_init, max_iter=max_iter, random_state=random_state)
    km.fit(x, sample_weight=w)
    return normalize(km.cluster_centers_).astype(np.float32)


def _extend_centres(centres: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    """Add the entries farthest from every centre until there are ``k`` centres."""
    centres = list(centres)
    while len(centres) < k:
        closest = (x @ np.array(centres).T).max(axis=1) if centres else np.zeros(len(x))
        centres.append(x[int(closest.argmin())])
    return np.array(centres, dtype=x.dtype)


def merge_small(vectors, labels, centres, min_size: int, weights=None, euclidean=False):
    """Fold themes smaller than ``min_size`` into their nearest larger theme.

    Small themes are merged (their entries keep a theme), never dropped.

    Parameters
    ----------
    euclidean : bool, default=False
        The rows are coordinates (see :func:`coords_kmeans`), not unit vectors.

    Returns
    -------
    centres : ndarray
        Centres of the surviving themes (unit-norm unless ``euclidean``).
    """
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, float)
    nearest = assign_coords if euclidean else assign
    for _ in range(10):
        sizes = np.bincount(labels, weights=w, minlength=len(centres))
        small = sizes < min_size
        if not small.any() or small.all():
            break
        centres = centres[~small]
        labels, _ = nearest(vectors, centres)
        centres = recentre(vectors, labels, len(centres), w, centres, unit=not euclidean)
    return centres


def linkage_centres(vectors, n_clusters: int) -> np.ndarray | None:
    """Unit centres of an average-linkage partition (cosine) of the rows into ``n_clusters``.

    k-means cuts a large, tight group (forty entries about one event, a campaign's
    near-identical answers) into pieces of similar size to lower its squared distances;
    average linkage joins rows by their mean similarity and keeps such a group whole. It
    holds every pairwise distance: give it a sample. ``None`` when the rows are too few
    for ``n_clusters`` groups.
    """
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform
    from sklearn.metrics.pairwise import cosine_distances

    n = len(vectors)
    if n_clusters < 2 or len(np.unique(vectors, axis=0)) < 2 * n_clusters:
        return None
    merges = linkage(squareform(cosine_distances(vectors), checks=False), method="average")
    # The first n - k merges leave k groups (as cutting the tree at k does).
    parent = np.arange(2 * n - 1)
    for step, (a, b) in enumerate(merges[: n - n_clusters, :2].astype(np.int64)):
        parent[a] = parent[b] = n + step
    roots = np.arange(n)
    for _ in range(n):  # follow every leaf up to the group it belongs to
        up = parent[roots]
        if np.array_equal(up, roots):
            break
        roots = up
    labels = np.unique(roots, return_inverse=True)[1]
    ones, zeros = np.ones(n), np.zeros((n_clusters, vectors.shape[1]))
    return recentre(vectors, labels, n_clusters, ones, zeros)


def silhouette(distances, labels) -> float:
    """Mean silhouette of a partition, given the rows' pairwise distances.

    With the number of themes fixed, the partition whose entries sit closer to their own
    theme than to the next one is the better one (silhouette cannot choose the number:
    on short texts it rises with it). -1 with fewer than two themes.
    """
    from sklearn.metrics import silhouette_score

    found = len(np.unique(labels))
    if found < 2 or found >= len(labels):
        return -1.0
    return float(silhouette_score(distances, labels, metric="precomputed"))


def coords_kmeans(coords, n_clusters: int, weights=None, random_state=0, init=None):
    """Euclidean k-means on low-dimensional coordinates (ten k-means++ starts, or ``init``).

    Returns
    -------
    ndarray of shape (n_clusters, n_components)
    """
    n_clusters = min(n_clusters, len(np.unique(coords, axis=0)))
    if init is not None and len(init) >= n_clusters:
        km = KMeans(n_clusters, init=np.asarray(init, coords.dtype)[:n_clusters], n_init=1)
    else:
        km = KMeans(n_clusters, n_init=10, random_state=random_state)
    return km.fit(coords, sample_weight=weights).cluster_centers_.astype(np.float32)


def assign_coords(coords: np.ndarray, centres: np.ndarray, batch: int = 65_536):
    """Nearest centre by Euclidean distance, in batches; returns labels and distances."""
    labels = np.empty(len(coords), dtype=np.int64)
    dists = np.empty(len(coords), dtype=np.float32)
    for start in range(0, len(coords), batch):
        block = coords[start : start + batch]
        d2 = ((block[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels[start : start + batch] = d2.argmin(axis=1)
        dists[start : start + batch] = np.sqrt(d2.min(axis=1))
    return labels, dists


def recentre(vectors, labels, k, weights, previous, unit=True):
    """Weighted mean of each theme's rows (unit-norm if ``unit``); empty ones keep ``previous``."""
    onehot = sp.csr_matrix((weights, (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    sums = np.asarray(onehot @ vectors)
    empty = ~sums.any(axis=1)
    sums[empty] = previous[empty]
    if not unit:
        totals = np.asarray(onehot.sum(axis=1)).ravel()
        sums[~empty] /= totals[~empty, None]
        return sums.astype(np.float32)
    return normalize(sums).astype(np.float32)


class NeighbourSmoother:
    """Move every vector towards the mean of its nearest neighbours among the entries.

    Sentence embeddings place an entry by its wording; averaging it with the entries closest
    to it places it by what its neighbourhood is about, which is what a theme is (the same
    reason BERTopic reduces with UMAP's neighbour graph before clustering). Neighbours are
    searched on the leading principal components and among a reference sample of the
    fitted entries, so a new entry is smoothed exactly as a fitted one.

    Parameters
    ----------
    n_neighbours : int
    max_reference : int, default=20_000
    n_components : int, default=64
    random_state : int, RandomState or None, default=0
    """

    def __init__(
        self, n_neighbours: int, max_reference: int = 20_000, n_components: int = 64, random_state=0
    ):
        self.n_neighbours = n_neighbours
        self.max_reference = max_reference
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, vectors: np.ndarray, weights=None) -> NeighbourSmoother:
        """Keep a reference sample of ``vectors`` and the projection used to search it."""
        rows = sample_rows(len(vectors), self.max_reference, self.random_state, weights)
        self.reference_ = vectors[rows]
        self.pca_ = None
        if vectors.shape[1] > self.n_components and len(rows) > self.n_components:
            self.pca_ = PCA(
                self.n_components, svd_solver="randomized", random_state=self.random_state
            ).fit(self.reference_)
        self.search_ = self._project(self.reference_)
        return self

    def _project(self, vectors: np.ndarray) -> np.ndarray:
        if self.pca_ is None:
            return vectors
        return normalize(self.pca_.transform(vectors)).astype(np.float32)

    def transform(self, vectors: np.ndarray, batch_cells: int = 2_000_000) -> np.ndarray:
        """Return ``normalize(v + mean of its neighbours)`` for every row (zero rows stay).

        Rows are searched in blocks of about ``batch_cells`` similarities, which bounds the
        extra memory (about 12 bytes a cell) whatever the size of the reference sample.
        """
        nn = min(self.n_neighbours, len(self.reference_) - 1)
        if nn < 1 or len(vectors) == 0:
            return vectors
        out = np.empty_like(vectors)
        blocks = most_similar(vectors, self.search_, nn, batch_cells, project=self._project)
        for rows, near, _ in blocks:
            out[rows] = vectors[rows] + self.reference_[near].mean(axis=1)
        out = normalize(out).astype(np.float32)
        out[~vectors.any(axis=1)] = 0
        return out
