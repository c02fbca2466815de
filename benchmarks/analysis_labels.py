#!/usr/bin/env python
"""Do theme labels name what their entries are about? Measured against the two labeled sets
whose labels are names (newport_seeclickfix's request types, banking77's intents).

A theme *names its label* when its label shares a word (by stem) with the name of the label
most of its entries have ("Pothole & deep" names "Pothole Issue", "Card arrival & week"
names "card_arrival"; "Issue" and "or" are not counted). The figure is the share of entries
whose theme names its label. Side by side, from the same fitted themes, labels made the
library's way and with the weak label words (``analysis/data/label_weak_words.txt``) not
left out, so that the one rule is what differs; ``--show`` lists the labels that differ.

Usage (from the repository root):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/analysis_labels.py [--show]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _eval_data as ed  # noqa: E402

SETS = ("newport_seeclickfix", "banking77")
NOT_COUNTED = {"issue", "or", "on", "via", "of", "to", "in", "the", "a"}


def name_stems(name: str) -> set[str]:
    from analysis.preprocess import stem_word

    words = name.replace("_", " ").replace("/", " ").replace(",", " ").lower().split()
    return {stem_word(w) for w in words if w not in NOT_COUNTED}


def label_stems(label: str) -> set[str]:
    from analysis.preprocess import stem_word

    return {stem_word(w) for w in label.replace("&", " ").lower().split()}


def names_share(themes, labels, entry_themes) -> float:
    """Share of entries whose theme's label shares a stem with its majority label's name."""
    named = {}
    for j, (label, _) in enumerate(themes):
        members = labels[entry_themes == j]
        if len(members):
            majority = Counter(members).most_common(1)[0][0]
            named[j] = bool(label_stems(label) & name_stems(majority))
    return float(np.mean([named.get(int(t), False) for t in entry_themes]))


def measure(name: str, given_k: bool, show: bool) -> tuple:
    from analysis import ThemeModel
    from analysis import labels as labelling

    texts, labels = ed.load_set(name)
    labels = np.asarray(labels)
    k = len(set(labels)) if given_k else None
    model = ThemeModel(n_themes=k, random_state=0).fit(texts)
    themes = np.asarray(model.labels_)
    keep = themes >= 0
    texts_kept = [t for t, used in zip(texts, keep, strict=True) if used]
    labels, themes = labels[keep], themes[keep]
    now = model.describe(texts_kept, themes)
    weak, labelling.WEAK_STEMS = labelling.WEAK_STEMS, frozenset()
    try:
        before = model.describe(texts_kept, themes)
    finally:
        labelling.WEAK_STEMS = weak
    if show:
        for (a, _), (b, _) in zip(before, now, strict=True):
            if a != b:
                print(f"    {a!r} -> {b!r}")
    changed = sum(a != b for (a, _), (b, _) in zip(before, now, strict=True))
    return (
        len(now),
        changed,
        names_share(before, labels, themes),
        names_share(now, labels, themes),
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list the labels that differ")
    args = parser.parse_args(argv)
    print("names its label: share of entries whose theme's label shares a word with the name")
    print("of the label most of the theme's entries have; all words / weak words left out")
    head = ("set", "k", "themes", "labels changed", "all words", "left out")
    print("{:22} {:>4} {:>6} {:>15} {:>10} {:>9}".format(*head))
    for name in SETS:
        for given_k in (True, False):
            n, changed, before, now = measure(name, given_k, args.show)
            how = "k" if given_k else "auto"
            print(f"{name:22} {how:>4} {n:>6} {changed:>15} {before:10.3f} {now:9.3f}", flush=True)


if __name__ == "__main__":
    main()
