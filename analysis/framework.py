"""Framework mapping: relate found themes and entries to the strategy's own themes.

A framework is a YAML or JSON file (or the same structure in Python) listing themes with a
name and a description, for example::

    themes:
      - id: transport
        name: Getting around
        description: buses, cycling, walking routes, road safety, parking
      - id: green
        name: Green spaces
        description: parks, trees, play areas, allotments

A plain mapping ``{name: description}`` or a list of such items is accepted too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.results import FrameworkMatch


@dataclass(frozen=True)
class FrameworkTheme:
    """One of the strategy's own themes."""

    id: str
    name: str
    description: str = ""

    @property
    def text(self) -> str:
        """What is embedded to represent this theme."""
        return f"{self.name}. {self.description}".strip()


def _from_item(index: int, item) -> FrameworkTheme:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, Mapping) or "name" not in item:
        raise ValueError(f"framework theme {index} needs at least a 'name': {item!r}")
    name = _words(item["name"], index, "name")
    if not name:
        raise ValueError(f"framework theme {index} needs a name")
    ident = _words(item.get("id", index), index, "id")
    if not ident:
        raise ValueError(f"framework theme {index}: its id must be text or a number, not empty")
    keywords = item.get("keywords") or []
    keywords = ", ".join(keywords) if isinstance(keywords, list) else str(keywords)
    description = " ".join(p for p in [str(item.get("description", "")), keywords] if p)
    return FrameworkTheme(ident, name, description)


def _words(value, index: int, field: str) -> str:
    """A name or id as text: a string or a number (YAML reads ``id: 3`` as one), trimmed.
    A mapping, a list, a yes/no or nothing is not a name: it is refused, not shown as
    "{'en': 'Buses'}"."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(
            f"framework theme {index}: its {field} must be text or a number, got {value!r}"
        )
    return " ".join(str(value).split())


def parse_framework(data) -> list[FrameworkTheme]:
    """Turn loaded YAML/JSON data into framework themes.

    Parameters
    ----------
    data : dict or list
        ``{"themes": [...]}``, a list of ``{id, name, description, keywords}`` items, or a
        mapping of name to description.

    Returns
    -------
    list of FrameworkTheme
    """
    if isinstance(data, Mapping) and "themes" in data:
        data = data["themes"]
    if isinstance(data, Mapping):
        data = [{"id": k, "name": k, "description": v or ""} for k, v in data.items()]
    if not isinstance(data, list) or not data:
        raise ValueError("a framework must list at least one theme")
    themes = [_from_item(i, item) for i, item in enumerate(data)]
    if len({t.id for t in themes}) != len(themes):
        raise ValueError("framework theme ids must be unique")
    return themes


def load_framework(source) -> list[FrameworkTheme]:
    """Load a framework from a YAML/JSON file path, or parse already-loaded data."""
    if source and isinstance(source, list) and all(isinstance(t, FrameworkTheme) for t in source):
        return source
    if not isinstance(source, str | Path):
        return parse_framework(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"framework {path} is not UTF-8 text") from exc
    if path.suffix.lower() == ".json":
        try:
            return parse_framework(json.loads(text))
        except json.JSONDecodeError as exc:
            raise ValueError(f"framework {path} is not valid JSON: {exc}") from exc
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "unreadable"
        raise ValueError(f"framework {path} is not valid YAML{where}: {problem}") from exc
    return parse_framework(data)


def expand(framework_vectors: np.ndarray, entries: np.ndarray, n: int) -> np.ndarray:
    """Each framework theme joined with the mean of the ``n`` entries most similar to it.

    Rocchio's pseudo-relevance feedback: a framework theme is a name and a line or two, a
    few words of the many residents use for it; the entries that match it best bring the
    rest ("Street lights" gains "dark", "night", "unsafe"). Only entries that share something
    with it count, so a framework theme none of whose words the entries use stays as it is.
    ``n`` = 0 leaves every vector as it is.
    """
    n = min(n, len(entries))
    if n <= 0 or not len(framework_vectors):
        return framework_vectors
    sims = entries @ framework_vectors.T
    top = np.argpartition(-sims, n - 1, axis=0)[:n]  # (n, n_framework)
    near = np.take_along_axis(sims, top, axis=0) > 0
    total = np.einsum("kf,kfd->fd", near.astype(np.float32), entries[top])
    count = near.sum(axis=0)[:, None]
    out = framework_vectors + total / np.maximum(count, 1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-12)).astype(np.float32)


def match_scores(vectors: np.ndarray, framework_vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of unit vectors to framework themes, clipped to [0, 1]."""
    return np.clip(vectors @ framework_vectors.T, 0.0, 1.0)


def top_matches(
    scores: np.ndarray, themes: list[FrameworkTheme], n: int = 3, min_score: float = 0.0
) -> tuple[FrameworkMatch, ...]:
    """The ``n`` best framework themes for one row of ``scores``."""
    order = np.argsort(-scores, kind="stable")[:n]
    return tuple(
        FrameworkMatch(themes[j].id, themes[j].name, round(float(scores[j]), 4))
        for j in order
        if scores[j] > min_score
    )
