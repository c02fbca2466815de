"""An XLSX workbook written row by row with XlsxWriter, for downloads of tens of thousands of
rows: openpyxl makes and serialises an object per cell, which took most of a minute for a run
of 50,000 entries, past the 30 s after which a request is cut.

Every cell is a number, a true/false value or text, never a formula, URL or number read out of
text; text is cut at Excel's 32,767 characters with its white space kept, and text starting
with one of `quoted` carries the "quote prefix" style, which keeps it text when someone edits
the cell. Characters XML cannot hold (control characters) are left out. Rows are written to a
temporary file as they come (XlsxWriter's constant memory mode), so a large run's workbook
does not sit in memory cell by cell.
"""

import io
import numbers
import re
from collections.abc import Iterable, Sequence
from itertools import chain

import xlsxwriter

MAX_CELL_CHARS = 32_767
# XML 1.0 has no place for these, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
}

Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]


def write_workbook(sheets: Sequence[Sheet], quoted: tuple[str, ...]) -> bytes:
    """An XLSX file of (title, header, rows) sheets, in order."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _OPTIONS)
    book.set_properties({"creator": "Engage"})
    formats = {"quote": book.add_format({"quote_prefix": True}), "blank": book.add_format()}
    for title, header, rows in sheets:
        sheet = book.add_worksheet(title)
        for r, row in enumerate(chain([header], rows)):
            for c, value in enumerate(row):
                _write(sheet, r, c, value, formats, quoted)
    book.close()
    return out.getvalue()


def _write(sheet, r: int, c: int, value, formats: dict, quoted: tuple[str, ...]) -> None:
    """One cell; None leaves it out, empty text is an empty cell (a header of blanks stays)."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, numbers.Real):
        sheet.write_number(r, c, value)
    else:
        text = _NOT_XML.sub("", str(value))[:MAX_CELL_CHARS]
        if not text:
            sheet.write_blank(r, c, None, formats["blank"])
        else:
            quote = formats["quote"] if text.startswith(quoted) else None
            sheet.write_string(r, c, text, quote)
