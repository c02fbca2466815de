"""The storage contract, on the filesystem and on a real S3-compatible server; and a photo
entered through the web form that lands in the bucket and is served from it."""

import io

import pytest

from engage.extensions import db
from engage.models import ModerationStatus, PhotoEntry
from engage.storage import FilesystemStorage, S3Storage, StorageKeyError
from tests import photo_files as pf
from tests.conftest import hidden_fields
from tests.photo_factories import make_competition

HOSTILE_KEYS = [
    "../etc/passwd",
    "ab/../../x.jpg",
    "/etc/passwd",
    "3F2A" + "0" * 28 + ".jpg",
    "0" * 32 + ".gif",
    "0" * 32 + ".jpg/../x",
    "",
    "0" * 31 + ".jpg",
]


@pytest.fixture(params=["filesystem", "s3"])
def storage(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemStorage(tmp_path / "photos")
    settings, client = request.getfixturevalue("s3_bucket")
    return S3Storage(client, settings["S3_BUCKET"], settings["S3_PREFIX"])


def test_what_is_saved_opens_again_byte_for_byte(storage):
    data = bytes(range(256)) * 1000
    key = storage.save(data, "png")
    assert key.endswith(".png") and len(key) == 36
    with storage.open(key) as stream:
        assert stream.read() == data


def test_each_save_gets_a_new_key(storage):
    assert storage.save(b"same", "jpg") != storage.save(b"same", "jpg")


def test_a_missing_key_is_file_not_found(storage):
    with pytest.raises(FileNotFoundError):
        storage.open("0" * 32 + ".jpg")


def test_delete_removes_and_is_quiet_when_already_gone(storage):
    key = storage.save(b"photo", "webp")
    storage.delete(key)
    with pytest.raises(FileNotFoundError):
        storage.open(key)
    storage.delete(key)


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_keys_not_made_here_are_refused(storage, key):
    with pytest.raises(StorageKeyError):
        storage.open(key)
    with pytest.raises(StorageKeyError):
        storage.delete(key)


def test_an_unknown_format_is_refused(storage):
    with pytest.raises(StorageKeyError):
        storage.save(b"x", "html")


FIELDS = {
    "title": "Trees on the ring road",
    "wish": "More trees along the main roads",
    "description": "Taken on a Sunday morning.",
    "alt_text": "A row of young trees beside a busy road",
    "entrant_name": "Sam Taylor",
    "email": "sam@example.com",
    "took_photo": "y",
    "people_consented": "y",
    "accepted_rules": "y",
}


@pytest.fixture
def s3_app(app, s3_bucket):
    settings, client = s3_bucket
    app.config.update(settings)
    app.extensions.pop("engage.storage", None)
    yield app, settings["S3_BUCKET"], client
    app.extensions.pop("engage.storage", None)


def test_a_photo_entered_on_the_form_is_kept_in_the_bucket_and_served_from_it(s3_app, client):
    app, bucket, s3 = s3_app
    make_competition(slug="pics")
    db.session.commit()
    page = client.get("/competitions/pics/enter")
    form = {**hidden_fields(page.text), **FIELDS, "photo": (io.BytesIO(pf.jpeg()), "p.jpg")}
    response = client.post(
        "/competitions/pics/enter", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 303

    entry = db.session.query(PhotoEntry).one()
    keys = {entry.master_key, entry.display_key, entry.thumb_key}
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert listed == {f"photos/{key}" for key in keys}

    entry.status = ModerationStatus.APPROVED
    db.session.commit()
    served = client.get(f"/competitions/pics/photos/{entry.id}/display.jpg")
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    in_bucket = s3.get_object(Bucket=bucket, Key=f"photos/{entry.display_key}")["Body"].read()
    assert served.data == in_bucket and served.data.startswith(b"\xff\xd8\xff")

    # Gone from the bucket: a clear 404, not an error page.
    s3.delete_object(Bucket=bucket, Key=f"photos/{entry.thumb_key}")
    assert client.get(f"/competitions/pics/photos/{entry.id}/thumbnail.jpg").status_code == 404


def test_an_unreachable_bucket_is_a_clear_503_and_nothing_is_kept(app, client):
    """The store is down (nothing listens at its address): the resident is told to try
    again, no entry is half-stored, and the form works again once the store is back."""
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    app.config.update(
        STORAGE_BACKEND="s3",
        S3_BUCKET="photos",
        S3_ENDPOINT_URL=f"http://127.0.0.1:{dead}",
        S3_REGION="eu-west-2",
        S3_ACCESS_KEY_ID="test",
        S3_SECRET_ACCESS_KEY="test",
    )
    app.extensions.pop("engage.storage", None)
    try:
        make_competition(slug="down")
        db.session.commit()
        page = client.get("/competitions/down/enter")
        form = {**hidden_fields(page.text), **FIELDS, "photo": (io.BytesIO(pf.jpeg()), "p.jpg")}
        response = client.post(
            "/competitions/down/enter", data=form, content_type="multipart/form-data"
        )
        assert response.status_code == 503
        assert "We could not keep your photo just now" in response.text
        assert "try again in a few minutes" in response.text
        assert db.session.query(PhotoEntry).count() == 0
    finally:
        app.extensions.pop("engage.storage", None)
