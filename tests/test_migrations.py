"""The migrations build the schema the models describe, from an empty database, with one head."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from config import BASE_DIR
from engage.extensions import db
from engage.models import Wish
from tests.factories import make_consultation, make_wish


def test_one_head_and_sequential_ids(app):
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    assert len(script.get_heads()) == 1
    revisions = sorted(r.revision for r in script.walk_revisions())
    assert revisions == [f"{n:04d}" for n in range(1, len(revisions) + 1)]


def test_upgrade_empty_database_matches_models(tmp_path):
    from engage import create_app
    from tests.conftest import _config

    app = create_app(_config(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert (
                context.get_current_revision()
                == ScriptDirectory(str(BASE_DIR / "migrations")).get_current_head()
            )
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_schema_matches_models_on_the_test_database(app):
    """The session's database (SQLite or PostgreSQL) was built by the migrations."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


# Wishes as revision 0010 stored them: keys lower-cased and lemmatised, accents kept.
_BEFORE_0011 = {
    "A café by the river": (None, " a café by the river "),
    "Ask Zoë at the Crèche": ("Ask [name] at the Crèche", " ask name at the crèche "),
    "More buses": (None, " more bus "),
}


def test_0011_folds_the_keys_of_wishes_stored_before_and_downgrade_restores_them(app, client):
    """Run on the test database (SQLite or PostgreSQL): 0011 changes data, not the schema."""
    downgrade(revision="0010")
    try:
        consultation = make_consultation(slug="derby")
        for text, (redacted, key) in _BEFORE_0011.items():
            make_wish(consultation, text=text, redacted_text=redacted).search_key = key
        db.session.commit()
        db.session.close()
        assert "No wishes found" in client.get("/consultations/derby/wall?q=cafe").text
        upgrade()
        for search, found in [("cafe", "A café"), ("creche", "[name]"), ("bus", "buses")]:
            page = client.get("/consultations/derby/wall", query_string={"q": search}).text
            assert f"1 wish matching “{search}”" in page and found in page
        assert "No wishes found" in client.get("/consultations/derby/wall?q=zoe").text
        db.session.close()
        downgrade(revision="0010")
        keys = dict(db.session.execute(select(Wish.text, Wish.search_key)).all())
        assert keys == {text: key for text, (_, key) in _BEFORE_0011.items()}
    finally:
        db.session.close()
        upgrade()


# Wishes as revisions 0011 and 0012 stored them: every combining mark dropped, words split at
# the marks they keep.
_BEFORE_0013 = {
    "ガス、電気、水道を安く": (None, " カス 電気 水道を安く "),
    "पानी की कमी है": (None, " प न क कम ह "),
    "राहुल को स्कूल चाहिए": ("[name] को स्कूल चाहिए", " name क सक ल च ह ए "),
    "A café by the river": (None, " a cafe by the river "),
}


def test_0013_keeps_the_marks_in_the_keys_of_wishes_stored_before_and_downgrade_restores_them(
    app, client
):
    """Run on the test database (SQLite or PostgreSQL): 0013 changes data, not the schema."""
    downgrade(revision="0012")
    try:
        consultation = make_consultation(slug="derby")
        for text, (redacted, key) in _BEFORE_0013.items():
            make_wish(consultation, text=text, redacted_text=redacted).search_key = key
        db.session.commit()
        db.session.close()
        assert "1 wish matching" in client.get("/consultations/derby/wall?q=カス").text
        upgrade()
        found_by = {"ガス": "ガス", "पानी": "पानी", "स्कूल": "[name]", "cafe": "café"}
        for search, found in found_by.items():
            page = client.get("/consultations/derby/wall", query_string={"q": search}).text
            assert f"1 wish matching “{search}”" in page and found in page
        for search in ["カス", "पीना", "राहुल"]:  # "dregs", "to drink" and the redacted name
            page = client.get("/consultations/derby/wall", query_string={"q": search}).text
            assert "No wishes found" in page
        db.session.close()
        downgrade(revision="0012")
        keys = dict(db.session.execute(select(Wish.text, Wish.search_key)).all())
        assert keys == {text: key for text, (_, key) in _BEFORE_0013.items()}
    finally:
        db.session.close()
        upgrade()
