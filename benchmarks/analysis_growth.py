#!/usr/bin/env python
"""What happens to the themes when a consultation grows by 10%.

For each set, at seeds 0..N-1, Engage is fitted on a random 90% of the entries and then on
all of them: once afresh, and once from the earlier model (``previous=``). It prints, per set
and seed:

- the number of themes chosen on 90% and on all (with ``--themes auto``), and over every set
  and seed the mean of |log(k on 90% / k on all)| and the pairs more than 1.5 times apart:
  how far the automatic choice moves with the data;
- *recognisable*: the share of the earlier themes' entries whose theme is matched one-to-one
  by a later theme with Jaccard overlap at least 0.5 (:func:`analysis.compare.recognisable`),
  for the fresh fit and for the fit from the earlier model;
- NMI against the labels of the fresh fit on all entries (labeled sets).

Usage (from the repository root):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/analysis_growth.py --seeds 3
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/analysis_growth.py --set banking77 \
        --themes true --representation embedding
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _eval_data as ed  # noqa: E402

# The unlabeled petition titles are cut to a consultation's size.
PETITIONS = 11_000


def _chosen(model) -> int:
    chosen = [c.n_themes for c in model.selection_ if c.chosen]
    return chosen[0] if chosen else model.n_themes_


def grow(name: str, seed: int, themes: str, representation: str) -> dict:
    """Fit on 90% of one set, then on all of it afresh and from the earlier model."""
    from sklearn.metrics import normalized_mutual_info_score

    from analysis import ThemeModel
    from analysis.compare import recognisable

    texts, labels = ed.load_set(name)
    if name in ed.UNLABELED_SETS:
        texts, labels = texts[:PETITIONS], None
    emb = None
    if representation == "embedding":
        ed.ensure_embeddings(name, texts)
        emb = ed.load_embeddings(name, texts)
    n = len(texts)
    part = np.sort(np.random.default_rng(12345).permutation(n)[: int(0.9 * n)])
    n_themes = None if themes == "auto" else len(set(labels or ["?"]))

    def fit(rows, previous=None):
        model = ThemeModel(n_themes=n_themes, representation=representation, random_state=seed)
        given = None if emb is None else emb[rows]
        return model.fit(
            [texts[i] for i in rows], ids=list(rows), embeddings=given, previous=previous
        )

    before = fit(part)
    fresh = fit(np.arange(n))
    kept = fit(np.arange(n), previous=before)
    return {
        "k_before": _chosen(before),
        "k_after": _chosen(fresh),
        "fresh": recognisable(before.themes_, fresh.themes_),
        "previous": recognisable(before.themes_, kept.themes_),
        "nmi": None if labels is None else normalized_mutual_info_score(labels, fresh.labels_),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="all", help="a set name, or all (labeled + petitions)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--themes", choices=["auto", "true"], default="auto")
    parser.add_argument("--representation", choices=["tfidf", "embedding"], default="tfidf")
    args = parser.parse_args(argv)
    if args.themes == "true" and args.set in ed.UNLABELED_SETS:
        parser.error("the true number of themes needs a labeled set")
    sets = ed.LABELED_SETS + ed.UNLABELED_SETS if args.set == "all" else [args.set]
    if args.themes == "true":
        sets = [s for s in sets if s not in ed.UNLABELED_SETS]
    print("| set | seed | k on 90% | k on all | recognisable: fresh | from previous | NMI |")
    print("|---|---|---|---|---|---|---|")
    moves = []
    for name in sets:
        for seed in range(args.seeds):
            r = grow(name, seed, args.themes, args.representation)
            moves.append(abs(math.log(r["k_before"] / r["k_after"])))
            nmi = "–" if r["nmi"] is None else f"{r['nmi']:.3f}"
            print(
                f"| {name} | {seed} | {r['k_before']} | {r['k_after']} | {r['fresh']:.2f} "
                f"| {r['previous']:.2f} | {nmi} |",
                flush=True,
            )
    apart = sum(m > math.log(1.5) for m in moves)
    print(
        f"\nmean |log(k on 90% / k on all)| {np.mean(moves):.3f} over {len(moves)} pairs; "
        f"{apart} pairs more than 1.5 times apart"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
