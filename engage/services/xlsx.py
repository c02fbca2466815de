"""An XLSX workbook written row by row as the spreadsheet's own XML, for downloads of tens of
thousands of rows: openpyxl makes and serialises an object per cell, which took most of a
minute for a run of 50,000 entries, past the 30 s after which a request is cut.

Every cell is a number or inline text, never a formula, as openpyxl's write-only sheets write
them (numbers as "%.16g", text cut at Excel's 32,767 characters, white space kept); text
starting with one of `quoted` carries the "quote prefix" style, which keeps it text when
someone edits the cell. Characters XML cannot hold (control characters) are left out.
"""

import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain

from openpyxl.utils import get_column_letter
from openpyxl.writer.theme import theme_xml

MAX_CELL_CHARS = 32_767
ROWS_PER_WRITE = 1000
# XML 1.0 has no place for these, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_START = (
    f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
    '<pageSetUpPr/></sheetPr><sheetViews><sheetView workbookViewId="0"><selection '
    'activeCell="A1" sqref="A1"/></sheetView></sheetViews><sheetFormatPr baseColWidth="8" '
    'defaultRowHeight="15"/><sheetData>'
)
_SHEET_END = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
    'footer="0.5"/></worksheet>'
)
# Style 0 is the default; style 1 the same with the quote prefix.
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><name val="Calibri"/>'
    '<family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
    '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" '
    'quotePrefix="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
    'builtinId="0"/></cellStyles></styleSheet>'
)
_OOXML = "application/vnd.openxmlformats-officedocument"
_TYPES = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
    "/xl/workbook.xml": f"{_OOXML}.spreadsheetml.sheet.main+xml",
    "/xl/styles.xml": f"{_OOXML}.spreadsheetml.styles+xml",
    "/xl/theme/theme1.xml": f"{_OOXML}.theme+xml",
    "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "/docProps/app.xml": f"{_OOXML}.extended-properties+xml",
    "sheet": f"{_OOXML}.spreadsheetml.worksheet+xml",
}

Sheet = tuple[str, Sequence[object], Iterable[Sequence[object]]]


def write_workbook(sheets: Sequence[Sheet], quoted: tuple[str, ...]) -> bytes:
    """An XLSX file of (title, header, rows) sheets, in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for number, (_, header, rows) in enumerate(sheets, start=1):
            with package.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                for piece in _sheet_xml(header, rows, quoted):
                    part.write(piece.encode("utf-8"))
        titles = [title for title, _, _ in sheets]
        for name, text in _package_parts(titles).items():
            package.writestr(name, text)
    return out.getvalue()


def _sheet_xml(header, rows, quoted) -> Iterator[str]:
    yield _SHEET_START
    letters: list[str] = []
    pieces: list[str] = []
    for number, row in enumerate(chain([header], rows), start=1):
        letters += [get_column_letter(i) for i in range(len(letters) + 1, len(row) + 1)]
        cells = "".join(
            _cell(f"{letter}{number}", value, quoted)
            for letter, value in zip(letters, row, strict=False)
            if value is not None
        )
        pieces.append(f'<row r="{number}">{cells}</row>')
        if len(pieces) == ROWS_PER_WRITE:
            yield "".join(pieces)
            pieces.clear()
    yield "".join(pieces) + _SHEET_END


def _cell(ref: str, value, quoted: tuple[str, ...]) -> str:
    if isinstance(value, str):
        style = ' s="1"' if value.startswith(quoted) else ""
        text = _NOT_XML.sub("", value[:MAX_CELL_CHARS])
        if not text:
            return f'<c r="{ref}"{style} t="inlineStr"/>'
        stripped = text.strip()
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        number = f"{value:.16g}" if math.isfinite(value) else ""
        return f'<c r="{ref}" t="n"><v>{number}</v></c>'
    raise TypeError(f"A workbook cell holds text or a number, not {type(value).__name__}")


def _escape(text: str) -> str:
    """Text as XML character data, escaped as ElementTree (so openpyxl) escapes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _package_parts(titles: list[str]) -> dict[str, str]:
    """Everything but the sheets: what a spreadsheet reads to find them, and their style."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sheets = [f"worksheets/sheet{n}.xml" for n in range(1, len(titles) + 1)]
    return {
        "[Content_Types].xml": _content_types(sheets),
        "_rels/.rels": _relationships(
            [
                ("xl/workbook.xml", f"{_OFFICE}/relationships/officeDocument"),
                ("docProps/core.xml", f"{_PACKAGE}/relationships/metadata/core-properties"),
                ("docProps/app.xml", f"{_OFFICE}/relationships/extended-properties"),
            ]
        ),
        "docProps/app.xml": f'{_HEAD}<Properties xmlns="{_OFFICE}/extended-properties">'
        "<Application>Engage</Application></Properties>",
        "docProps/core.xml": _core(now),
        "xl/workbook.xml": _workbook(titles),
        "xl/_rels/workbook.xml.rels": _relationships(
            [(sheet, f"{_OFFICE}/relationships/worksheet") for sheet in sheets]
            + [
                ("styles.xml", f"{_OFFICE}/relationships/styles"),
                ("theme/theme1.xml", f"{_OFFICE}/relationships/theme"),
            ]
        ),
        "xl/styles.xml": _STYLES,
        "xl/theme/theme1.xml": theme_xml,
    }


def _content_types(sheets: list[str]) -> str:
    types = [f'<Default Extension="{e}" ContentType="{_TYPES[e]}"/>' for e in ("rels", "xml")]
    types += [
        f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in _TYPES.items() if "/" in p
    ]
    types += [
        f'<Override PartName="/xl/{sheet}" ContentType="{_TYPES["sheet"]}"/>' for sheet in sheets
    ]
    return f'{_HEAD}<Types xmlns="{_PACKAGE}/content-types">{"".join(types)}</Types>'


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_attribute(title)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}/relationships"><bookViews>'
        f'<workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _relationships(links: list[tuple[str, str]]) -> str:
    found = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, (target, kind) in enumerate(links, start=1)
    )
    return f'{_HEAD}<Relationships xmlns="{_PACKAGE}/relationships">{found}</Relationships>'


def _core(now: str) -> str:
    return (
        f'{_HEAD}<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Engage</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )
