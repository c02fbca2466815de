#!/usr/bin/env python
"""How well the framework mapping puts themes and entries under the strategy's own themes,
and tells the themes the strategy does not cover.

Two labeled sets have labels with names a strategy team could have written:
newport_seeclickfix (request types: "Pothole Issue", "Street Light Issue", ...) and banking77
(intents: "card_arrival", ...). Their names, and nothing else, are the framework ("Pothole",
"Card arrival"): no description is written for them here. For each set and representation,
with the true number of themes and with the number chosen automatically:

- *theme*: the share of entries whose theme's best framework match is the label most of
  that theme's entries have;
- *entry, by theme* / *entry, own*: the share of entries whose best framework match is their
  own label, when an entry takes its theme's matches (the library until 24 Nov 2026) and
  when it is matched by its own vector (now); beside them, zero-shot baselines that match
  each entry to the nearest label name alone: TF-IDF cosine (scikit-learn) and MiniLM cosine;
- *new themes*: a quarter of the labels is left out of the framework (three draws); a theme
  whose entries mostly have a left-out label should be marked new, and the others not.
  Precision, recall and F1 are over entries (a theme counts by its size), for the rule
  before (best score below 0.3) and now (below 0.3, or below 0.8 of the median best score of
  the themes);
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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _eval_data as ed  # noqa: E402

NAMED_SETS = ["newport_seeclickfix", "banking77"]
HOLD_OUT = 0.25
DRAWS = 3
BEFORE = 0.3  # the fixed threshold the library used alone until 24 Nov 2026


def label_name(label: str) -> str:
    """A label as a strategy team would name it: "card_arrival" -> "Card arrival"."""
    name = re.sub(r"\s+Issue$", "", label.replace("_", " ").strip())
    return name[:1].upper() + name[1:]


def framework_of(labels) -> list[dict]:
    return [{"id": lab, "name": label_name(lab)} for lab in labels]


def fit(texts, k, representation, framework, emb):
    from analysis import ThemeModel

    model = ThemeModel(
        n_themes=k, representation=representation, random_state=0, framework=framework
    )
    return model.fit(texts, embeddings=emb) if emb is not None else model.fit(texts)


def theme_rows(model, labels, held=frozenset()):
    """(best score, is the theme's main label left out, size, marked new, is the best match
    the main label) of every theme."""
    rows = []
    for theme in model.themes_:
        if theme.is_other or not theme.size:
            continue
        main = Counter(labels[model.labels_ == theme.id]).most_common(1)[0][0]
        best = theme.framework[0] if theme.framework else None
        score = best.score if best else 0.0
        right = best is not None and best.framework_id == main
        rows.append((score, main in held, theme.size, bool(theme.is_new), right))
    return rows


def flagged(rows, rule: str) -> np.ndarray:
    best = np.array([r[0] for r in rows])
    if rule == "before":
        return best < BEFORE
    return np.array([r[3] for r in rows], dtype=bool)  # the library's own decision


def counts(rows, rule: str) -> np.ndarray:
    new = np.array([r[1] for r in rows], dtype=bool)
    size = np.array([r[2] for r in rows], dtype=float)
    pred = flagged(rows, rule)
    return np.array(
        [size[pred & new].sum(), size[pred & ~new].sum(), size[~pred & new].sum()], dtype=float
    )


def prf(c) -> str:
    tp, fp, fn = c
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return f"{p:.2f} / {r:.2f} / {2 * tp / max(2 * tp + fp + fn, 1):.2f}"


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
    model = fit(texts, k, representation, framework_of(names), emb)
    rows = theme_rows(model, labels)
    size = np.array([r[2] for r in rows], float)
    right = np.array([r[4] for r in rows], dtype=bool)
    theme_best = [t.framework[0].framework_id if t.framework else "" for t in model.themes_]
    by_theme = np.array([theme_best[t] if t >= 0 else "" for t in model.labels_])
    own = [a.framework[0].framework_id if a.framework else "" for a in model.assignments()]
    result = {
        "set": name,
        "representation": representation,
        "k": k_mode,
        "themes": model.n_themes_,
        "theme": float((size * right).sum() / size.sum()),
        "entry_by_theme": float(np.mean(by_theme == labels)),
        "entry_own": float(np.mean(np.array(own) == labels)),
    }
    rng = np.random.RandomState(0)
    before, now = np.zeros(3), np.zeros(3)
    for _ in range(DRAWS):
        held = set(rng.choice(names, int(round(HOLD_OUT * len(names))), replace=False))
        kept = framework_of([n for n in names if n not in held])
        rows = theme_rows(fit(texts, k, representation, kept, emb), labels, held)
        before += counts(rows, "before")
        now += counts(rows, "now")
    result["new_before"], result["new_now"] = prf(before), prf(now)
    other = next(s for s in NAMED_SETS if s != name)
    rows = theme_rows(
        fit(texts, k, representation, framework_of(sorted(set(ed.load_set(other)[1]))), emb),
        labels,
        held=frozenset(names),
    )
    total = sum(r[2] for r in rows)
    for rule in ("before", "now"):
        result[f"unrelated_{rule}"] = float(
            sum(r[2] for r, f in zip(rows, flagged(rows, rule), strict=True) if f) / total
        )
    result["zero_shot"] = zero_shot(texts, labels, names, emb)
    result["seconds"] = time.time() - start
    log(f"  {name} {representation} {k_mode}: {time.time() - start:.0f} s")
    return result


def table(results) -> str:
    head = (
        "| set | representation | k (themes) | theme | entry, by theme | entry, own "
        "| zero-shot TF-IDF / MiniLM | new themes P / R / F1, before | now "
        "| unrelated flagged, before | now |\n|" + "---|" * 11
    )
    lines = [head]
    for r in results:
        zs = r["zero_shot"]
        minilm = f"{zs['minilm']:.3f}" if "minilm" in zs else "–"
        lines.append(
            f"| {r['set']} | {r['representation']} | {r['k']} ({r['themes']}) "
            f"| {r['theme']:.3f} | {r['entry_by_theme']:.3f} | {r['entry_own']:.3f} "
            f"| {zs['tfidf']:.3f} / {minilm} | {r['new_before']} | {r['new_now']} "
            f"| {r['unrelated_before']:.2f} | {r['unrelated_now']:.2f} |"
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
