"""Where photos live: one small interface, with a filesystem backend by default.

Keys are made here, never from a client's file name: 32 random hex digits and a suffix for the
format (``3f2a….jpg``). A backend must refuse any other key, so no caller can reach outside it.
Nothing here makes URLs: the app serves images itself, with a fixed content type.

Backends (config ``STORAGE_BACKEND``): ``"filesystem"`` (the default) under UPLOAD_FOLDER, or
``"s3"``: a bucket on S3 or any S3-compatible store (S3_BUCKET, S3_ENDPOINT_URL, S3_REGION,
S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_PREFIX), shared by every app server.
"""

import io
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

from engage.errors import EngageError

SUFFIXES = {"jpg", "png", "webp"}
_KEY = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


class StorageKeyError(ValueError):
    """A key that this module did not make."""


class StorageUnavailable(EngageError):
    """The store could not be written (a full disk, an unreachable bucket): nothing was kept."""

    status = 503
    title = "We could not keep your photo just now"

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Nothing was sent, so please try again in a few minutes. If it keeps happening, "
            "the partnership's contact details are at the foot of the page."
        )


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
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written to a temporary file and renamed, so a reader never sees half a file.
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        except OSError as error:
            raise StorageUnavailable() from error
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o640)
            os.replace(temporary, path)
        except BaseException as error:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise StorageUnavailable() from error
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in one bucket under a prefix (``photos/3f2a….jpg``), private to the app."""

    def __init__(self, client, bucket: str, prefix: str = "photos/"):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def save(self, data: bytes, suffix: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        key = new_key(suffix)
        # One PUT: the object appears whole or not at all.
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable() from error
        return key

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        name = self._name(key)
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(name) from error
            raise
        with found["Body"] as body:
            return io.BytesIO(body.read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def s3_client(config):
    """A boto3 S3 client from the app's settings (keys fall back to boto3's own chain)."""
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3",
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        region_name=config.get("S3_REGION") or None,
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}),
    )


def get_storage(app: Flask | None = None) -> Storage:
    """The app's photo storage (made once per app from its config)."""
    app = app or current_app
    storage = app.extensions.get("engage.storage")
    if storage is None:
        storage = app.extensions["engage.storage"] = _make_storage(app)
    return storage


def _make_storage(app: Flask) -> Storage:
    backend = app.config.get("STORAGE_BACKEND", "filesystem")
    if backend == "s3":
        if not app.config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND is s3 but S3_BUCKET is not set")
        return S3Storage(s3_client(app.config), app.config["S3_BUCKET"], app.config["S3_PREFIX"])
    if backend != "filesystem":
        raise RuntimeError(f"unknown STORAGE_BACKEND {backend!r}")
    root = app.config.get("PHOTO_FOLDER") or Path(app.config["UPLOAD_FOLDER"]) / "photos"
    return FilesystemStorage(root)
