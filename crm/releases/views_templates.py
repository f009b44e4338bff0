"""Release templates (upload, preview, default, retire, download) and text snippets."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.auth.roles import admin_required, editor_required
from crm.errors import UserError
from crm.extensions import db
from crm.releases import bp, docx, logo, snippets, templates_store, workflow
from crm.releases.distribution import DOCX_MIME
from crm.releases.forms import LogoForm, SnippetForm, TemplateUploadForm
from crm.releases.markup import to_html
from crm.releases.models import ReleaseTemplate, TextSnippet
from crm.releases.package import MAX_UPLOAD_BYTES
from crm.view_helpers import send_download, show_error


def _back_to_review(before: list) -> None:
    """Four eyes: say how many of the approved releases `before` a change sent back."""
    count = sum(1 for release in before if release.status != "approved")
    if count:
        flash(ngettext("%(num)d approved release goes back to review.",
                       "%(num)d approved releases go back to review.", count), "info")


@bp.route("/templates", methods=["GET", "POST"])
def templates():
    """The templates, and (for editors) a form to upload one."""
    form = TemplateUploadForm()
    if request.method == "POST":
        if not current_user.can_write:
            abort(403)
        if form.validate_on_submit():
            data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
            before = workflow.approved_releases()
            try:
                template, warnings = templates_store.upload_template(
                    name=form.name.data, language=form.language.data,
                    filename=form.file.data.filename or "", data=data,
                    user_id=current_user.id)
            except UserError as exc:
                db.session.rollback()
                show_error(form, exc, fallback="file")
            else:
                flash(_("Template uploaded."), "success")
                _back_to_review(before)
                for warning in warnings:
                    flash(warning.render(), "warning")
                return redirect(url_for("releases.template_detail", template_id=template.id))
    elif not templates_store.all_templates():
        templates_store.default_for("nb")  # installs the built-in ones the first time
    shown = templates_store.all_templates()
    templates_store.check_shown(shown)
    return render_template("releases/templates.html", form=form, templates=shown,
                           usable=docx.shows_release,
                           max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))


@bp.route("/templates/<int:template_id>")
def template_detail(template_id: int):
    """A template: the placeholders it uses, with a warning for unknown ones."""
    template = db.get_or_404(ReleaseTemplate, template_id)
    known = [v for v in template.variables if v in docx.KNOWN_VARIABLES]
    unknown = [v for v in template.variables if v not in docx.KNOWN_VARIABLES]
    missing = [v for v in docx.KNOWN_VARIABLES if v not in template.variables]
    return render_template("releases/template.html", template=template, known=known,
                           unknown=unknown, missing=sorted(missing),
                           refusal=templates_store.unusable_reason(template),
                           approved=workflow.approved_using(template_id=template.id),
                           inline=docx.INLINE_VARIABLES, block=docx.BLOCK_VARIABLES)


@bp.route("/templates/<int:template_id>/download.docx")
def template_download(template_id: int):
    """The template file itself, to restyle in Word."""
    template = db.get_or_404(ReleaseTemplate, template_id)
    return send_download(template.content, template.filename, DOCX_MIME)


@bp.route("/templates/<int:template_id>/default", methods=["POST"])
@editor_required
def template_default(template_id: int):
    """Make a template its language's default."""
    before = workflow.approved_releases()
    try:
        templates_store.set_default(db.get_or_404(ReleaseTemplate, template_id),
                                    current_user.id)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Default template set."), "success")
        _back_to_review(before)
    return redirect(url_for("releases.templates"))


@bp.route("/templates/<int:template_id>/retire", methods=["POST"])
@editor_required
def template_retire(template_id: int):
    """Stop offering a template."""
    before = workflow.approved_releases()
    templates_store.retire(db.get_or_404(ReleaseTemplate, template_id), current_user.id)
    flash(_("Template retired."), "success")
    _back_to_review(before)
    return redirect(url_for("releases.templates"))


# --- the office's logo ---------------------------------------------------------------------

@bp.route("/logo", methods=["GET", "POST"])
@admin_required
def logo_settings():
    """The logo in the letterhead of rendered releases: upload, replace, remove."""
    form = LogoForm()
    if form.validate_on_submit():
        before = workflow.approved_releases()
        try:
            logo.save_logo(form.file.data.read(logo.MAX_LOGO_BYTES + 1),
                           form.file.data.filename or "", current_user.id)
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc, fallback="file")
        else:
            flash(_("Logo saved. Releases rendered from now on carry it."), "success")
            _back_to_review(before)
            return redirect(url_for("releases.logo_settings"))
    return render_template("releases/logo.html", form=form, logo=logo.current_logo(),
                           max_mb=logo.MAX_LOGO_BYTES // (1024 * 1024))


@bp.route("/logo/remove", methods=["POST"])
@admin_required
def logo_remove():
    """Render releases without a logo."""
    before = workflow.approved_releases()
    if logo.remove_logo(current_user.id):
        flash(_("Logo removed."), "success")
        _back_to_review(before)
    return redirect(url_for("releases.logo_settings"))


@bp.route("/logo/<int:logo_id>/image")
def logo_image(logo_id: int):
    """The current logo's image (for the settings page)."""
    current = logo.current_logo()
    if current is None or current.id != logo_id:
        abort(404)
    return send_download(current.content, current.filename or "logo", current.mimetype,
                         inline=True, headers={"Cache-Control": "private, no-cache"})


# --- snippets -------------------------------------------------------------------------------

@bp.route("/snippets")
def snippet_list():
    """Text snippets releases can include."""
    return render_template("releases/snippets.html", snippets=snippets.all_snippets(),
                           to_html=to_html)


def _save_snippet(snippet: TextSnippet | None):
    form = SnippetForm(obj=snippet)
    approved = workflow.approved_using(snippet_id=snippet.id) if snippet else []
    if form.validate_on_submit():
        try:
            snippets.save_snippet(snippet, name=form.name.data, language=form.language.data,
                                  body=form.body.data, retired=form.retired.data,
                                  user_id=current_user.id)
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(_("Snippet saved."), "success")
            _back_to_review(approved)
            return redirect(url_for("releases.snippet_list"))
    return render_template("releases/snippet_form.html", form=form, snippet=snippet,
                           approved=approved)


@bp.route("/snippets/new", methods=["GET", "POST"])
@editor_required
def snippet_new():
    """Write a new snippet."""
    return _save_snippet(None)


@bp.route("/snippets/<int:snippet_id>/edit", methods=["GET", "POST"])
@editor_required
def snippet_edit(snippet_id: int):
    """Change or retire a snippet."""
    return _save_snippet(db.get_or_404(TextSnippet, snippet_id))
