"""Where photos live: one small interface, with a filesystem backend by default.

Keys are made here, never from a client's file name: 32 random hex digits and a suffix for the
format (``3f2a….jpg``). A backend must refuse any other key, so no caller can reach outside it.
Nothing here makes URLs: the app serves images itself, with a fixed content type.
"""

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

SUFFIXES = {"jpg", "png", "webp"}
_KEY = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


class StorageKeyError(ValueError):
    """A key that this module did not make."""


def new_key(suffix: str) -> str:
    """A fresh random key with the given suffix (jpg, png or webp)."""
    if suffix not in SUFFIXES:
        raise StorageKeyError(f"unknown suffix {suffix!r}")
    return f"{secrets.token_hex(16)}.{suffix}"


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise StorageKeyError("not a storage key")
    return key


class Storage(Protocol):
    """Save bytes under a generated key, open them again, delete them."""

    def save(self, data: bytes, suffix: str) -> str:
        """Store data under a new key and return the key."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of what was stored; FileNotFoundError if there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove what was stored under key; nothing happens if it is already gone."""
        ...


class FilesystemStorage:
    """Files under one folder, fanned out by the key's first two characters."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = check_key(key)
        return self.root / key[:2] / key

    def save(self, data: bytes, suffix: str) -> str:
        key = new_key(suffix)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary file and renamed, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o640)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_storage(app: Flask | None = None) -> Storage:
    """The app's photo storage (made once per app from its config)."""
    app = app or current_app
    storage = app.extensions.get("engage.storage")
    if storage is None:
        root = app.config.get("PHOTO_FOLDER") or Path(app.config["UPLOAD_FOLDER"]) / "photos"
        storage = app.extensions["engage.storage"] = FilesystemStorage(root)
    return storage
