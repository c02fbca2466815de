#!/usr/bin/env python
"""How well secondary themes find an entry's second subject, and leave one-subject entries
alone, side by side for the rules compared.

No labeled set marks entries that raise two things, so they are made from labeled ones: an
entry of label A and an entry of label B, each in the theme that holds most of its label,
joined as one ("<first>, and <second>"). The model is fitted on (up to 6,000 entries of) the
set as it is; then, for 400 such pairs and 400 single entries:

- *pairs covered*: the share of joined entries whose primary and secondary themes include
  both labels' themes;
- *singles with a secondary*: the share of one-subject entries given any secondary theme
  (each label here is one subject, so these are counted as wrong);
- *J* = covered minus singles with a secondary (Youden's index: 0 for a rule that adds
  themes at random, 1 for a perfect one).

Rules: the library's (``secondary_distinct``: similarity to the part of a theme's centre not
shared with the primary's; the default 0.15 and other thresholds) against the ratio rule it
replaced (similarity to the theme at least a fraction of the similarity to the primary, and
at least 0.3). Both also ask a similarity of at least ``secondary_min`` (0.3) to the theme.

Usage (from the repository root):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/analysis_secondary.py
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/analysis_secondary.py \
        --sets newport_seeclickfix:k,agnews_8k:k --representation embedding
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _eval_data as ed  # noqa: E402

DEFAULT_SETS = "newport_seeclickfix:k,newport_seeclickfix:auto,agnews_8k:k,searchsnippets:k"
DISTINCT = (0.1, 0.15, 0.2, 0.25)
RATIOS = (0.7, 0.5)
N_PAIRS = 400
MAX_ENTRIES = 6000


def made_entries(texts, labels, assigned, rng):
    """(pairs of indices, joined texts, single indices) as described above."""
    owner = {lab: Counter(assigned[labels == lab]).most_common(1)[0][0] for lab in set(labels)}
    pairs = []
    while len(pairs) < N_PAIRS:
        i, j = (int(x) for x in rng.randint(len(texts), size=2))
        a, b = owner[labels[i]], owner[labels[j]]
        if a != b and assigned[i] == a and assigned[j] == b:
            pairs.append((i, j))
    joined = [
        texts[i].rstrip(". ") + ", and " + texts[j][:1].lower() + texts[j][1:] for i, j in pairs
    ]
    singles = [int(i) for i in rng.choice(len(texts), N_PAIRS, replace=False)]
    return owner, pairs, joined, singles


def ratio_rule(model, texts, embeddings, ratio):
    """Primary and secondary themes by the ratio rule, as sets of theme ids per entry."""
    sims = model.decision_function(texts, embeddings)
    primary = model.predict(texts, embeddings)
    top = sims[np.arange(len(sims)), primary][:, None]
    raised = sims >= np.maximum(model.secondary_min, ratio * top)
    return [
        {int(p)} | set(np.flatnonzero(row).tolist()) for p, row in zip(primary, raised, strict=True)
    ]


def library_rule(model, texts, embeddings, distinct):
    strict = copy.deepcopy(model).set_params(secondary_distinct=distinct)
    found = strict.transform(texts, embeddings=embeddings)
    return [{a.theme_id} | {s.theme_id for s in a.secondary} for a in found]


def measure(name: str, given_k: bool, representation: str, seed: int = 0) -> list[tuple]:
    from analysis import ThemeModel

    texts, labels = ed.load_set(name)
    labels = np.asarray(labels)
    emb = None
    if representation == "embedding":
        ed.ensure_embeddings(name, texts)
        emb = ed.load_embeddings(name, texts)
    rng = np.random.RandomState(seed)
    if len(texts) > MAX_ENTRIES:
        rows = rng.choice(len(texts), MAX_ENTRIES, replace=False)
        texts, labels = [texts[i] for i in rows], labels[rows]
        emb = None if emb is None else emb[rows]
    k = len(set(labels)) if given_k else None
    model = ThemeModel(n_themes=k, representation=representation, random_state=seed)
    model.fit(texts, embeddings=emb)
    owner, pairs, joined, singles = made_entries(texts, labels, np.asarray(model.labels_), rng)
    single_texts = [texts[i] for i in singles]
    joined_emb = single_emb = None
    if emb is not None:
        joined_emb = model.representation_.embed(joined)
        single_emb = emb[singles]
    rules = [(f"distinct {t}", library_rule, t) for t in DISTINCT]
    rules += [(f"ratio {r}", ratio_rule, r) for r in RATIOS]
    rows = []
    for label, rule, value in rules:
        on_pairs = rule(model, joined, joined_emb, value)
        on_singles = rule(model, single_texts, single_emb, value)
        covered = np.mean(
            [
                {owner[labels[i]], owner[labels[j]]} <= found
                for (i, j), found in zip(pairs, on_pairs, strict=True)
            ]
        )
        wrong = np.mean([len(found) > 1 for found in on_singles])
        rows.append((name, "k" if given_k else "auto", model.n_themes_, label, covered, wrong))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=DEFAULT_SETS, help="name:k or name:auto, comma separated")
    parser.add_argument("--representation", default="tfidf", choices=["tfidf", "embedding"])
    args = parser.parse_args(argv)
    print(f"representation: {args.representation}; {N_PAIRS} joined and {N_PAIRS} single entries")
    head = ("set", "k", "themes", "rule", "pairs covered", "singles with a secondary", "J")
    print("{:22} {:>4} {:>6}  {:14} {:>13} {:>24} {:>6}".format(*head))
    for spec in args.sets.split(","):
        name, _, how = spec.partition(":")
        for row in measure(name, how != "auto", args.representation):
            set_name, k, themes, rule, covered, wrong = row
            print(
                f"{set_name:22} {k:>4} {themes:>6}  {rule:14} {covered:13.3f} {wrong:24.3f} "
                f"{covered - wrong:6.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
