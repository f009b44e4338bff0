"""Sending a release: choose lists and contacts, preview who is skipped, send or schedule."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.roles import editor_required
from crm.bounces.services import recipient_bounces
from crm.contacts.models import MediaList
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.errors import UserError
from crm.extensions import db
from crm.formutil import choices
from crm.releases import bp, distribution, pdf
from crm.releases.forms import DistributionForm, local_to_utc
from crm.releases.models import Distribution, Release
from crm.timeutil import utcnow
from crm.view_helpers import show_error


def _report_flash(report) -> None:
    if report is not None:
        flash(str(report.message()), "error" if report.failed else "success")


def _distribution_form(q: str) -> tuple[DistributionForm, list, list[int]]:
    """The form with its list and contact choices, the contacts found for `q`, the ids ticked."""
    form = DistributionForm()
    lists = db.session.scalars(db.select(MediaList).order_by(MediaList.name)).all()
    form.list_ids.choices = choices([(ml.id, ml.name) for ml in lists])
    form.later_list_ids.choices = choices([(ml.id, ml.name) for ml in lists])
    found = db.session.scalars(filtered_contacts(ContactFilter(q=q)).limit(25)).all() if q else []
    chosen_ids = [int(v) for v in request.form.getlist("contact_ids") if v.isdigit()]
    form.contact_ids.choices = choices([(c.id, c.name) for c in found] +
                                       [(i, str(i)) for i in chosen_ids])
    return form, found, chosen_ids


@bp.route("/<int:release_id>/distribute", methods=["GET", "POST"])
@editor_required
def distribute(release_id: int):
    """Choose recipients, preview who will be skipped, then send now or at a time."""
    release = db.get_or_404(Release, release_id)
    try:
        distribution.check_sendable(release)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for("releases.detail", release_id=release.id))
    q = request.args.get("q", "").strip()[:200]
    form, found, chosen_ids = _distribution_form(q)
    shown = {"release": release, "form": form, "q": q, "found": found, "chosen_ids": chosen_ids,
             "now": utcnow(), "pdf_unavailable": pdf.unavailable_reason(),
             "sender": distribution.release_sender(release),
             "sender_configured": bool(current_app.config.get("CRM_RELEASE_FROM")),
             "reply_to": distribution.reply_to(release, current_user)}
    if form.validate_on_submit():
        chosen = {"list_ids": form.list_ids.data, "contact_ids": chosen_ids}
        attach_pdf = bool(form.attach_pdf.data)
        try:
            send_at = local_to_utc(form.send_at.data, "send_at")
            if form.later.data:
                chosen["later"] = distribution.Wave(
                    list_ids=form.later_list_ids.data,
                    send_at=local_to_utc(form.later_send_at.data, "later_send_at"))
            if request.form.get("confirm") != "1":
                preview = distribution.preview(release, **chosen, send_at=send_at)
                return render_template("releases/distribute.html", **shown, send_at=send_at,
                                       preview=preview.recipients, when=preview.send_at,
                                       later=preview.later, later_at=preview.later_at)
            outcome = distribution.distribute(release, **chosen, send_at=send_at,
                                              user_id=current_user.id, attach_pdf=attach_pdf)
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(str(outcome.message), "success" if outcome.ok else "error")
            return redirect(url_for("releases.distribution_detail",
                                    distribution_id=outcome.distribution.id))
    return render_template("releases/distribute.html", **shown, preview=None)


@bp.route("/distributions/<int:distribution_id>")
def distribution_detail(distribution_id: int):
    """Who got it, who failed (why) and who was skipped (why)."""
    found = db.get_or_404(Distribution, distribution_id)
    return render_template("releases/distribution.html", distribution=found,
                           release=found.release,
                           bounces=recipient_bounces(r.id for r in found.recipients))


@bp.route("/distributions/<int:distribution_id>/retry", methods=["POST"])
@editor_required
def distribution_retry(distribution_id: int):
    """Send again to those who failed; never again to those who got it."""
    found = db.get_or_404(Distribution, distribution_id)
    try:
        report = distribution.retry_failed(found)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        if report is None:
            flash(_("Waiting for the send time."), "info")
        _report_flash(report)
    return redirect(url_for("releases.distribution_detail", distribution_id=found.id))


@bp.route("/distributions/<int:distribution_id>/cancel", methods=["POST"])
@editor_required
def distribution_cancel(distribution_id: int):
    """Cancel a scheduled distribution."""
    found = db.get_or_404(Distribution, distribution_id)
    try:
        distribution.cancel(found)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Cancelled."), "success")
    return redirect(url_for("releases.distribution_detail", distribution_id=found.id))
