"""Short reference numbers a resident can quote, such as W-7K3P-9Q."""

import secrets

# Crockford-style: no I, L, O or U, so a reference read aloud or copied by hand stays right.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str = "W") -> str:
    """A random reference: prefix, four characters, two characters (about 10^9 values)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def normalise_reference(value: str) -> str:
    """Accept what people type: lower case, spaces, O for 0, I or L for 1."""
    compact = "".join((value or "").upper().split()).replace("-", "")
    compact = compact.translate(str.maketrans("OIL", "011"))
    if len(compact) != 7:
        return compact
    return f"{compact[0]}-{compact[1:5]}-{compact[5:]}"
