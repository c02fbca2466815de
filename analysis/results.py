"""Results: plain frozen dataclasses that serialise to JSON."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

EntryId = str | int


@dataclass(frozen=True)
class Representative:
    """An entry shown as an example of a theme."""

    id: EntryId
    text: str
    score: float


@dataclass(frozen=True)
class FrameworkMatch:
    """How well a theme or entry fits one of the strategy's own themes (cosine, 0-1)."""

    framework_id: str
    name: str
    score: float


@dataclass(frozen=True)
class SecondaryTheme:
    """Another theme an entry also raises."""

    theme_id: int
    theme_label: str
    score: float


@dataclass(frozen=True)
class Theme:
    """A theme found in the entries.

    ``is_other`` marks the group of entries with no usable words (emoji only, stop words
    only); ``is_new`` is True when a framework was given and the theme fits none of it.
    """

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    member_ids: tuple[EntryId, ...]
    representatives: tuple[Representative, ...]
    is_other: bool = False
    framework: tuple[FrameworkMatch, ...] = ()
    is_new: bool | None = None


@dataclass(frozen=True)
class Assignment:
    """The theme of one entry, its score and the other themes it raises."""

    id: EntryId
    theme_id: int
    theme_label: str
    score: float
    secondary: tuple[SecondaryTheme, ...] = ()
    framework: tuple[FrameworkMatch, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why an entry has its theme: the terms it shares with the theme and its nearest members."""

    id: EntryId
    theme_id: int
    theme_label: str
    score: float
    terms: tuple[tuple[str, float], ...]
    nearest: tuple[Representative, ...]


@dataclass(frozen=True)
class Report:
    """Everything a run produced, as written by the command line."""

    n_entries: int
    representation: str
    n_themes: int
    n_themes_chosen_automatically: bool
    selection: tuple[dict, ...]
    themes: tuple[Theme, ...]
    parameters: dict = field(default_factory=dict)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_dict(result: Any) -> Any:
    """Turn a result (dataclass, or list of them) into JSON-ready dicts and lists."""
    return _plain(result)


def to_json(result: Any, indent: int | None = 2) -> str:
    """Serialise a result (dataclass, or list of them) to a JSON string."""
    return json.dumps(_plain(result), indent=indent, ensure_ascii=False)
