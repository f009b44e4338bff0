"""Import from CSV (upload, mapping, preview, confirm) and export to CSV and vCard."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.auth.roles import editor_required
from crm.contacts import bp, exporting, import_store
from crm.contacts.csv_reading import MAX_IMPORT_BYTES, ImportFileError, ParsedFile, parse_csv
from crm.contacts.import_fields import IMPORT_FIELDS, guess_mapping
from crm.contacts.importing import Preview, preview_import, run_import
from crm.contacts.models import CONTACT_KINDS
from crm.contacts.services import filtered_contacts
from crm.contacts.views import filter_from_args, get_live_contact
from crm.view_helpers import send_download

PREVIEW_SAMPLE = 20
PREVIEW_LIST_LIMIT = 500


def upload_limit() -> int:
    limit = current_app.config.get("CRM_IMPORT_MAX_BYTES") or MAX_IMPORT_BYTES
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(limit, request_limit) if request_limit else limit


def _kind(values) -> str:
    kind = values.get("kind", "journalist")
    return kind if kind in CONTACT_KINDS else "journalist"


def _pending(token: str) -> tuple[import_store.PendingUpload, ParsedFile]:
    upload = import_store.load_upload(token, user_id=current_user.id)
    if upload is None:
        abort(404)
    try:
        parsed = parse_csv(upload.data, max_bytes=max(len(upload.data), 1))
    except ImportFileError:
        import_store.discard_upload(token, user_id=current_user.id)
        abort(404)
    return upload, parsed


def _mapping_from(values, parsed: ParsedFile) -> list[str]:
    keys = [f"map-{i}" for i in range(parsed.column_count)]
    if not any(key in values for key in keys):
        return guess_mapping(parsed.headers)
    return [values.get(key, "")[:40] for key in keys]


def _source(values, upload: import_store.PendingUpload) -> str:
    if "source" in values:
        return values.get("source", "")[:300]
    return _("CSV import: %(file)s", file=upload.filename or "upload.csv")[:300]


@bp.route("/contacts/import", methods=["GET", "POST"])
@editor_required
def import_upload():
    """Step 1: upload a CSV file."""
    kind, error = _kind(request.values), None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Choose a CSV file to upload.")
        else:
            limit = upload_limit()
            data = upload.read(limit + 1)
            try:
                parse_csv(data, max_bytes=limit)
            except ImportFileError as exc:
                error = str(exc)
            else:
                token = import_store.save_upload(data, user_id=current_user.id,
                                                 filename=upload.filename)
                return redirect(url_for("contacts.import_mapping", token=token, kind=kind))
    return render_template("contacts/import_upload.html", kinds=CONTACT_KINDS, kind=kind,
                           error=error, max_mb=upload_limit() / 1024 / 1024), \
        400 if error else 200


def _render_mapping(token, upload, parsed, mapping, kind, source, problems=(), status=200):
    columns = [{"index": i, "header": header, "samples": parsed.samples(i),
                "selected": mapping[i] if i < len(mapping) else ""}
               for i, header in enumerate(parsed.headers)]
    return render_template(
        "contacts/import_mapping.html", token=token, upload=upload, parsed=parsed,
        columns=columns, fields=IMPORT_FIELDS, kinds=CONTACT_KINDS, kind=kind, source=source,
        problems=problems), status


@bp.route("/contacts/import/<token>")
@editor_required
def import_mapping(token: str):
    """Step 2: say which column holds what."""
    upload, parsed = _pending(token)
    return _render_mapping(token, upload, parsed, _mapping_from(request.args, parsed),
                           _kind(request.args), _source(request.args, upload))


def _render_preview(token, upload, parsed, preview: Preview, problems=(), status=200):
    back = {f"map-{i}": key for i, key in enumerate(preview.mapping)}
    back.update(kind=preview.kind, source=preview.source)
    return render_template(
        "contacts/import_preview.html", token=token, upload=upload, parsed=parsed,
        preview=preview, problems=problems, back=back,
        sample=preview.valid_rows[:PREVIEW_SAMPLE],
        invalid=preview.invalid_rows[:PREVIEW_LIST_LIMIT],
        duplicate_rows=preview.duplicate_rows[:PREVIEW_LIST_LIMIT],
        field_labels={f.key: f.label for f in IMPORT_FIELDS},
        list_limit=PREVIEW_LIST_LIMIT), status


def _preview_from_form(upload, parsed) -> Preview:
    return preview_import(parsed, _mapping_from(request.form, parsed), _kind(request.form),
                          _source(request.form, upload))


@bp.route("/contacts/import/<token>/preview", methods=["POST"])
@editor_required
def import_preview(token: str):
    """Step 3: every row as it would be stored, its errors and likely duplicates."""
    upload, parsed = _pending(token)
    preview = _preview_from_form(upload, parsed)
    if preview.problems:
        return _render_mapping(token, upload, parsed, preview.mapping, preview.kind,
                               preview.source, preview.problems, 400)
    return _render_preview(token, upload, parsed, preview)


def _imported_once():
    flash(_("This file has already been imported (or is being imported); it is imported "
            "only once."), "info")
    return redirect(url_for("contacts.index"))


@bp.route("/contacts/import/<token>/confirm", methods=["POST"])
@editor_required
def import_confirm(token: str):
    """Step 4: store the chosen rows, all in one transaction."""
    if import_store.is_claimed_by(token, user_id=current_user.id):
        return _imported_once()
    upload, parsed = _pending(token)
    preview = _preview_from_form(upload, parsed)
    if preview.problems:
        return _render_mapping(token, upload, parsed, preview.mapping, preview.kind,
                               preview.source, preview.problems, 400)
    if request.form.get("import_all_duplicates"):
        chosen: set[int] | bool = True
    else:
        chosen = {int(v) for v in request.form.getlist("import_row") if v.isdigit()}
    if import_store.claim_upload(token, user_id=current_user.id) is None:
        return _imported_once()
    try:
        result = run_import(preview, skip_invalid=request.form.get("skip_invalid") == "1",
                            import_duplicates=chosen, user_id=current_user.id)
    except BaseException:
        import_store.release_claim(token)
        raise
    if not result.committed:
        import_store.release_claim(token)
        return _render_preview(token, upload, parsed, preview, result.problems, 400)
    import_store.finish_upload(token)
    flash(ngettext("%(num)d contact imported.", "%(num)d contacts imported.", result.created),
          "success")
    return render_template("contacts/import_result.html", result=result, upload=upload)


@bp.route("/contacts/import/<token>/cancel", methods=["POST"])
@editor_required
def import_cancel(token: str):
    """Delete the uploaded file; only its uploader may (anyone else gets 404)."""
    if not import_store.discard_upload(token, user_id=current_user.id):
        abort(404)
    flash(_("Import cancelled; the uploaded file was deleted."), "info")
    return redirect(url_for("contacts.index"))


# Export ----------------------------------------------------------------------------------

def _download(pieces, content_type: str, filename: str) -> Response:
    return send_download(stream_with_context(pieces), filename, content_type,
                         headers={"Cache-Control": "no-store"})


def _filtered_for_export(fmt: str):
    flt = filter_from_args(request.args)
    select = filtered_contacts(flt)
    exporting.record_export(fmt, exporting.count_of(select), flt.recorded(), current_user.id)
    return select


@bp.route("/contacts/export.csv")
@editor_required
def export_csv():
    """The filtered contact list as CSV for Excel."""
    select = _filtered_for_export("csv")
    return _download(exporting.export_csv(select), "text/csv; charset=utf-8",
                     exporting.export_filename("pressdesk-contacts", "csv", dated=True))


@bp.route("/contacts/export.vcf")
@editor_required
def export_vcards():
    """The filtered contact list as vCards (one file)."""
    select = _filtered_for_export("vcard")
    return _download(exporting.export_vcards(select), "text/vcard; charset=utf-8",
                     exporting.export_filename("pressdesk-contacts", "vcf", dated=True))


@bp.route("/contacts/<int:contact_id>/vcard")
def export_vcard(contact_id: int):
    """One contact as a vCard, for a phone or a mail program."""
    contact = get_live_contact(contact_id)
    response = _download(iter([exporting.vcard(contact)]), "text/vcard; charset=utf-8",
                         exporting.export_filename(contact.name, "vcf"))
    return response
