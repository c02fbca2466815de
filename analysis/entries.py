"""Input checks and bookkeeping shared by the model: ids, duplicates, theme names."""

from __future__ import annotations

import math

import numpy as np

from analysis import labels


def check_input(texts, ids):
    """Turn texts into strings (None and NaN become empty) and check or make the ids."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not one string")
    texts = ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t) for t in texts]
    if not texts:
        raise ValueError("no entries given")
    ids = list(range(len(texts))) if ids is None else list(ids)
    if len(ids) != len(texts):
        raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique")
    return texts, ids


def distinct(texts: list[str], empty: np.ndarray):
    """Distinct non-empty texts (first-seen order), first positions, entry map, counts."""
    index: dict[str, int] = {}
    inverse = np.full(len(texts), -1)
    first = []
    for i, t in enumerate(texts):
        if empty[i]:
            continue
        key = t.strip()
        j = index.setdefault(key, len(index))
        if j == len(first):
            first.append(i)
        inverse[i] = j
    counts = np.bincount(inverse[inverse >= 0], minlength=len(index)).astype(np.float64)
    return list(index), np.array(first), inverse, counts


def unique_labels(keywords: list[list[tuple[str, float]]], has_other: bool) -> list[str]:
    """One distinct label per theme; the last is the "other" group when there is one."""
    names, seen = [], set()
    for j, kws in enumerate(keywords):
        if has_other and j == len(keywords) - 1:
            name = "Other (no distinctive words)"
        else:
            name = labels.make_label(kws)
            for extra in kws[2:4]:
                if name not in seen:
                    break
                name = labels.make_label([kws[0], extra])
            if name in seen:
                name = f"{name} ({j})"
        seen.add(name)
        names.append(name)
    return names
