"""Workshop sheets for tests, made in memory: CSV in any delimiter and encoding, XLSX with
text or formulas, and zips with some entries replaced. Nothing is downloaded."""

import csv
import io
import zipfile

from openpyxl import Workbook


def csv_bytes(rows, delimiter=",", encoding="utf-8"):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, formulas=False, extra_sheet=None):
    """A workbook; strings are typed as text unless formulas=True lets '=…' be a formula."""
    workbook = Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and not (formulas and value.startswith("=")):
                cell.data_type = "s"
    if extra_sheet:
        workbook.create_sheet("Other").append(extra_sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_csv(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def rebuild_zip(data, replace):
    """A copy of a zip with some entries' bytes replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info, src.read(info), zipfile.ZIP_DEFLATED)
        for name, content in replace.items():
            dst.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()
