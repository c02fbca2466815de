"""`flask engage backup` and `restore`: a consistent hot copy of SQLite while a writer runs, and
back up → change → restore bringing the data and uploads back, on SQLite and PostgreSQL."""

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import select

from engage.extensions import db
from engage.models import Consultation
from engage.services.backup import backup, restore
from tests.factories import make_consultation


def _writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Transfers: each transaction inserts a debit and its credit, so every consistent state
    has an even number of rows summing to 0."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    deadline = time.monotonic() + 20
    n = 0
    while not stop.is_set() and time.monotonic() < deadline:
        n += 1
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO moves (amount, note) VALUES (?, ?)", (n, "x" * 200))
        connection.execute("INSERT INTO moves (amount, note) VALUES (?, ?)", (-n, "y" * 200))
        connection.execute("COMMIT")
        written.append(n)
    connection.close()


def test_an_sqlite_backup_is_consistent_while_another_process_writes(tmp_path):
    live = tmp_path / "live.sqlite"
    setup = sqlite3.connect(live)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE moves (id INTEGER PRIMARY KEY, amount INTEGER, note TEXT)")
    setup.commit()
    setup.close()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(live, stop, written))
    writer.start()
    try:
        copies = []
        for n in range(3):
            while len(written) < 200 * (n + 1):
                time.sleep(0.01)
            target = tmp_path / f"backup-{n}"
            backup(f"sqlite:///{live}", str(tmp_path / "uploads"), target)
            copies.append(target / "database.sqlite")
    finally:
        stop.set()
        writer.join(timeout=30)

    counts = []
    for copy in copies:
        connection = sqlite3.connect(copy)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows, total = connection.execute("SELECT count(*), sum(amount) FROM moves").fetchone()
        connection.close()
        assert rows % 2 == 0 and total == 0
        counts.append(rows)
    assert counts == sorted(counts) and counts[0] >= 400
    assert 2 * len(written) > counts[-1]  # the writer went on while the backups were taken


def _photo(app, name: str) -> Path:
    path = Path(app.config["UPLOAD_FOLDER"]) / "photos" / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(name.encode() * 10)
    return path


def _titles() -> set[str]:
    db.session.commit()
    return set(db.session.scalars(select(Consultation.title)))


def test_backup_change_restore_brings_the_data_and_uploads_back(app, tmp_path):
    make_consultation(slug="kept", title="Before the backup")
    db.session.commit()
    kept_photo = _photo(app, "a" * 32 + ".jpg")
    runner = app.test_cli_runner()
    db.session.remove()

    made = runner.invoke(args=["engage", "backup", "--to", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "b" / "uploads.tar.gz").is_file()

    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == "kept"))
    consultation.title = "Changed after the backup"
    make_consultation(slug="later", title="Added after the backup")
    db.session.commit()
    kept_photo.unlink()
    later_photo = _photo(app, "b" * 32 + ".png")
    db.session.remove()

    restored = runner.invoke(args=["engage", "restore", str(tmp_path / "b"), "--yes"])
    assert restored.exit_code == 0, restored.output

    assert _titles() == {"Before the backup"}
    assert kept_photo.read_bytes() == ("a" * 32 + ".jpg").encode() * 10
    assert not later_photo.exists()


def test_restore_refuses_what_is_not_a_backup_and_backup_refuses_a_used_folder(app, tmp_path):
    runner = app.test_cli_runner()
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "manifest.json").write_text("{not json")
    refused = runner.invoke(args=["engage", "restore", str(tmp_path / "junk"), "--yes"])
    assert refused.exit_code == 1 and "is not an Engage backup" in refused.output

    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("keep me")
    refused = runner.invoke(args=["engage", "backup", "--to", str(tmp_path / "used")])
    assert refused.exit_code == 1 and "is not empty" in refused.output
    assert (tmp_path / "used" / "notes.txt").read_text() == "keep me"


def test_with_photos_on_object_storage_the_backup_says_the_bucket_keeps_them(app, tmp_path):
    app.config["STORAGE_BACKEND"] = "s3"
    db.session.remove()
    made = app.test_cli_runner().invoke(args=["engage", "backup", "--to", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    assert "bucket's own versioning" in made.output
    assert not (tmp_path / "b" / "uploads.tar.gz").exists()


def test_a_backup_of_one_kind_of_database_is_not_restored_into_another(app, tmp_path):
    source = tmp_path / "other"
    source.mkdir()
    other = "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "sqlite"
    name = "database.dump" if other == "postgresql" else "database.sqlite"
    (source / name).write_bytes(b"")
    (source / "manifest.json").write_text(
        f'{{"dialect": "{other}", "database": "{name}", "uploads": null}}'
    )
    db.session.remove()
    refused = app.test_cli_runner().invoke(args=["engage", "restore", str(source), "--yes"])
    assert refused.exit_code == 1 and f"is of a {other} database" in refused.output


def test_restore_function_rejects_a_manifest_naming_other_files(tmp_path):
    import pytest

    from engage.services.backup import BackupError

    (tmp_path / "database.sqlite").write_bytes(b"")
    (tmp_path / "manifest.json").write_text(
        '{"dialect": "sqlite", "database": "database.sqlite", "uploads": "../../etc/x.tar.gz"}'
    )
    with pytest.raises(BackupError, match="unknown uploads file"):
        restore(f"sqlite:///{tmp_path / 'x.sqlite'}", str(tmp_path / "up"), tmp_path)
