"""Compare two fitted models: are the themes still recognisable when the data grows?"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from analysis.results import Theme


def theme_overlap(before: list[Theme], after: list[Theme]) -> np.ndarray:
    """Jaccard overlap of member ids on the entries both runs saw.

    Returns
    -------
    ndarray of shape (len(before), len(after))
    """
    shared = set().union(*(t.member_ids for t in before)) & set().union(
        *(t.member_ids for t in after)
    )
    a = [set(t.member_ids) & shared for t in before]
    b = [set(t.member_ids) & shared for t in after]
    out = np.zeros((len(a), len(b)))
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            union = len(x | y)
            out[i, j] = len(x & y) / union if union else 0.0
    return out


def recognisable(before: list[Theme], after: list[Theme], threshold: float = 0.5) -> float:
    """Share of the earlier themes matched one-to-one to a later theme with Jaccard >= threshold.

    Themes are paired by the Hungarian algorithm on the overlap, so one later theme cannot
    count for two earlier ones. Entries are weighed equally, themes by size.
    """
    overlap = theme_overlap(before, after)
    rows, cols = linear_sum_assignment(-overlap)
    sizes = np.array([t.size for t in before], dtype=float)
    kept = sum(sizes[i] for i, j in zip(rows, cols, strict=True) if overlap[i, j] >= threshold)
    return float(kept / sizes.sum()) if sizes.sum() else 1.0
