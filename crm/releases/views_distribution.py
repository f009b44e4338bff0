"""Sending a release: choose lists and contacts, preview who is skipped, send or schedule."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.auth.roles import editor_required
from crm.contacts.models import MediaList
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.contacts.validation import FieldError
from crm.extensions import db
from crm.formutil import choices
from crm.releases import bp, distribution
from crm.releases.forms import DistributionForm, local_to_utc
from crm.releases.models import SENDABLE_STATUSES, Distribution
from crm.releases.views import get_release
from crm.timeutil import utcnow

# Larger distributions go to the scheduler's job (every minute) instead of holding the request.
INLINE_SEND_LIMIT = 50


def get_distribution(distribution_id: int) -> Distribution:
    found = db.session.get(Distribution, distribution_id)
    if found is None:
        abort(404)
    return found


def _report_flash(report) -> None:
    if report is None:
        return
    flash(_("%(sent)d sent, %(failed)d failed, %(skipped)d skipped.", sent=report.sent,
            failed=report.failed, skipped=report.skipped),
          "error" if report.failed else "success")


@bp.route("/<int:release_id>/distribute", methods=["GET", "POST"])
@editor_required
def distribute(release_id: int):
    """Choose recipients, preview who will be skipped, then send now or at a time."""
    release = get_release(release_id)
    if release.status not in SENDABLE_STATUSES:
        flash(_("Only an approved release can be sent."), "error")
        return redirect(url_for("releases.detail", release_id=release.id))
    form = DistributionForm()
    lists = db.session.scalars(db.select(MediaList).order_by(MediaList.name)).all()
    form.list_ids.choices = choices([(ml.id, ml.name) for ml in lists])
    q = request.args.get("q", "").strip()[:200]
    found = db.session.scalars(filtered_contacts(ContactFilter(q=q)).limit(25)).all() if q else []
    chosen_ids = [int(v) for v in request.form.getlist("contact_ids") if v.isdigit()]
    form.contact_ids.choices = choices([(c.id, c.name) for c in found] +
                                       [(i, str(i)) for i in chosen_ids])
    preview = None
    if form.validate_on_submit():
        try:
            send_at = local_to_utc(form.send_at.data, "send_at")
        except FieldError as exc:
            form.send_at.errors.append(exc.message)
        else:
            if request.form.get("confirm") != "1":
                preview = distribution.preview_recipients(form.list_ids.data, chosen_ids)
                when = distribution.earliest_send(release, send_at, utcnow())
                return render_template("releases/distribute.html", release=release, form=form,
                                       q=q, found=found, preview=preview, when=when,
                                       send_at=send_at, chosen_ids=chosen_ids)
            try:
                created = distribution.create_distribution(
                    release, list_ids=form.list_ids.data, contact_ids=chosen_ids,
                    send_at=send_at, user_id=current_user.id)
            except distribution.DistributionError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                pending = created.count("pending")
                if distribution.is_due(created, utcnow()) and pending <= INLINE_SEND_LIMIT:
                    _report_flash(distribution.send_distribution(created))
                elif distribution.is_due(created, utcnow()):
                    flash(ngettext("Sending to %(num)d recipient in the background (within a "
                                   "minute); this page shows the progress.",
                                   "Sending to %(num)d recipients in the background (within a "
                                   "minute); this page shows the progress.", pending),
                          "success")
                else:
                    flash(_("Scheduled."), "success")
                return redirect(url_for("releases.distribution_detail",
                                        distribution_id=created.id))
    return render_template("releases/distribute.html", release=release, form=form, q=q,
                           found=found, preview=preview, chosen_ids=chosen_ids)


@bp.route("/distributions/<int:distribution_id>")
def distribution_detail(distribution_id: int):
    """Who got it, who failed (why) and who was skipped (why)."""
    found = get_distribution(distribution_id)
    return render_template("releases/distribution.html", distribution=found,
                           release=found.release)


@bp.route("/distributions/<int:distribution_id>/retry", methods=["POST"])
@editor_required
def distribution_retry(distribution_id: int):
    """Send again to those who failed; never again to those who got it."""
    found = get_distribution(distribution_id)
    try:
        report = distribution.retry_failed(found)
    except distribution.DistributionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        if report is None:
            flash(_("Waiting for the send time or the embargo."), "info")
        _report_flash(report)
    return redirect(url_for("releases.distribution_detail", distribution_id=found.id))


@bp.route("/distributions/<int:distribution_id>/cancel", methods=["POST"])
@editor_required
def distribution_cancel(distribution_id: int):
    """Cancel a scheduled distribution."""
    found = get_distribution(distribution_id)
    try:
        distribution.cancel(found)
    except distribution.DistributionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("Cancelled."), "success")
    return redirect(url_for("releases.distribution_detail", distribution_id=found.id))
