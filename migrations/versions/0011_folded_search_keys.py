"""folded search keys: each wish's search key is rebuilt from its published text with accents
and case folded, so "cafe" finds "café"

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25

"""
import re
import unicodedata

from alembic import op
import simplemma
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The keys as this revision makes them, written out here (not imported from the app) so the
# migration does the same thing however engage.services.search changes later.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_BATCH = 1000
wishes = sa.table(
    "wishes",
    sa.column("id", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("redacted_text", sa.Text),
    sa.column("search_key", sa.Text),
)


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_key(text):
    words = [_fold(simplemma.lemmatize(w, lang="en")) for w in _WORD.findall(_fold(text))]
    return f" {' '.join(dict.fromkeys(words))} "


def _unfolded_key(text):
    words = [simplemma.lemmatize(w, lang="en").lower() for w in _WORD.findall(text.lower())]
    return f" {' '.join(dict.fromkeys(words))} "


def _rebuild_keys(make_key):
    """Set every wish's key from its published text (the redaction when there is one), a batch
    of rows at a time, writing only the keys that change."""
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(wishes.c.id, wishes.c.text, wishes.c.redacted_text, wishes.c.search_key)
            .where(wishes.c.id > last_id)
            .order_by(wishes.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        last_id = rows[-1].id
        changed = [
            {"wish_id": row.id, "key": key}
            for row in rows
            if (key := make_key(row.redacted_text if row.redacted_text is not None else row.text))
            != row.search_key
        ]
        if changed:
            connection.execute(
                wishes.update()
                .where(wishes.c.id == sa.bindparam("wish_id"))
                .values(search_key=sa.bindparam("key")),
                changed,
            )


def upgrade():
    _rebuild_keys(_folded_key)


def downgrade():
    _rebuild_keys(_unfolded_key)
