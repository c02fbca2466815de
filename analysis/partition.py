"""How :class:`analysis.ThemeModel` partitions its entries into themes.

The model represents the entries; this mixin finds the themes among their vectors. The number
of themes is chosen by stability (:mod:`analysis.selection`) unless given; spherical k-means
finds the themes, terms are weighed by how concentrated they are in them and the entries
clustered again; with sentence embeddings the final themes come from k-means on UMAP
coordinates; and average linkage's partition replaces k-means' where it separates the themes
better.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from sklearn.metrics.pairwise import cosine_distances
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state

from analysis import cluster, selection
from analysis.manifold import UmapReducer
from analysis.representation import EmbeddingRepresentation, theme_term_weights

# The final UMAP clustering is used when the median theme holds at least this many entries.
_MIN_REDUCED_THEME = 40
# Neighbours each sampled vector is averaged with when the number of themes is chosen on
# vectors that were not smoothed (tfidf): 13 of 24 set x seed pairs passed without, 16 with.
_CHOICE_NEIGHBOURS = 15
# Entries on which average linkage is compared with k-means' themes (3,000 squared
# distances, by one matrix product).
_PARTITION_SAMPLE = 3000


def median_theme_size(vectors, weights, centres) -> float:
    """Entries (by count) of the median theme: a few large themes do not lift it."""
    if len(centres) == 0:
        return 0.0
    assigned, _ = cluster.assign(vectors, centres)
    return float(np.median(np.bincount(assigned, weights=weights, minlength=len(centres))))


def _other_seed(random_state):
    seed = check_random_state(random_state).randint(2**31 - 1)
    return (int(seed) + 1) % (2**31 - 1)


class PartitionMixin:
    """The steps of :meth:`ThemeModel.fit` that shape the themes: the number of themes,
    k-means and its term-weighting rounds, the UMAP stage and the choice between k-means'
    and average linkage's partitions. It reads the model's parameters and fitted
    representation, and sets ``selection_``, ``partition_``, ``reducer_`` and
    ``coord_centres_``."""

    def _reweight(self, distinct, tokens, emb, counts, vectors, centres):
        """Weigh terms by how concentrated they are in the themes found; cluster again."""
        usable = np.linalg.norm(vectors, axis=1) > 0
        x, w = self.representation_.tfidf(tokens)[usable], counts[usable]
        for _ in range(self.reweight_rounds):
            assigned, _ = cluster.assign(vectors[usable], centres)
            weights = theme_term_weights(x, assigned, len(centres), w)
            self.representation_.set_term_weights(weights)
            vectors, _ = self._represent(distinct, tokens, emb, counts, True)
            centres = cluster.spherical_kmeans(
                vectors[usable],
                len(centres),
                w,
                self.random_state,
                init=centres,
                max_sample=self.sample_size,
            )
        assigned, _ = cluster.assign(vectors[usable], centres)
        min_size = self._min_size(w)
        return vectors, cluster.merge_small(vectors[usable], assigned, centres, min_size, w)

    def _best_partition(self, x, w, centres, primary):
        """The themes k-means found, or average linkage's where they are better separated.

        Average linkage runs on a sample of entries (drawn by count) and every entry then
        goes to the nearest of its centres; both partitions are scored by cosine silhouette
        on another sample.
        """
        self.partition_ = {}
        if primary is not None or self.previous_centres_ is not None or len(centres) < 2:
            # Themes found on UMAP coordinates are not judged by the vectors' silhouette; a
            # grown set keeps the partition its earlier themes came from.
            return centres
        rows = cluster.sample_rows(len(x), _PARTITION_SAMPLE, self.random_state, w)
        linked = cluster.linkage_centres(x[rows], len(centres))
        if linked is None:
            return centres
        rows = cluster.sample_rows(len(x), _PARTITION_SAMPLE, _other_seed(self.random_state), w)
        sample = x[rows]
        candidates = {"k-means": centres, "average linkage": linked}
        found = {name: cluster.assign(sample, c)[0] for name, c in candidates.items()}
        if np.bincount(found["average linkage"]).max() > len(sample) / 2:
            # Chained into one theme with a few outliers beside it: that tells the team
            # nothing, whatever its silhouette (the outliers sit far from everything).
            return centres
        distances = cosine_distances(sample)
        scores = {name: round(cluster.silhouette(distances, f), 4) for name, f in found.items()}
        chosen = max(scores, key=scores.get)  # k-means on a tie: it comes first
        self.partition_ = {"method": chosen, "silhouette": scores}
        if chosen == "k-means":
            return centres
        assigned, _ = cluster.assign(x, linked)
        return cluster.merge_small(x, assigned, linked, self._min_size(w), w)

    def _reducing(self, previous, per_theme: float, n_distinct: int, n_themes: int) -> bool:
        if previous is not None:
            return self.reducer_ is not None and n_themes > 1
        # UMAP's neighbourhoods (15 entries) merge themes of about their size, and a
        # neighbour graph needs a few neighbourhoods' worth of distinct entries.
        if n_themes < 2 or per_theme < _MIN_REDUCED_THEME or n_distinct < 60:
            return False
        if self.reduce == "auto":
            return isinstance(self.representation_, EmbeddingRepresentation)
        return self.reduce == "umap"

    def _cluster_coords(self, vectors, usable, counts, k: int):
        """Euclidean k-means on UMAP coordinates; the centres are returned as unit vectors."""
        x, w = vectors[usable], counts[usable]
        if self.reducer_ is None:
            seed = self.random_state
            if seed is not None and not isinstance(seed, (int, np.integer)):
                seed = int(check_random_state(seed).randint(2**31 - 1))
            self.reducer_ = UmapReducer(max_fit=self.sample_size, random_state=seed)
            coords = self.reducer_.fit_transform(x, w)
            init = None
        else:
            coords, init = self.reducer_.transform(x), self.previous_coord_centres_
        centres = cluster.coords_kmeans(coords, k, w, self.random_state, init=init)
        assigned, _ = cluster.assign_coords(coords, centres)
        centres = cluster.merge_small(
            coords, assigned, centres, self._min_size(w), w, euclidean=True
        )
        primary, _ = cluster.assign_coords(coords, centres)
        self.coord_centres_ = centres
        empty = np.zeros((len(centres), x.shape[1]), np.float32)
        return cluster.recentre(x, primary, len(centres), w, empty), primary

    def _cluster(self, vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
        self.selection_ = []
        if len(vectors) == 0:
            return np.zeros((0, vectors.shape[1]), np.float32)
        init = self.previous_centres_
        if init is not None and len(init):
            k = self.n_themes if self.n_themes is not None else len(init)
        elif self.n_themes is not None:
            k, init = self.n_themes, None
        else:
            k, init = self._choose_k(vectors, weights), None
        centres = cluster.spherical_kmeans(
            vectors, int(k), weights, self.random_state, max_sample=self.sample_size, init=init
        )
        assigned, _ = cluster.assign(vectors, centres)
        return cluster.merge_small(vectors, assigned, centres, self._min_size(weights), weights)

    def _choose_k(self, vectors: np.ndarray, weights: np.ndarray) -> int:
        """Stability-based choice; with several views, the finest reproducible split wins."""
        views = {"all": slice(None)} | getattr(self.representation_, "views_", {})
        # The choice always sees smoothed vectors, even when the clustering does not.
        smooth = _CHOICE_NEIGHBOURS if self.smoother_ is None else 0
        best, best_view = 1, None
        for name, cols in views.items():
            x = vectors if name == "all" else normalize(vectors[:, cols])
            k, table = selection.choose_n_themes(
                x, self.max_themes, weights, self.random_state, neighbours=smooth
            )
            self.selection_ += [selection.Candidate(c.n_themes, c.score, name) for c in table]
            if k > best:
                best, best_view = k, name
        self.selection_ = [
            replace(c, chosen=(c.view, c.n_themes) == (best_view, best)) for c in self.selection_
        ]
        return best

    def _min_size(self, weights: np.ndarray) -> int:
        if self.min_theme_size != "auto":
            return int(self.min_theme_size)
        return max(2, math.ceil(0.001 * float(np.sum(weights))))
