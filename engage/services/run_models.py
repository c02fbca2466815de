"""The fitted model of each analysis run, kept in the instance folder under a name the server
makes, so that entries published after the run can be given its themes by
``ThemeModel.transform``, and a theme the team splits keeps the model that split it."""

import re
import secrets
from pathlib import Path

import joblib
from flask import current_app

MODEL_MISSING = "{run}'s model is not stored: run the analysis afresh"


def model_folder(instance_path: str) -> Path:
    """Where the fitted models are kept (backups archive and restore this folder)."""
    return Path(instance_path) / "analysis_models"


def _model_folder() -> Path:
    folder = model_folder(current_app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_model(model) -> str:
    name = f"{secrets.token_hex(16)}.joblib"
    joblib.dump(model, _model_folder() / name)
    return name


def model_stored(name: str | None) -> bool:
    """Whether a run's fitted model is still on disk (without loading it)."""
    return (
        bool(name and re.fullmatch(r"[0-9a-f]{32}\.joblib", name))
        and (_model_folder() / name).exists()
    )


def load_model(name: str | None):
    """A stored model; None when it is gone (the run can still be read, not extended)."""
    if not name or not re.fullmatch(r"[0-9a-f]{32}\.joblib", name):
        return None
    path = _model_folder() / name
    return joblib.load(path) if path.exists() else None


def split_parts(model, texts: list[str], parts: dict, fallback) -> list:
    """The part of a split theme each text goes to, by the model fitted at the split (its theme
    i is part i + 1); ``fallback`` when the model is gone or gives a text no theme."""
    if model is None:
        return [fallback] * len(texts)
    return [
        parts.get(int(label) + 1, fallback) if label >= 0 else fallback
        for label in model.predict(texts)
    ]
