"""Workshop sheets: download the template, upload, preview with per-row errors, confirm."""

import re
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from engage.errors import EngageError
from engage.extensions import db
from engage.models import WorkshopImport
from engage.moderation import bp
from engage.moderation.forms import WorkshopConfirmForm, WorkshopUploadForm
from engage.services.consultations import get_consultation_by_id, list_consultations
from engage.services.sheets import MAX_FILE_BYTES
from engage.services.workshop_overlap import (
    Overlap,
    find_overlap,
    left_out_message,
    overlap_message,
    rows_to_import,
)
from engage.services.workshop_sheets import (
    preview_sheet,
    problems_csv,
    template_csv,
    template_xlsx,
)
from engage.services.workshops import earlier_import, import_workshop, keep_sheet, kept_sheet
from engage.staff import staff_user

_UPLOAD_ID = re.compile(r"^[0-9a-f]{64}$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.url_value_preprocessor
def _sheet_form_body_limit(endpoint, values) -> None:
    """Let the upload form take a body larger than MAX_CONTENT_LENGTH, so that a sheet over the
    sheet limit reaches the view and gets its message with the other fields kept (set before
    CSRFProtect's before_request reads the body)."""
    if endpoint == "moderation.preview_workshop":
        request.max_content_length = current_app.config["SHEET_FORM_MAX_CONTENT_LENGTH"]


def _stashed(upload_id: str) -> tuple[str, bytes]:
    """An uploaded sheet kept between preview and confirmation (by its hash)."""
    if not _UPLOAD_ID.match(upload_id or ""):
        abort(400)
    return _find_stashed(upload_id) or abort(404)


def _find_stashed(upload_id: str) -> tuple[str, bytes] | None:
    if not _UPLOAD_ID.match(upload_id or ""):
        return None
    return kept_sheet(upload_id)


def _upload_form() -> WorkshopUploadForm:
    form = WorkshopUploadForm()
    form.consultation.choices = [(c.id, c.title) for c in list_consultations()]
    return form


def _recent_imports() -> list[WorkshopImport]:
    query = select(WorkshopImport).order_by(WorkshopImport.id.desc()).limit(50)
    return list(db.session.scalars(query))


@bp.get("/workshops")
def workshops():
    """The upload form, the template, and the sheets imported so far."""
    return render_template(
        "moderation/workshops.html", form=_upload_form(), imports=_recent_imports()
    )


@bp.get("/workshops/template.<any(csv, xlsx):kind>")
def workshop_template(kind):
    """The sheet partners fill in."""
    if kind == "csv":
        return Response(
            template_csv(), mimetype="text/csv", headers=_attachment("3-wishes-workshop.csv")
        )
    return Response(template_xlsx(), mimetype=XLSX, headers=_attachment("3-wishes-workshop.xlsx"))


def _attachment(name: str) -> dict:
    """A download's name. A header carries Latin-1 at most and browsers trust only ASCII there,
    so a name with other letters goes in filename* as UTF-8 (RFC 6266), after an ASCII one."""
    simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    header = f'attachment; filename="{simple}"'
    if simple != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return {"Content-Disposition": header}


@bp.post("/workshops/preview")
def preview_workshop():
    """Check every row and show what would be imported, before anything is saved."""
    try:
        return _preview(_upload_form())
    finally:
        for upload in request.files.values():
            upload.close()  # a large upload is spooled to a temporary file


def _preview(form: WorkshopUploadForm):
    sheet = _chosen_sheet(form)
    if not form.validate_on_submit() or sheet is None:
        if sheet is None:
            form.sheet.errors = ["Choose the sheet to upload"]
            return _upload_page(form), 400
        # Keep the file for the next try: the browser cannot put it back in the file box.
        form.kept_sheet.data = keep_sheet(*sheet)
        db.session.commit()
        return _upload_page(form, kept_name=sheet[0]), 400
    filename, data = sheet
    try:
        preview = preview_sheet(filename, data)
    except EngageError as error:
        return _upload_page(form, problem=error.message), error.status
    upload_id = keep_sheet(filename, data)
    db.session.commit()
    confirm = WorkshopConfirmForm(
        formdata=None,  # filled from the checked upload, not from this request's fields
        upload=upload_id,
        consultation=form.consultation.data,
        partner=form.partner.data,
        event=form.event.data,
        event_date=form.event_date.data.isoformat(),
    )
    consultation = get_consultation_by_id(form.consultation.data)
    # Uploaded again for its rows to fix, most likely: say so rather than offer to import.
    earlier = earlier_import(consultation, preview.sha256)
    overlap = None if earlier else find_overlap(consultation, preview)
    if overlap:
        _ask_which_rows(confirm, overlap)
    return render_template(
        "moderation/workshop_preview.html",
        preview=preview,
        confirm=confirm,
        upload_id=upload_id,
        form=form,
        consultation=consultation,
        earlier=earlier,
        overlap=overlap,
        overlap_message=overlap and overlap_message(overlap),
    )


def _ask_which_rows(confirm: WorkshopConfirmForm, overlap: Overlap) -> None:
    new = len(overlap.new_rows)
    confirm.rows.choices = [
        (
            "new",
            f"Import only the {new} {'row' if new == 1 else 'rows'} not imported before"
            if new
            else "Import none of the rows: all were imported before",
        ),
        ("all", f"Import all {overlap.total} rows again"),
    ]


def _chosen_sheet(form: WorkshopUploadForm) -> tuple[str, bytes] | None:
    """The name and bytes of the file chosen now, or else of the one kept from the last try."""
    upload = form.sheet.data
    if upload:
        return Path(upload.filename).name[:200] or "sheet", upload.read(MAX_FILE_BYTES + 1)
    return _find_stashed(form.kept_sheet.data)


def _upload_page(form: WorkshopUploadForm, **context) -> str:
    return render_template(
        "moderation/workshops.html", form=form, imports=_recent_imports(), **context
    )


@bp.post("/workshops/import")
def import_workshop_sheet():
    """Import the valid rows of a previewed sheet, in one transaction."""
    form = WorkshopConfirmForm()
    if not form.validate_on_submit() or not _UPLOAD_ID.match(form.upload.data or ""):
        abort(400)
    if (stashed := _find_stashed(form.upload.data)) is None:
        flash(
            "Not imported: the sheet checked on that page is no longer kept. Upload it again.",
            "error",
        )
        return redirect(url_for("moderation.workshops"), 303)
    filename, data = stashed
    consultation = get_consultation_by_id(form.consultation.data)
    try:
        event_date = date.fromisoformat(form.event_date.data)
    except ValueError:
        abort(400)
    if consultation is None:
        abort(400)
    try:
        whole = preview_sheet(filename, data)
        rows, overlap = rows_to_import(consultation, whole, again=form.rows.data == "all")
        if overlap and not rows.valid:
            flash(f"Nothing imported from {filename}. All its {left_out_message(overlap)}")
            return redirect(url_for("moderation.workshops"), 303)
        done = import_workshop(
            consultation,
            rows,
            partner_name=form.partner.data,
            event_name=form.event.data,
            event_date=event_date,
            user=staff_user(),
            rows_repeated=len(overlap.matches) if overlap else 0,
        )
    except EngageError as error:
        db.session.rollback()
        flash(f"Not imported: {error.message}", "error")
        return redirect(url_for("moderation.workshops"), 303)
    db.session.commit()
    flash(_imported_message(done, filename, overlap))
    return redirect(url_for("moderation.workshops"), 303)


def _imported_message(done: WorkshopImport, filename: str, overlap: Overlap | None) -> str:
    rows = "1 row" if done.rows_imported == 1 else f"{done.rows_imported:,} rows"
    left_out = f" {left_out_message(overlap)}" if overlap else ""
    return f"Imported {rows} from {filename}.{left_out} The wishes are in the moderation queue."


@bp.get("/workshops/<upload_id>/problems.csv")
def workshop_problems(upload_id):
    """The rows that could not be imported, with their errors, to fix and upload again."""
    filename, data = _stashed(upload_id)
    body = problems_csv(preview_sheet(filename, data))
    stem = re.sub(r"[^\w.-]+", "-", Path(filename).stem)[:80] or "sheet"
    return Response(body, mimetype="text/csv", headers=_attachment(f"{stem}-rows-to-fix.csv"))
