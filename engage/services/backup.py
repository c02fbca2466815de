"""Hot backups and their restore: the database, uploads and analysis models, in one folder.

    flask engage backup [--to PATH]     # while the app serves requests
    flask engage restore PATH           # with the app servers stopped

A backup folder holds ``manifest.json``, the database, ``uploads.tar.gz`` and
``analysis_models.tar.gz``:

- SQLite: ``database.sqlite``, copied with SQLite's online backup API in one step, inside one
  read transaction: a consistent snapshot while other processes go on writing (WAL lets them).
  Restoring copies it back into the live file the same way, so there is no moment without one.
- PostgreSQL: ``database.dump``, pg_dump's custom format (one consistent snapshot, without
  blocking writers); restored with pg_restore --clean in a single transaction.
- Uploads: the folder as a gzipped tar. With photos on object storage (STORAGE_BACKEND=s3) the
  bucket keeps its own copies: turn on its versioning (see docs/deployment.md).
- Analysis models: the fitted model files of the runs (instance/analysis_models) as a gzipped
  tar, taken after the database. A model file is written before the run naming it is
  committed and never changed after, so every model the database copy names is whole in the
  archive. Backups made before models were kept restore without them.
"""

import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from engage import __version__
from engage.numbers import whole_number

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
PG_FILE = "database.dump"
UPLOADS_FILE = "uploads.tar.gz"
MODELS_FILE = "analysis_models.tar.gz"
MODEL_NAME = re.compile(r"[0-9a-f]{32}\.joblib")
OBJECT_STORAGE_NOTE = (
    "Photos are on object storage (S3): they are not in this backup. Keep them with the "
    "bucket's own versioning."
)


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


def backup(
    database_url: str,
    upload_folder: str,
    target: Path,
    storage_backend: str = "filesystem",
    models_folder: Path | None = None,
) -> dict:
    """Write a backup into the empty or new folder `target`; returns its manifest."""
    url = make_url(database_url)
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new folder for the backup")
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), target / SQLITE_FILE)
        database = SQLITE_FILE
    elif url.get_backend_name() == "postgresql":
        _run(
            [
                _pg_binary("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(target / PG_FILE),
            ],
            url,
        )
        database = PG_FILE
    else:
        raise BackupError(f"cannot back up a {url.get_backend_name()} database")
    uploads = storage_backend == "filesystem"
    if uploads:
        _tar_folder(Path(upload_folder), target / UPLOADS_FILE)
    if models_folder is not None:
        # After the database: every model its copy names was whole before the copy began.
        _tar_models(models_folder, target / MODELS_FILE)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engage_version": __version__,
        "dialect": url.get_backend_name(),
        "database": database,
        "uploads": UPLOADS_FILE if uploads else None,
        "models": MODELS_FILE if models_folder is not None else None,
        "note": "" if uploads else OBJECT_STORAGE_NOTE,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(
    database_url: str, upload_folder: str, source: Path, models_folder: Path | None = None
) -> dict:
    """Put the database (and the uploads and models the backup has) back as they were in
    `source`; a backup without models leaves the models folder as it is."""
    manifest = read_manifest(source)
    url = make_url(database_url)
    if manifest["dialect"] != url.get_backend_name():
        raise BackupError(
            f"this backup is of a {manifest['dialect']} database, "
            f"but DATABASE_URL is {url.get_backend_name()}"
        )
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source / SQLITE_FILE, _sqlite_path(url))
    else:
        _run(
            [
                _pg_binary("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                str(source / PG_FILE),
            ],
            url,
        )
    if manifest.get("uploads"):
        _untar_folder(source / manifest["uploads"], Path(upload_folder))
    if manifest.get("models") and models_folder is not None:
        _untar_folder(source / manifest["models"], models_folder)
    return manifest


def read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} is not an Engage backup (no readable {MANIFEST})") from error
    expected = manifest.get("database") if isinstance(manifest, dict) else None
    if expected not in (SQLITE_FILE, PG_FILE) or not (source / expected).is_file():
        raise BackupError(f"{source} is not a complete Engage backup (its database is missing)")
    if manifest.get("uploads") not in (None, UPLOADS_FILE):
        raise BackupError(f"{source} names an unknown uploads file")
    if manifest.get("models") not in (None, MODELS_FILE):
        raise BackupError(f"{source} names an unknown models file")
    if manifest.get("models") and not (source / MODELS_FILE).is_file():
        raise BackupError(f"{source} is not a complete Engage backup (its models are missing)")
    return manifest


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another with the online backup API, in a single step."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        dst.execute("PRAGMA busy_timeout=30000")
        src.backup(dst, pages=-1)
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"the copy at {target} failed SQLite's integrity check")
    finally:
        dst.close()
        src.close()


def _pg_binary(name: str) -> str:
    """The newest installed pg_dump/pg_restore (it must not be older than the server)."""
    versioned = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: whole_number(Path(p).parts[-3]) or 0,
    )
    found = (versioned[-1] if versioned else None) or shutil.which(name)
    if not found:
        raise BackupError(f"PostgreSQL's {name} is not installed (Debian: postgresql-client)")
    return found


def _run(command: list[str], url: URL) -> None:
    """Run a PostgreSQL client on the database at url; the password goes by environment."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dbname = url.set(drivername="postgresql", password=None).render_as_string()
    # A list of arguments (no shell), the binary found by _pg_binary, the database URL ours.
    result = subprocess.run(  # noqa: S603  # nosec B603
        [*command, f"--dbname={dbname}"], capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _tar_folder(folder: Path, target: Path) -> None:
    with tarfile.open(target, "w:gz") as tar:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith(".upload-"):
                    tar.add(path, arcname=path.relative_to(folder).as_posix())


def _tar_models(folder: Path, target: Path) -> None:
    """The model files only (anything else in the folder is not the app's)."""
    with tarfile.open(target, "w:gz") as tar:
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
        for name in names:
            if MODEL_NAME.fullmatch(name):
                tar.add(folder / name, arcname=name)


def _untar_folder(archive: Path, folder: Path) -> None:
    """Replace the folder's contents with the archive's (only plain files inside the folder)."""
    staging = folder.with_name(folder.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(staging, filter="data")
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)
