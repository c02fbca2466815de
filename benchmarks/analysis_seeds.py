#!/usr/bin/env python
"""How much each method's NMI and ARI move with its random seed, on one labeled set.

``analysis_quality.py`` runs every method once, with random_state=0. On a small set such as
newport_seeclickfix (582 entries) the seed moves the result by more than the margins the
targets ask for, so this runs the same methods (the functions of ``analysis_quality.py``, same
parameters, same cached MiniLM embeddings) at seeds 0..N-1 and prints, for each method, the
mean, minimum and maximum over the seeds, and the ratios of the means. Quality only: all
methods run in this one process (BERTopic warmed up first), so no time or memory is reported.

Usage (from the repository root):

    .venv/bin/python benchmarks/analysis_seeds.py                      # newport, 10 seeds
    .venv/bin/python benchmarks/analysis_seeds.py --set banking77 --seeds 3 \
        --methods minilm_kmeans,engage_tfidf
    # the automatic number of themes against the true one, at each seed, on every set:
    .venv/bin/python benchmarks/analysis_seeds.py --set all --seeds 3 \
        --methods engage_tfidf,engage_tfidf_auto

When a method and its automatic variant (``engage_tfidf`` and ``engage_tfidf_auto``) are both
run, the report also counts the seeds at which the automatic one is within the target's
margins of the true number's result at the same seed (NMI at least 0.95 x, ARI 0.90 x).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _eval_data as ed  # noqa: E402
import analysis_quality as aq  # noqa: E402

DEFAULT_METHODS = "minilm_kmeans,bertopic,engage_embedding,engage_tfidf"


def run(name: str, methods: list[str], seeds: int, log=print) -> dict[str, list[tuple]]:
    """NMI and ARI of each method at each seed: {method: [(nmi, ari), ...]}."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    texts, labels = ed.load_set(name)
    k = len(set(labels))
    emb = None
    if set(methods) & (aq.EMBEDDING_METHODS | {"engage_embedding", "engage_embedding_auto"}):
        ed.ensure_embeddings(name, texts, log=log)  # encodes once if the cache is missing
        emb = ed.load_embeddings(name, texts)
    if any(m.startswith("bertopic") for m in methods):
        aq.bertopic_warmup()
    scores: dict[str, list[tuple]] = {m: [] for m in methods}
    for seed in range(seeds):
        aq.SEED = seed  # every method function reads its random_state from here
        for method in methods:
            found, _ = getattr(aq, f"m_{method}")(texts, k, emb)
            pair = (
                normalized_mutual_info_score(labels, found),
                adjusted_rand_score(labels, found),
            )
            scores[method].append(pair)
            log(f"seed {seed} {method}: NMI {pair[0]:.3f} ARI {pair[1]:.3f}")
    return scores


def report(name: str, scores: dict[str, list[tuple]]) -> str:
    lines = [
        f"## {name}: NMI and ARI over {len(next(iter(scores.values())))} seeds",
        "",
        "| method | NMI mean | NMI min–max | ARI mean | ARI min–max |",
        "|---|---:|---:|---:|---:|",
    ]
    means = {}
    for method, pairs in scores.items():
        nmi = [p[0] for p in pairs]
        ari = [p[1] for p in pairs]
        means[method] = statistics.mean(nmi)
        lines.append(
            f"| {aq.LABELS[method]} | {statistics.mean(nmi):.3f} | {min(nmi):.3f}–{max(nmi):.3f}"
            f" | {statistics.mean(ari):.3f} | {min(ari):.3f}–{max(ari):.3f} |"
        )
    engage = [m for m in scores if m in aq.ENGAGE]
    others = [m for m in scores if m not in aq.ENGAGE]
    if engage and others:
        lines += ["", "Ratios of mean NMI:", ""]
    for e in engage:
        for o in others:
            lines.append(f"- {aq.LABELS[e]} / {aq.LABELS[o]}: {means[e] / means[o]:.3f}")
    for method in scores:
        auto = scores.get(f"{method}_auto")
        if auto is None:
            continue
        pairs = zip(scores[method], auto, strict=True)
        passed = [a[0] >= 0.95 * t[0] and a[1] >= 0.90 * t[1] for t, a in pairs]
        lines.append(
            f"- {aq.LABELS[method + '_auto']}: within 5% NMI and 10% ARI of the true number "
            f"at {sum(passed)} of {len(passed)} seeds"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--set", default="newport_seeclickfix", help="labeled sets, comma-separated, or 'all'"
    )
    p.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1")
    p.add_argument("--methods", default=DEFAULT_METHODS, help="comma-separated methods")
    args = p.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    unknown = [m for m in methods if m not in aq.ALL_METHODS]
    if unknown:
        p.error(f"unknown methods {unknown}; choose from {aq.ALL_METHODS}")
    names = ed.LABELED_SETS if args.set == "all" else args.set.split(",")
    for name in names:
        print(report(name, run(name, methods, args.seeds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
