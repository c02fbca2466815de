"""The clustering stage's parts: the fast trial k-means, ARI, neighbour smoothing."""

import numpy as np
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize

from analysis.cluster import (
    NeighbourSmoother,
    adjusted_rand,
    quick_spherical_kmeans,
    spherical_kmeans,
)


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
