"""Release views: list, draft and edit, workflow actions, versions, downloads and previews."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.auth.roles import editor_required
from crm.contacts.models import Contact
from crm.errors import UserError
from crm.extensions import db
from crm.formutil import choices
from crm.releases import bp, breach, output, services, workflow
from crm.releases.diff import diff_versions
from crm.releases.distribution import DOCX_MIME
from crm.releases.docx import shows_release
from crm.releases.export import ExportError, render_docx
from crm.releases.forms import ReleaseForm, local_to_utc, utc_to_local_input
from crm.releases.markup import to_html
from crm.releases.models import (
    STATUSES,
    Distribution,
    Release,
    ReleaseQuote,
    ReleaseStatus,
    ReleaseVersion,
)
from crm.releases.snippets import active_snippets
from crm.releases.templates_store import active_templates, check_shown
from crm.releases.workflow import ACTION_LABELS
from crm.view_helpers import PAGE_SIZE, id_arg, page_arg, send_download, show_error


@bp.route("/")
def index():
    """Releases, newest first, filtered by status or words in the title."""
    status = request.args.get("status", "")
    q = request.args.get("q", "").strip()[:200]
    query = db.select(Release).order_by(Release.updated_at.desc())
    if status in STATUSES:
        query = query.where(Release.status == status)
    if q:
        query = query.where(Release.title.ilike("%" + q.replace("\\", "\\\\").replace(
            "%", "\\%").replace("_", "\\_") + "%", escape="\\"))
    page = db.paginate(query, page=page_arg(), per_page=PAGE_SIZE, error_out=False)
    return render_template("releases/index.html", page=page, status=status, q=q,
                           statuses=STATUSES)


def _contact_choices() -> list:
    rows = db.session.execute(db.select(Contact.id, Contact.name).where(
        Contact.kind != "journalist", Contact.erased_at.is_(None)).order_by(Contact.sort_name))
    return choices([(0, "—")] + [(cid, name) for cid, name in rows])


def _prepare(form: ReleaseForm, release: Release | None) -> None:
    contacts = _contact_choices()
    known = {c.value for c in contacts}
    # A contact chosen earlier (e.g. now a journalist) stays selectable.
    extra = []
    if release is not None:
        people = [release.spokesperson] + [q.contact for q in release.quotes]
        extra = [(c.id, c.name) for c in people if c is not None and c.id not in known]
    contacts = contacts + choices(extra)
    form.spokesperson_id.choices = contacts
    staff = db.session.execute(db.select(User.id, User.name, User.email).where(
        or_(User.active.is_(True), User.id == (release.contact_user_id if release else None)))
        .order_by(User.name, User.email)).all()
    form.contact_user_id.choices = choices([(0, "—")] + [(uid, name or email)
                                                          for uid, name, email in staff])
    for entry in form.quotes:
        entry.contact_id.choices = contacts
    templates = active_templates()
    if release is not None and release.template and release.template not in templates:
        templates.append(release.template)
    check_shown(templates)
    unusable = " – " + _("not usable: shows neither title nor text")
    form.template_id.choices = choices(
        [(0, _("Default for the language"))]
        + [(t.id, f"{t.name} ({t.language})" + ("" if shows_release(t.shown) else unusable))
           for t in templates])
    snippets = active_snippets()
    if release is not None:
        snippets += [s for s in release.snippets if s not in snippets]
    form.snippet_ids.choices = choices([(s.id, f"{s.name} ({s.language})") for s in snippets])


def _fill(form: ReleaseForm, release: Release) -> None:
    form.title.data, form.lead.data, form.body.data = release.title, release.lead, release.body
    form.language.data = release.language
    form.tags.data = ", ".join(t.name for t in release.tags)
    form.spokesperson_id.data = release.spokesperson_id or 0
    form.contact_user_id.data = release.contact_user_id or 0
    form.template_id.data = release.template_id or 0
    form.snippet_ids.data = [s.id for s in release.snippets]
    form.release_at.data = utc_to_local_input(release.release_at)
    form.embargo_until.data = utc_to_local_input(release.embargo_until)
    while len(form.quotes) < len(release.quotes) + 1 and len(form.quotes) < 10:
        form.quotes.append_entry()
    for entry, quote in zip(form.quotes, release.quotes, strict=False):
        entry.contact_id.data = quote.contact_id or 0
        entry.text.data = quote.text


def _data(form: ReleaseForm) -> services.ReleaseData:
    return services.ReleaseData(
        title=form.title.data or "", lead=form.lead.data or "", body=form.body.data or "",
        language=form.language.data, tags=form.tags.data or "",
        spokesperson_id=form.spokesperson_id.data or None,
        contact_user_id=form.contact_user_id.data or None,
        quotes=[(e.contact_id.data or None, e.text.data or "") for e in form.quotes],
        snippet_ids=form.snippet_ids.data or [], template_id=form.template_id.data or None,
        release_at=local_to_utc(form.release_at.data, "release_at"),
        embargo_until=local_to_utc(form.embargo_until.data, "embargo_until"))


def _save(release: Release | None):
    form = ReleaseForm()
    if request.method == "GET" and release is not None:
        _fill(form, release)
    _prepare(form, release)
    if form.validate_on_submit():
        was_approved = release is not None and release.status == "approved"
        try:
            release = services.save_release(release, _data(form), current_user.id)
        except workflow.WorkflowError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("releases.detail", release_id=release.id))
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(_("Release saved (version %(n)d).", n=release.version), "success")
            if was_approved:
                flash(_("It was approved; the change sends it back to review."), "info")
                held = [d for d in release.distributions if d.is_held]
                if held:
                    flash(ngettext("%(num)d scheduled distribution is held until the release "
                                   "is approved again.",
                                   "%(num)d scheduled distributions are held until the "
                                   "release is approved again.", len(held)), "error")
            return redirect(url_for("releases.detail", release_id=release.id))
    return render_template("releases/form.html", form=form, release=release,
                           preview=to_html(form.body.data or ""))


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    """Draft a new release."""
    return _save(None)


@bp.route("/<int:release_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(release_id: int):
    """Change a release (a new version; an approved one goes back to review)."""
    release = db.get_or_404(Release, release_id)
    try:
        workflow.check_editable(release)
    except workflow.WorkflowError as exc:
        flash(exc.message, "error")
        return redirect(url_for("releases.detail", release_id=release.id))
    return _save(release)


@bp.route("/<int:release_id>")
def detail(release_id: int):
    """One release: status, actions, the email text, versions and distributions."""
    release = db.get_or_404(Release, release_id, options=[
        selectinload(Release.quotes).selectinload(ReleaseQuote.contact),
        selectinload(Release.versions).selectinload(ReleaseVersion.author),
        selectinload(Release.distributions).selectinload(Distribution.recipients)])
    actions = workflow.allowed_actions(release, current_user.id)
    four_eyes = release.status == "in_review" and not workflow.may_approve(
        release, current_user.id)
    return render_template("releases/detail.html", release=release, actions=actions,
                           action_labels=ACTION_LABELS, four_eyes=four_eyes,
                           email=output.email_body(release),
                           held=[d for d in release.distributions if d.is_held],
                           breaches=breach.breaches_of([release.id])[release.id],
                           breach_recipients=breach.recipients_at)


@bp.route("/<int:release_id>/action/<action>", methods=["POST"])
@editor_required
def act(release_id: int, action: str):
    """Apply a workflow action (submit, approve, send back, publish, withdraw)."""
    release = db.get_or_404(Release, release_id)
    if action not in workflow.USER_ACTIONS:
        abort(404)
    try:
        workflow.transition(release, action, current_user.id)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Status: %(status)s.", status=ReleaseStatus.label_of(release.status)), "success")
    return redirect(url_for("releases.detail", release_id=release.id))


@bp.route("/<int:release_id>/download.docx")
def download(release_id: int):
    """The release as a Word document from its template."""
    release = db.get_or_404(Release, release_id)
    try:
        name, content = render_docx(release)
    except ExportError as exc:
        flash(exc.message, "error")
        return redirect(url_for("releases.detail", release_id=release.id))
    return send_download(content, name, DOCX_MIME)


@bp.route("/preview", methods=["POST"])
@editor_required
def body_preview():
    """The formatted body for the editor's live preview: an HTML fragment of escaped text."""
    text = request.form.get("body", "")
    if len(text) > services.BODY_MAX:
        html = Markup('<p class="error">%s</p>') % _(
            "The text may have at most %(max)d characters.", max=services.BODY_MAX)
        status = 400
    else:
        html = to_html(text) or Markup('<p class="muted">%s</p>') % _("Nothing to show yet.")
        status = 200
    return Response(html, status=status, mimetype="text/html",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                             "X-Body-Preview": "1"})


@bp.route("/<int:release_id>/email.txt")
def email_text(release_id: int):
    """The plain-text email body."""
    body = output.email_body(db.get_or_404(Release, release_id))
    return Response(body.text, mimetype="text/plain")


@bp.route("/<int:release_id>/email.html")
def email_html(release_id: int):
    """The HTML email body, as recipients see it (built from escaped text only)."""
    body = output.email_body(db.get_or_404(Release, release_id))
    return Response(body.html, mimetype="text/html",
                    headers={"Content-Security-Policy": "default-src 'none'; "
                                                        "style-src 'unsafe-inline'"})


@bp.route("/<int:release_id>/versions")
def versions(release_id: int):
    """Every saved version; compare two."""
    release = db.get_or_404(Release, release_id)
    numbers = [v.number for v in release.versions]
    new_n = id_arg("b") or (numbers[0] if numbers else None)
    old_n = id_arg("a") or (new_n - 1 if new_n else None)
    diff = None
    old = services.get_version(release, old_n) if old_n else None
    new = services.get_version(release, new_n) if new_n else None
    if old is not None and new is not None:
        diff = diff_versions(old, new)
    return render_template("releases/versions.html", release=release, diff=diff, old=old,
                           new=new)


@bp.route("/<int:release_id>/versions/<int:number>/restore", methods=["POST"])
@editor_required
def restore(release_id: int, number: int):
    """Save an old version's content as the newest version."""
    release = db.get_or_404(Release, release_id)
    version = services.get_version(release, number)
    if version is None:
        abort(404)
    try:
        services.restore_version(release, version, current_user.id)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Version %(n)d restored as version %(m)d.", n=number, m=release.version),
              "success")
    return redirect(url_for("releases.detail", release_id=release.id))
