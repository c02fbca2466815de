"""Command line: ``python -m analysis themes INPUT.csv --text-column text --out themes.json``."""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from analysis.framework import load_framework
from analysis.model import ThemeModel
from analysis.results import to_json


def positive_int(text: str) -> int:
    """A whole number of 1 or more, as argparse's ``type`` (its error ends with the text)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analysis``."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    themes = sub.add_parser("themes", help="find the themes of the entries of a CSV file")
    themes.add_argument("input", type=Path, help="CSV file with one entry a row")
    themes.add_argument("--text-column", default="text")
    themes.add_argument("--id-column", default=None, help="default: row number from 1")
    themes.add_argument(
        "--themes", type=positive_int, default=None, help="default: chosen automatically"
    )
    themes.add_argument(
        "--max-themes",
        type=positive_int,
        default=100,
        help="the most themes the automatic choice tries (default: 100)",
    )
    themes.add_argument("--representation", choices=["tfidf", "embedding"], default="tfidf")
    themes.add_argument("--framework", type=Path, default=None, help="YAML or JSON file")
    themes.add_argument(
        "--area-name",
        action="append",
        default=None,
        help="the area's own name (a stop word); may be repeated",
    )
    themes.add_argument(
        "--stop-word",
        action="append",
        default=None,
        help="a word that carries no theme here, left out in every form; may be repeated",
    )
    themes.add_argument("--random-state", type=int, default=0)
    themes.add_argument("--out", type=Path, required=True, help="themes JSON file to write")
    themes.add_argument(
        "--assignments",
        type=Path,
        default=None,
        help="CSV to write: id,theme_id,theme_label,score (with --framework also "
        "framework_id,framework_name,framework_score)",
    )
    themes.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return parser


def read_entries(path: Path, text_column: str, id_column: str | None):
    """Read texts and ids from a CSV file with a header row.

    The file may be in any encoding spreadsheets save CSV in: UTF-8 (with or without a byte
    order mark), UTF-16 with a byte order mark ("Unicode text"), or Windows-1252 (Excel's
    plain "CSV" on Windows in English).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SystemExit(f"error: cannot read {path}: {exc.strerror or exc}") from exc
    # Long comments exceed csv's default cell limit; the limit is process-wide, so restore it.
    previous = csv.field_size_limit(10_000_000)
    try:
        reader = csv.DictReader(io.StringIO(decode_csv(data, path), newline=""))
        columns = reader.fieldnames or []
        for column in [text_column, id_column]:
            if column is not None and column not in columns:
                raise SystemExit(f"error: no column {column!r} in {path} ({columns})")
        rows = list(reader)
    except csv.Error as exc:
        raise SystemExit(f"error: {path} is not a readable CSV file: {exc}") from exc
    finally:
        csv.field_size_limit(previous)
    texts = [row[text_column] or "" for row in rows]
    ids = [row[id_column] for row in rows] if id_column else list(range(1, len(rows) + 1))
    return texts, ids


def decode_csv(data: bytes, path: Path) -> str:
    """The text of a CSV file saved by a spreadsheet (see :func:`read_entries`)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SystemExit(f"error: {path} is not readable UTF-16 text") from exc
    if b"\x00" in data[:4096]:
        raise SystemExit(f"error: {path} is not a CSV file (it holds binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        print(f"{path} is not UTF-8: read as Windows-1252", file=sys.stderr)
        return data.decode("cp1252", errors="replace")


def check_writable(path: Path | None) -> None:
    """Stop before any work if ``path`` cannot be written."""
    if path is None:
        return
    if path.is_dir():
        raise SystemExit(f"error: {path} is a folder; give a file name to write")
    if not path.parent.is_dir():
        raise SystemExit(f"error: no folder {path.parent} to write {path.name} in")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise SystemExit(f"error: {path} cannot be written")


def write_assignments(path: Path, assignments, framework: bool = False) -> None:
    """Write ``id,theme_id,theme_label,score``, one row per entry.

    With a framework, three more columns give the entry's best framework theme:
    ``framework_id,framework_name,framework_score`` (empty for an entry that matches none).
    """
    head = ["id", "theme_id", "theme_label", "score"]
    if framework:
        head += ["framework_id", "framework_name", "framework_score"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        for a in assignments:
            row = [a.id, a.theme_id, a.theme_label, f"{a.score:.4f}"]
            if framework:
                best = a.framework[0] if a.framework else None
                row += [best.framework_id, best.name, f"{best.score:.4f}"] if best else [""] * 3
            writer.writerow(row)


def run_themes(args: argparse.Namespace) -> int:
    """Fit a ThemeModel on the CSV and write the results."""
    start = time.perf_counter()
    check_writable(args.out)
    check_writable(args.assignments)
    texts, ids = read_entries(args.input, args.text_column, args.id_column)
    framework = None
    if args.framework is not None:
        try:
            framework = load_framework(args.framework)
        except OSError as exc:
            raise SystemExit(f"error: cannot read {args.framework}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise SystemExit(f"error: {exc}") from exc
    model = ThemeModel(
        n_themes=args.themes,
        representation=args.representation,
        random_state=args.random_state,
        max_themes=args.max_themes,
        area_name=args.area_name,
        extra_stop_words=args.stop_word,
        framework=framework,
        show_progress=not args.quiet,
    )
    try:
        model.fit(texts, ids=ids)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from exc
    try:
        args.out.write_text(to_json(model.report()) + "\n", encoding="utf-8")
        if args.assignments:
            write_assignments(args.assignments, model.assignments(), framework is not None)
    except OSError as exc:
        raise SystemExit(f"error: cannot write {exc.filename}: {exc.strerror or exc}") from exc
    _say_if_fewer(model, args.themes, len(texts))
    if not args.quiet:
        seconds = time.perf_counter() - start
        print(f"{len(texts)} entries, {model.n_themes_} themes, {seconds:.1f} s", file=sys.stderr)
        for chosen in (c for c in model.selection_ if c.chosen):
            # The rule compares the numbers tried on the same view of the entries.
            same_view = [c for c in model.selection_ if c.view == chosen.view]
            tried = sorted(c.n_themes for c in same_view)
            print(
                f"  {chosen.n_themes} themes chosen of {tried[0]}-{tried[-1]} tried: the "
                f"largest whose stability ({chosen.score:.2f}) is within 0.03 of the best "
                f"({max(c.score for c in same_view):.2f}); every score is in {args.out}",
                file=sys.stderr,
            )
        for theme in model.themes_[:20]:
            print(f"  {theme.id:3d}  {theme.size:7d}  {theme.label}{_fits(theme)}", file=sys.stderr)
    return 0


def _say_if_fewer(model, asked: int | None, n_entries: int) -> None:
    """Say so when the entries held fewer themes than asked for (even with --quiet: the
    output differs from what was asked)."""
    found = sum(1 for t in model.themes_ if not t.is_other)
    if asked is not None and found < asked:
        print(
            f"note: {asked} themes asked for, {found} found: {n_entries} entries do not hold "
            f"{asked} distinct themes big enough to keep",
            file=sys.stderr,
        )


def _fits(theme) -> str:
    """Where a theme stands against the framework, for the summary ("" without one)."""
    if theme.is_new:
        return "  (new: no framework theme fits it well)"
    if theme.is_new is None or not theme.framework:
        return ""
    return f"  -> {theme.framework[0].name}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m analysis``."""
    args = build_parser().parse_args(argv)
    if args.command == "themes":
        return run_themes(args)
    return 2  # pragma: no cover - argparse rejects unknown commands
