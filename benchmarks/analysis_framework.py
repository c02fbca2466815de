#!/usr/bin/env python
"""How well the framework mapping puts themes and entries under the strategy's own themes,
and tells the themes the strategy does not cover.

Two labeled sets have labels with names a strategy team could have written:
newport_seeclickfix (request types: "Pothole Issue", "Street Light Issue", ...) and banking77
(intents: "card_arrival", ...). Their names, and nothing else, are the framework ("Pothole",
"Card arrival"): no description is written for them here. For each set and representation,
with the true number of themes and with the number chosen automatically:

Each measure is taken *before* (the library until 24 Nov 2026, fifteenth session: the
framework's own vectors, an entry given its theme's matches, a theme new when its best match
is below 0.3) and *now* (the defaults: each framework theme joined with its 10 best-matching
entries to choose the best match, an entry matched by its own vector, a theme new when its
best match with the framework's own words is below 0.3 or below 0.8 of the themes' median):

- *theme*: the share of entries whose theme's best framework match is the label most of
  that theme's entries have;
- *entry*: the share of entries whose best framework match is their own label; beside it,
  zero-shot baselines that match each entry to the nearest label name alone: TF-IDF cosine
  (scikit-learn) and MiniLM cosine;
- *new themes*: a quarter of the labels is left out of the framework (three draws); a theme
  whose entries mostly have a left-out label should be marked new, and the others not. F1
  over entries (a theme counts by its size);
- *whole framework flagged*: every label in the framework; the share of entries whose theme is
  marked new (none should be, but for themes that fit their label's name badly);
- *unrelated*: the other set's label names as the framework; the share of entries whose theme
  is marked new (every theme should be).

Usage (from the repository root):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/analysis_framework.py
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/analysis_framework.py \\
        --sets newport_seeclickfix --representations tfidf
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _eval_data as ed  # noqa: E402

NAMED_SETS = ["newport_seeclickfix", "banking77"]
HOLD_OUT = 0.25
DRAWS = 3
# The library until 24 Nov 2026: the framework as written, a fixed threshold alone.
BEFORE = {"framework_feedback": 0, "framework_relative": 0.0}


def label_name(label: str) -> str:
    """A label as a strategy team would name it: "card_arrival" -> "Card arrival"."""
    name = re.sub(r"\s+Issue$", "", label.replace("_", " ").strip())
    return name[:1].upper() + name[1:]


def framework_of(labels) -> list[dict]:
    return [{"id": lab, "name": label_name(lab)} for lab in labels]


def fit(texts, k, representation, framework, emb, **params):
    from analysis import ThemeModel

    model = ThemeModel(
        n_themes=k, representation=representation, random_state=0, framework=framework, **params
    )
    return model.fit(texts, embeddings=emb) if emb is not None else model.fit(texts)


class ThemeRow(NamedTuple):
    held: bool  # the theme's main label is left out of the framework
    size: int
    new: bool  # the library marked the theme new
    right: bool  # the theme's best match is its main label


def theme_rows(model, labels, held=frozenset()) -> list[ThemeRow]:
    rows = []
    for theme in model.themes_:
        if theme.is_other or not theme.size:
            continue
        main = Counter(labels[model.labels_ == theme.id]).most_common(1)[0][0]
        right = bool(theme.framework) and theme.framework[0].framework_id == main
        rows.append(ThemeRow(main in held, theme.size, bool(theme.is_new), right))
    return rows


def counts(rows) -> np.ndarray:
    """(true positives, false positives, false negatives) of the themes marked new."""
    new = np.array([r.held for r in rows], dtype=bool)
    size = np.array([r.size for r in rows], dtype=float)
    pred = np.array([r.new for r in rows], dtype=bool)
    return np.array(
        [size[pred & new].sum(), size[pred & ~new].sum(), size[~pred & new].sum()], dtype=float
    )


def f1(c) -> float:
    tp, fp, fn = c
    return 2 * tp / max(2 * tp + fp + fn, 1)


def zero_shot(texts, labels, names, emb) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = np.array(names)
    shown = [label_name(n) for n in names]
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(list(texts) + shown)
    sims = (vec.transform(texts) @ vec.transform(shown).T).toarray()
    out = {"tfidf": float(np.mean(ids[sims.argmax(axis=1)] == labels))}
    if emb is not None:
        from analysis.representation import load_minilm

        encoder = load_minilm()
        fw = encoder.encode(shown, normalize_embeddings=True)
        out["minilm"] = float(np.mean(ids[(emb @ fw.T).argmax(axis=1)] == labels))
    return out


def measure(name, representation, k_mode, log=print) -> dict:
    texts, labels = ed.load_set(name)
    labels = np.array(labels)
    names = sorted(set(labels))
    k = len(names) if k_mode == "k" else None
    emb = None
    if representation == "embedding":
        ed.ensure_embeddings(name, texts, log=log)
        emb = ed.load_embeddings(name, texts)
    start = time.time()
    result = {"set": name, "representation": representation, "k": k_mode}
    for when, params in (("before", BEFORE), ("now", {})):
        model = fit(texts, k, representation, framework_of(names), emb, **params)
        rows = theme_rows(model, labels)
        size = np.array([r.size for r in rows], float)
        right = np.array([r.right for r in rows], dtype=bool)
        result["themes"] = model.n_themes_
        result[f"whole_{when}"] = float(sum(r.size for r in rows if r.new) / size.sum())
        result[f"theme_{when}"] = float((size * right).sum() / size.sum())
        if when == "before":  # an entry took its theme's matches
            best = [t.framework[0].framework_id if t.framework else "" for t in model.themes_]
            matched = [best[t] if t >= 0 else "" for t in model.labels_]
        else:
            matched = [
                a.framework[0].framework_id if a.framework else "" for a in model.assignments()
            ]
        result[f"entry_{when}"] = float(np.mean(np.array(matched) == labels))
        rng = np.random.RandomState(0)
        found = np.zeros(3)
        for _ in range(DRAWS):
            held = set(rng.choice(names, int(round(HOLD_OUT * len(names))), replace=False))
            kept = framework_of([n for n in names if n not in held])
            found += counts(
                theme_rows(fit(texts, k, representation, kept, emb, **params), labels, held)
            )
        result[f"new_{when}"] = f1(found)
        other = next(s for s in NAMED_SETS if s != name)
        unrelated = framework_of(sorted(set(ed.load_set(other)[1])))
        rows = theme_rows(fit(texts, k, representation, unrelated, emb, **params), labels)
        result[f"unrelated_{when}"] = sum(r.size for r in rows if r.new) / sum(r.size for r in rows)
    result["zero_shot"] = zero_shot(texts, labels, names, emb)
    result["seconds"] = time.time() - start
    log(f"  {name} {representation} {k_mode}: {time.time() - start:.0f} s")
    return result


def table(results) -> str:
    head = (
        "| set | representation | k (themes) | theme: before / now | entry: before / now "
        "| zero-shot TF-IDF / MiniLM | new themes F1: before / now "
        "| whole framework flagged: before / now "
        "| unrelated flagged: before / now |\n|" + "---|" * 9
    )
    lines = [head]
    for r in results:
        zs = r["zero_shot"]
        minilm = f"{zs['minilm']:.3f}" if "minilm" in zs else "–"
        lines.append(
            f"| {r['set']} | {r['representation']} | {r['k']} ({r['themes']}) "
            f"| {r['theme_before']:.3f} / {r['theme_now']:.3f} "
            f"| {r['entry_before']:.3f} / {r['entry_now']:.3f} "
            f"| {zs['tfidf']:.3f} / {minilm} | {r['new_before']:.2f} / {r['new_now']:.2f} "
            f"| {r['whole_before']:.2f} / {r['whole_now']:.2f} "
            f"| {r['unrelated_before']:.2f} / {r['unrelated_now']:.2f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(NAMED_SETS))
    parser.add_argument("--representations", default="tfidf,embedding")
    parser.add_argument("--k", default="k,auto", help="k (true number), auto, or both")
    args = parser.parse_args(argv)
    results = []
    for name in args.sets.split(","):
        for representation in args.representations.split(","):
            for k_mode in args.k.split(","):
                results.append(measure(name, representation, k_mode))
    print(table(results))


if __name__ == "__main__":
    main()
