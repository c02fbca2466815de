"""Engage analysis: themes from residents' free text, fully offline.

>>> from analysis import ThemeModel
>>> model = ThemeModel(random_state=0).fit(texts)          # doctest: +SKIP
>>> [t.label for t in model.themes_]                       # doctest: +SKIP

A pure library: it never imports Flask, SQLAlchemy or the ``engage`` web app, and imports
torch / sentence-transformers only for ``representation="embedding"``.
"""

from analysis.compare import recognisable
from analysis.framework import FrameworkTheme, load_framework
from analysis.model import ThemeModel
from analysis.representation import EmbeddingRepresentation, TfidfRepresentation
from analysis.results import (
    Assignment,
    Explanation,
    FrameworkMatch,
    Report,
    Representative,
    SecondaryTheme,
    Theme,
    to_dict,
    to_json,
)

__version__ = "0.1.0"

__all__ = [
    "Assignment",
    "EmbeddingRepresentation",
    "Explanation",
    "FrameworkMatch",
    "FrameworkTheme",
    "Report",
    "Representative",
    "SecondaryTheme",
    "TfidfRepresentation",
    "Theme",
    "ThemeModel",
    "load_framework",
    "recognisable",
    "to_dict",
    "to_json",
    "__version__",
]
