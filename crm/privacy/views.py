"""Data protection pages: export download, erasure with confirmation, retention report."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.auth.roles import admin_required, editor_required
from crm.contacts.models import Contact
from crm.extensions import db
from crm.privacy import bp, services
from crm.privacy import notice as notice_service
from crm.privacy import retention as retention_service
from crm.privacy.readable import access_document, access_document_filename
from crm.view_helpers import page_arg, send_download

PAGE_SIZE = 100
BULK_LIMIT = 500  # contacts erased per web request; the command line has no limit
CONFIRM_LIST = 50  # names shown on the bulk confirmation page


@bp.route("/contacts/<int:contact_id>/export")
@editor_required
def export(contact_id: int):
    """Download everything held about a contact as JSON (GDPR Art. 15)."""
    contact = db.get_or_404(Contact, contact_id)
    body = services.export_json(contact)
    filename = services.export_filename(contact)
    services.record_export(contact, current_user.id)
    return send_download(body.encode("utf-8"), filename, "application/json; charset=utf-8",
                         headers={"Cache-Control": "no-store"})


@bp.route("/contacts/<int:contact_id>/export.html")
@editor_required
def export_document(contact_id: int):
    """The same export as a readable document in the person's language, to send them."""
    contact = db.get_or_404(Contact, contact_id)
    body = access_document(contact)
    services.record_export(contact, current_user.id)
    return send_download(body.encode("utf-8"), access_document_filename(contact),
                         "text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


@bp.route("/contacts/<int:contact_id>/notice", methods=["GET", "POST"])
@editor_required
def notice(contact_id: int):
    """The Art. 14 notice in the contact's language, to send; and recording that it was."""
    contact = db.get_or_404(Contact, contact_id)
    if contact.erased_at is not None:
        abort(404)
    if request.method == "POST":
        notice_service.record_notice(contact)
        flash(_("Recorded that %(name)s was told about the source of their data.",
                name=contact.name), "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    subject, body = notice_service.notice_text(contact)
    email = contact.primary_email
    mailto = ("mailto:" + quote(email) + "?" + urlencode(
        {"subject": subject, "body": body}, quote_via=quote)) if email else ""
    return render_template("privacy/notice.html", contact=contact, subject=subject, body=body,
                           mailto=mailto)


def _months_arg(source) -> tuple[int, str]:
    raw = source.get("months", "")
    if raw in ("", None):
        return retention_service.DEFAULT_MONTHS, ""
    try:
        return retention_service.parse_months(raw), ""
    except retention_service.RetentionError:
        return retention_service.DEFAULT_MONTHS, _(
            "The period must be a whole number of months from 1 to %(max)d; showing %(months)d.",
            max=retention_service.MAX_MONTHS, months=retention_service.DEFAULT_MONTHS)


def _back_url(contact_id: int | None = None) -> str:
    if request.values.get("back") == "retention":
        months, _problem = _months_arg(request.values)
        return url_for("privacy.retention", months=months)
    return url_for("contacts.detail", contact_id=contact_id)


@bp.route("/contacts/<int:contact_id>/erase", methods=["GET", "POST"])
@admin_required
def erase(contact_id: int):
    """Confirm, then erase a contact's personal data (admins only)."""
    contact = db.get_or_404(Contact, contact_id)
    if contact.erased_at is not None:
        flash(_("This contact has already been erased."), "warning")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    if request.method == "POST" and request.form.get("confirm") == "yes":
        services.erase_contact(contact, actor_id=current_user.id)
        flash(_("The contact's personal data has been erased."), "success")
        return redirect(_back_url(contact_id))
    back = "retention" if request.values.get("back") == "retention" else ""
    months, _problem = _months_arg(request.values)
    return render_template("privacy/erase.html", contact=contact,
                           plan=services.erasure_plan(contact),
                           placeholder=services.erased_name(contact.id), back=back, months=months)


@dataclass
class ListPage:
    """What the `pager` macro needs, over a list already in memory."""

    page: int
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def window(self, items: list) -> list:
        start = (self.page - 1) * self.per_page
        return items[start:start + self.per_page]


@bp.route("/retention")
@editor_required
def retention():
    """Contacts with no activity for N months, with their last activity; erase for admins."""
    months, problem = _months_arg(request.args)
    if problem:
        flash(problem, "error")
    report = retention_service.retention_report(months)
    page = ListPage(page=1, total=report.total)
    page.page = min(page_arg(), page.pages)
    rows = page.window(report.rows)
    contacts, counts = retention_service.report_page([cid for cid, _when in rows])
    return render_template("privacy/retention.html", report=report, page=page, rows=rows,
                           contacts=contacts, counts=counts, bulk_limit=BULK_LIMIT)


@bp.route("/retention/erase", methods=["POST"])
@admin_required
def retention_erase():
    """Erase the selected contacts, or all listed ones, after a confirmation step."""
    months, problem = _months_arg(request.form)
    if problem:
        flash(problem, "error")
        return redirect(url_for("privacy.retention"))
    erase_all = request.form.get("scope") == "all"
    if erase_all:
        ids = retention_service.retention_report(months).ids
    else:
        wanted = request.form.getlist("contact_id", type=int)[:BULK_LIMIT]
        ids = list(db.session.scalars(db.select(Contact.id).where(
            Contact.id.in_(wanted), Contact.erased_at.is_(None)).order_by(Contact.id)))
    if not ids:
        flash(_("Select at least one contact to erase."), "warning")
        return redirect(url_for("privacy.retention", months=months))
    batch = ids[:BULK_LIMIT]
    if request.form.get("confirm") != "yes":
        shown = db.session.scalars(db.select(Contact).where(
            Contact.id.in_(batch[:CONFIRM_LIST])).order_by(Contact.sort_name)).all()
        return render_template("privacy/erase_many.html", ids=batch, total=len(ids),
                               shown=shown, months=months, erase_all=erase_all)
    erased = services.erase_contacts(batch, actor_id=current_user.id)
    flash(ngettext("Erased the personal data of %(num)d contact.",
                   "Erased the personal data of %(num)d contacts.", erased), "success")
    if len(ids) > len(batch):
        flash(ngettext("%(num)d more is listed: erase it in another round, or run "
                       "`crm retention-report --erase` on the server.",
                       "%(num)d more are listed: erase them in another round, or run "
                       "`crm retention-report --erase` on the server.", len(ids) - len(batch)),
              "warning")
    return redirect(url_for("privacy.retention", months=months))
