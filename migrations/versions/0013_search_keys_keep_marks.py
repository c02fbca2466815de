"""search keys keep marks: each wish's search key is rebuilt from its published text folding
only the accents of Latin, Greek and Cyrillic letters, so "ガス" no longer finds "カス", and
keeping a word's marks in the word, so "स्कूल" is one word

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25

"""

import itertools
import re
import unicodedata

from alembic import op
import simplemma
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The keys as this revision makes them, written out here (not imported from the app) so the
# migration does the same thing however engage.services.search changes later.
_BATCH = 1000
_ACCENTED_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")
_OPTIONAL_VOWELS = re.compile("[\u0591-\u05c7\u064b-\u0652]")
_CYRILLIC_LETTERS = frozenset(unicodedata.normalize("NFD", c) for c in "йўї")


def _mark_ranges():
    points = itertools.chain(range(0x20000), range(0xE0000, 0xE1000))
    marks = [p for p in points if unicodedata.category(chr(p)).startswith("M")]
    runs = itertools.groupby(enumerate(marks), key=lambda pair: pair[1] - pair[0])
    spans = [[p for _, p in run] for _, run in runs]
    return "".join(f"{chr(span[0])}-{chr(span[-1])}" for span in spans)


_PART = rf"[^\W_](?:[^\W_]|[{_mark_ranges()}])*"
_WORD = re.compile(rf"{_PART}(?:['’]{_PART})*")
# The keys as revision 0011 made them, for the downgrade.
_WORD_0011 = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
wishes = sa.table(
    "wishes",
    sa.column("id", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("redacted_text", sa.Text),
    sa.column("search_key", sa.Text),
)


def _spells_with_marks(char):
    name = unicodedata.name(char, "")
    return unicodedata.category(char).startswith("L") and not name.startswith(_ACCENTED_SCRIPTS)


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept, keep_marks, base = [], False, ""
    for char in decomposed:
        if not unicodedata.category(char).startswith("M"):
            keep_marks, base = _spells_with_marks(char), char
        elif (
            not keep_marks
            or "VARIATION SELECTOR" in unicodedata.name(char, "")
            or _OPTIONAL_VOWELS.match(char)
        ) and base + char not in _CYRILLIC_LETTERS:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _key_keeping_marks(text):
    words = [_fold(simplemma.lemmatize(w, lang="en")) for w in _WORD.findall(_fold(text))]
    return f" {' '.join(dict.fromkeys(words))} "


def _fold_0011(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _key_without_marks(text):
    words = [
        _fold_0011(simplemma.lemmatize(w, lang="en")) for w in _WORD_0011.findall(_fold_0011(text))
    ]
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
    _rebuild_keys(_key_keeping_marks)


def downgrade():
    _rebuild_keys(_key_without_marks)
