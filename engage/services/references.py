"""Short reference numbers a resident can quote, such as W-7K3P-9Q."""

import secrets
import unicodedata

from sqlalchemy import select

# Crockford-style: no I, L, O or U, so a reference read aloud or copied by hand stays right.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str = "W") -> str:
    """A random reference: prefix, four characters, two characters (about 10^9 values)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def normalise_reference(value: str) -> str:
    """Accept what people type: lower case, spaces, any dash (a phone or a PDF may turn "-" into
    "–" or "—"), O for 0, I or L for 1."""
    compact = "".join(
        c for c in (value or "").upper() if not c.isspace() and unicodedata.category(c) != "Pd"
    )
    compact = compact.translate(str.maketrans("OIL", "011"))
    if len(compact) != 7:
        return compact
    return f"{compact[0]}-{compact[1:5]}-{compact[5:]}"


def unused_references(prefix: str, n: int, column) -> list[str]:
    """``n`` distinct new references that no row has in ``column`` yet, for a batch insert.

    Drawn one at a time, the 5,000 references of a workshop sheet would meet one already used
    by a consultation of 100,000 entries one time in three (about 10^9 values), failing the
    whole import; so the batch is checked against the database and any clash drawn again.
    """
    from engage.extensions import db

    chosen: set[str] = set()
    while len(chosen) < n:
        drawn = list({new_reference(prefix) for _ in range(n - len(chosen))} - chosen)
        for start in range(0, len(drawn), 500):
            part = drawn[start : start + 500]
            used = set(db.session.scalars(select(column).where(column.in_(part))))
            chosen.update(r for r in part if r not in used)
    return list(chosen)
