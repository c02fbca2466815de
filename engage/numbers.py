"""Whole numbers people type (form fields, query strings, CSV files, the command line) and the
ids they name: ASCII digits within the database's range, or nothing.

str.isdigit() is no guard for int(): it is true for "²", which int() refuses. And an id beyond
the id columns' range names no row, but makes the database driver raise instead of finding
nothing (SQLite beyond 64 bits, PostgreSQL beyond its 32-bit integer).
"""

import re

from werkzeug.routing import IntegerConverter as _WerkzeugIntegerConverter

# Every id column is an INTEGER: 32 bits on PostgreSQL, the smaller of the two databases.
MAX_ID = 2**31 - 1

_ASCII_DIGITS = re.compile(r"[0-9]+")


def whole_number(value: str | None, low: int = 0, high: int = MAX_ID) -> int | None:
    """``value`` as an int if it is ASCII digits only and from ``low`` to ``high``, else None."""
    if value is None or not _ASCII_DIGITS.fullmatch(value):
        return None
    digits = value.lstrip("0") or "0"
    if len(digits) > len(str(high)):  # int() refuses a string of thousands of digits
        return None
    number = int(digits)
    return number if low <= number <= high else None


def parse_id(value: str | None) -> int | None:
    """An id sent as text (a ticked box, a query string): None if it cannot name a row."""
    return whole_number(value, 1, MAX_ID)


def id_arg(value: str) -> int:
    """For ``request.args.get(name, type=id_arg)``: a bad id is taken as no id."""
    number = parse_id(value)
    if number is None:
        raise ValueError(f"not an id: {value[:20]!r}")
    return number


def valid_id(value: int | None) -> int | None:
    """An id already made an int (a form field's coerce=int), if it can name a row."""
    return value if value is not None and 1 <= value <= MAX_ID else None


class IntegerConverter(_WerkzeugIntegerConverter):
    """``<int:…>`` in every URL, at most MAX_ID: a larger id is a 404 before any query.

    It keeps werkzeug's name, as it is the same converter with a bound.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)
