"""The migrations build the schema the models describe, from an empty database, with one head."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from config import BASE_DIR
from engage.extensions import db


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
