"""The clustering stage's parts: the fast trial k-means, ARI, neighbour smoothing, k-means
on coordinates and the UMAP reducer."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.pairwise import cosine_distances
from sklearn.preprocessing import normalize

from analysis.cluster import (
    NeighbourSmoother,
    assign,
    assign_coords,
    coords_kmeans,
    linkage_centres,
    merge_small,
    most_similar,
    silhouette,
    spherical_kmeans,
)
from analysis.selection import adjusted_rand, choose_n_themes, quick_spherical_kmeans


def blobs(n_per=60, k=4, d=40, spread=0.05, seed=0):
    rng = np.random.RandomState(seed)
    centres = normalize(rng.randn(k, d))
    x = np.vstack([c + spread * rng.randn(n_per, d) for c in centres])
    return normalize(x).astype(np.float32), np.repeat(np.arange(k), n_per)


def test_adjusted_rand_matches_scikit_learn():
    rng = np.random.RandomState(1)
    for _ in range(30):
        a = rng.randint(0, rng.randint(1, 12), 200)
        b = rng.randint(0, rng.randint(1, 12), 200)
        assert abs(adjusted_rand(a, b) - adjusted_rand_score(a, b)) < 1e-12
    same = np.zeros(20, int)
    assert adjusted_rand(same, same) == adjusted_rand_score(same, same) == 1.0


def test_trial_and_full_kmeans_find_separated_groups():
    x, y = blobs()
    centres = quick_spherical_kmeans(x, 4, np.random.RandomState(0))
    assert adjusted_rand_score(y, (x @ centres.T).argmax(axis=1)) == 1.0
    centres = spherical_kmeans(x, 4, random_state=0)
    assert np.allclose(np.linalg.norm(centres, axis=1), 1)
    assert adjusted_rand_score(y, (x @ centres.T).argmax(axis=1)) == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_number_of_themes_chosen_on_smoothed_samples(seed):
    # Eight noisy groups: each entry alone is far from its group's centre, its
    # neighbourhood is not.
    x, _ = blobs(n_per=150, k=8, spread=0.4, seed=seed)
    k, table = choose_n_themes(x, 100, random_state=0, neighbours=15)
    assert k == 8
    assert [c.n_themes for c in table] == sorted(c.n_themes for c in table)
    assert all(-1 <= c.score <= 1 for c in table)


def test_smoothing_pulls_entries_towards_their_group():
    x, y = blobs(spread=0.25, seed=2)
    smoother = NeighbourSmoother(8, random_state=0).fit(x)
    smoothed = smoother.transform(x)
    assert np.allclose(np.linalg.norm(smoothed, axis=1), 1, atol=1e-5)

    def within_minus_between(v):
        sims = v @ v.T
        same = y[:, None] == y[None, :]
        return sims[same].mean() - sims[~same].mean()

    assert within_minus_between(smoothed) > within_minus_between(x) + 0.1
    # A new copy of a fitted entry is smoothed exactly as in fitting; zero rows stay zero.
    again = smoother.transform(np.vstack([x[:5], np.zeros((1, x.shape[1]), np.float32)]))
    assert np.allclose(again[:5], smoothed[:5])
    assert not again[5].any()


def test_coords_kmeans_and_merging_work_on_plain_coordinates():
    rng = np.random.RandomState(0)
    centres = np.array([[0, 0], [10, 0], [0, 10]], np.float32)
    coords = np.vstack([c + rng.randn(50, 2) for c in centres] + [[[30, 30]], [[31, 30]]])
    coords = coords.astype(np.float32)
    truth = np.repeat([0, 1, 2, 3], [50, 50, 50, 2])
    found = coords_kmeans(coords, 4, random_state=0)
    labels, dist = assign_coords(coords, found)
    assert adjusted_rand_score(truth, labels) == 1.0
    assert dist.max() < 5
    # The two far entries are a theme below the minimum size: merged, not dropped.
    kept = merge_small(coords, labels, found, min_size=5, euclidean=True)
    assert len(kept) == 3
    merged, _ = assign_coords(coords, kept)
    assert len(set(merged[-2:])) == 1 and np.bincount(merged).min() >= 50


def test_umap_reducer_places_new_entries_by_their_fitted_neighbours():
    pytest.importorskip("umap")
    from analysis.manifold import UmapReducer

    x, y = blobs(n_per=40, k=3, d=80)
    reducer = UmapReducer(max_fit=90, random_state=0)
    coords = reducer.fit_transform(x)
    assert coords.shape == (120, 5)
    labels, _ = assign_coords(coords, coords_kmeans(coords, 3, random_state=0))
    assert adjusted_rand_score(y, labels) == 1.0
    # Fitted rows come back where they were; the rest were placed as new rows are.
    np.testing.assert_allclose(reducer.transform(x), coords, atol=1e-4)
    assert np.array_equal(reducer.fit_transform(x), coords)  # deterministic


def test_most_similar_searches_block_by_block_like_one_search():
    x, _ = blobs(n_per=30, k=4, d=20, spread=0.3, seed=5)
    queries, reference = x[:50], x[50:]
    sims = queries @ reference.T
    blocks = list(most_similar(queries, reference, 6, batch_cells=16 * len(reference)))
    assert [b[0] for b in blocks] == [slice(0, 16), slice(16, 32), slice(32, 48), slice(48, 50)]
    for rows, near, near_sims in blocks:
        expected = np.argsort(-sims[rows], axis=1)[:, :6]
        assert np.array_equal(np.sort(near, axis=1), np.sort(expected, axis=1))
        np.testing.assert_allclose(
            np.take_along_axis(sims[rows], near, axis=1), near_sims, atol=1e-6
        )
    # A projection is applied to each block of queries, not to the reference.
    flipped = [b[1] for b in most_similar(queries, -reference, 6, project=np.negative)]
    assert np.array_equal(
        np.sort(np.vstack(flipped), axis=1), np.sort(np.vstack([b[1] for b in blocks]), axis=1)
    )


def test_nearest_neighbours_are_exact_and_each_entry_comes_first():
    from sklearn.neighbors import NearestNeighbors

    from analysis.manifold import nearest_neighbours

    x, _ = blobs(n_per=50, k=4, d=30, spread=0.3, seed=3)
    # Blocks of 16 rows, so the search runs in many blocks, as on large sets.
    indices, distances = nearest_neighbours(x, 8, batch_cells=16 * len(x))
    assert indices.shape == distances.shape == (len(x), 8)
    assert np.array_equal(indices[:, 0], np.arange(len(x)))
    assert np.all(distances[:, 0] == 0) and np.all(np.diff(distances, axis=1) >= 0)
    search = NearestNeighbors(n_neighbors=8, metric="cosine", algorithm="brute").fit(x)
    expected_distances, expected = search.kneighbors(x)
    assert np.array_equal(indices, expected)
    np.testing.assert_allclose(distances, expected_distances, atol=1e-6)
    # A copy of an entry is its second nearest, never its first.
    copies = np.vstack([x, x[:5]])
    indices, distances = nearest_neighbours(copies, 8, batch_cells=16 * len(copies))
    assert np.array_equal(indices[:, 0], np.arange(len(copies)))
    assert np.array_equal(indices[:5, 1], np.arange(200, 205))
    assert np.array_equal(indices[200:, 1], np.arange(5))
    assert nearest_neighbours(x[:3], 8)[0].shape == (3, 3)


def test_umap_is_given_the_exact_neighbours_instead_of_searching_itself(monkeypatch):
    umap_ = pytest.importorskip("umap.umap_")
    from analysis import manifold

    def searched(*args, **kwargs):
        raise AssertionError("UMAP searched for neighbours itself")

    # UMAP's approximate search (large sets) and its distance matrix (small sets): the
    # exact neighbours are given from 4,096 entries, here from any size.
    monkeypatch.setattr(umap_, "nearest_neighbors", searched)
    monkeypatch.setattr(umap_, "pairwise_distances", searched)
    monkeypatch.setattr(manifold, "EXACT_NEIGHBOURS_FROM", 0)
    x, y = blobs(n_per=40, k=3, d=80)
    coords = manifold.UmapReducer(random_state=0).fit_transform(x)
    labels, _ = assign_coords(coords, coords_kmeans(coords, 3, random_state=0))
    assert adjusted_rand_score(y, labels) == 1.0


def test_average_linkage_keeps_a_large_tight_group_whole_where_kmeans_cuts_it():
    # 400 entries about one thing (spread around it) and five small, tight, unrelated
    # groups: k-means lowers its squared distances by cutting the large group and joining
    # two small ones; average linkage keeps every group whole, and silhouette prefers it.
    rng = np.random.default_rng(0)
    dirs = normalize(rng.normal(size=(6, 50)))
    sizes, spreads = [400, 8, 8, 8, 8, 8], [0.08, 0.01, 0.01, 0.01, 0.01, 0.01]
    x = normalize(
        np.vstack(
            [d + s * rng.normal(size=(n, 50)) for d, n, s in zip(dirs, sizes, spreads, strict=True)]
        )
    ).astype(np.float32)
    truth = np.repeat(np.arange(6), sizes)
    kmeans, _ = assign(x, spherical_kmeans(x, 6, random_state=0))
    linked, _ = assign(x, linkage_centres(x, 6))
    assert adjusted_rand_score(truth, linked) == 1.0
    assert adjusted_rand_score(truth, kmeans) < 0.9
    distances = cosine_distances(x)
    assert silhouette(distances, linked) > silhouette(distances, kmeans)
    assert linkage_centres(x[:10], 6) is None  # too few entries for six groups
    assert silhouette(distances, np.zeros(len(x), int)) == -1.0
    np.testing.assert_allclose(distances, 1 - x @ x.T, atol=1e-6)


@pytest.mark.parametrize("k", [2, 6, 40])
def test_linkage_centres_cut_the_tree_as_scikit_learn_does(k):
    from sklearn.cluster import AgglomerativeClustering

    x, _ = blobs(n_per=50, k=8, spread=0.3, seed=3)
    ours = linkage_centres(x, k)
    model = AgglomerativeClustering(k, metric="cosine", linkage="average").fit(x)
    theirs = normalize(np.vstack([x[model.labels_ == t].sum(axis=0) for t in range(k)]))
    np.testing.assert_allclose(ours[np.lexsort(ours.T)], theirs[np.lexsort(theirs.T)], atol=1e-5)
