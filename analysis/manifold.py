"""Manifold stage: UMAP coordinates of the entries, for clustering sentence embeddings.

Sentence embeddings place an entry by its wording in hundreds of dimensions, where every
entry is nearly as far from every other; a theme is a neighbourhood of entries. UMAP (the
reduction BERTopic clusters on) keeps each entry's nearest neighbours together in a few
dimensions, and k-means on those coordinates finds the neighbourhoods. Over seeds 0-2 with
the true number of themes, it raised the NMI of ``embedding`` from 0.482 to 0.529 on
newport_seeclickfix, 0.798 to 0.822 on banking77 and 0.690 to 0.720 on searchsnippets.

UMAP is fitted on at most ``max_fit`` entries (UMAP's own ``transform`` of the rest took
twice as long as the fit); every other entry, and every new one, is placed at the
similarity-weighted mean of the coordinates of its nearest fitted entries, and an entry
identical to a fitted one gets that entry's coordinates, so ``transform`` agrees with ``fit``.

Below 4,096 entries UMAP computes every distance itself. Above, where it would search by
nearest-neighbour descent (about 98% of the true neighbours), it is given each fitted entry's
exact nearest neighbours, found by blocks of one matrix product: the descent compiles itself
in every new process, and on 20,000 MiniLM vectors, on one thread, its first search took
53 s (a second one 2 s), where the exact search takes 8 s every time.

``umap-learn`` is imported only here, and comes with the ``embedding`` extra.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize

from analysis.cluster import most_similar, sample_rows

# A new entry this similar to a fitted one (cosine of the search projection) is that entry.
_SAME = 1 - 1e-5
# From this many fitted entries UMAP would approximate the neighbours (its own threshold).
EXACT_NEIGHBOURS_FROM = 4096


def nearest_neighbours(vectors: np.ndarray, n_neighbours: int, batch_cells: int = 4_000_000):
    """Exact cosine nearest neighbours of every row among the rows, itself first.

    Returns ``(indices, distances)``, each of shape ``(n, n_neighbours)``, nearest first, in
    the form UMAP's ``precomputed_knn`` takes (distance = 1 - cosine). Rows are searched in
    blocks of about ``batch_cells`` similarities, which bounds the extra memory.
    """
    unit = normalize(np.asarray(vectors, np.float32))
    nn = min(n_neighbours, len(unit))
    indices = np.empty((len(unit), nn), np.int32)
    distances = np.empty((len(unit), nn), np.float32)
    for rows, near, sims in most_similar(unit, unit, nn, batch_cells, own=True):
        order = np.argsort(-sims, axis=1, kind="stable")
        indices[rows] = np.take_along_axis(near, order, axis=1)
        dist = 1 - np.take_along_axis(sims, order, axis=1)
        dist[:, 0] = 0.0
        distances[rows] = np.maximum(dist, 0.0)
    return indices, distances


def load_umap():
    """The UMAP class, or an ImportError that says how to install it."""
    try:
        with warnings.catch_warnings():  # "Tensorflow not installed": only ParametricUMAP needs it
            warnings.simplefilter("ignore", ImportWarning)
            from umap import UMAP
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            'reduce="umap" needs the optional extra: pip install torch==2.13.0 '
            '-e ".[embedding]" (umap-learn==0.5.12)'
        ) from exc
    return UMAP


class UmapReducer:
    """Low-dimensional UMAP coordinates of unit vectors, for Euclidean k-means.

    Parameters
    ----------
    n_neighbours : int, default=15
        UMAP's ``n_neighbors``, and the number of fitted entries a new entry is placed by.
    n_components : int, default=5
        Dimensions of the coordinates (BERTopic's default; 10 was no better).
    max_fit : int, default=20_000
        UMAP is fitted on at most this many entries (a weighted sample).
    search_dims : int, default=64
        Nearest fitted entries are searched on this many principal components.
    random_state : int, default=0
        UMAP runs on one thread when it is given, and is then deterministic.

    Attributes
    ----------
    reference_ : ndarray of shape (n_fit, search_dims)
        Search projection of the fitted entries.
    coords_ : ndarray of shape (n_fit, n_components)
        Their UMAP coordinates.
    """

    def __init__(
        self,
        n_neighbours: int = 15,
        n_components: int = 5,
        max_fit: int = 20_000,
        search_dims: int = 64,
        random_state=0,
    ):
        self.n_neighbours = n_neighbours
        self.n_components = n_components
        self.max_fit = max_fit
        self.search_dims = search_dims
        self.random_state = random_state

    def fit_transform(self, vectors: np.ndarray, weights=None) -> np.ndarray:
        """Fit UMAP on (a sample of) ``vectors``; return coordinates for every row."""
        umap_class = load_umap()
        rows = sample_rows(len(vectors), self.max_fit, self.random_state, weights)
        # Different entries can have the same vector (only stop words apart): UMAP is given
        # each vector once, and its copies take its coordinates.
        _, first = np.unique(vectors[rows], axis=0, return_index=True)
        rows = rows[np.sort(first)]
        fitted = vectors[rows]
        n_neighbours = min(self.n_neighbours, len(fitted) - 1)
        knn = (None, None, None)
        if len(fitted) >= EXACT_NEIGHBOURS_FROM:
            knn = nearest_neighbours(fitted, n_neighbours)  # each entry its own first, as in UMAP
        reducer = umap_class(
            n_neighbors=n_neighbours,
            n_components=self.n_components,
            min_dist=0.0,
            metric="cosine",
            random_state=self.random_state,
            n_jobs=1 if self.random_state is not None else -1,  # a seed runs on one thread
            # A cosine graph of unit vectors: the spectral start is the usual one, and its
            # eigensolver warns without cause on small sets.
            init="spectral" if len(fitted) > 4 * self.n_components else "random",
            precomputed_knn=knn,
        )
        with warnings.catch_warnings():
            # Entries in separate islands (a disconnected neighbour graph) make the spectral
            # start fall back to a random one, seeded too: nothing the caller must act on.
            warnings.filterwarnings("ignore", ".*(pectral|not fully connected)", UserWarning)
            # Without a search index UMAP's own transform is unavailable; it is not used.
            warnings.filterwarnings("ignore", ".*knn_search_index", UserWarning)
            self.coords_ = reducer.fit_transform(fitted).astype(np.float32)
        self.pca_ = None
        if fitted.shape[1] > self.search_dims and len(fitted) > self.search_dims:
            self.pca_ = PCA(
                self.search_dims, svd_solver="randomized", random_state=self.random_state
            ).fit(fitted)
        self.reference_ = self._project(fitted)
        out = np.empty((len(vectors), self.n_components), np.float32)
        out[rows] = self.coords_
        rest = np.setdiff1d(np.arange(len(vectors)), rows)
        if len(rest):
            out[rest] = self.transform(vectors[rest])
        return out

    def _project(self, vectors: np.ndarray) -> np.ndarray:
        if self.pca_ is None:
            return np.asarray(vectors, np.float32)
        return normalize(self.pca_.transform(vectors)).astype(np.float32)

    def transform(self, vectors: np.ndarray, batch_cells: int = 4_000_000) -> np.ndarray:
        """Place rows at the similarity-weighted mean of their nearest fitted entries.

        Rows are searched in blocks of about ``batch_cells`` similarities.
        """
        nn = min(self.n_neighbours, len(self.reference_))
        out = np.empty((len(vectors), self.n_components), np.float32)
        blocks = most_similar(vectors, self.reference_, nn, batch_cells, project=self._project)
        for rows, near, near_sims in blocks:
            weights = np.maximum(near_sims, 1e-6)
            placed = np.einsum("ij,ijk->ik", weights, self.coords_[near]) / weights.sum(1)[:, None]
            best = near_sims.argmax(axis=1)
            same = near_sims[np.arange(len(best)), best] >= _SAME
            placed[same] = self.coords_[near[same, best[same]]]
            out[rows] = placed
        return out
