"""Follow-ups (add, change, done, reopen, delete) and press inquiries (list, status)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.roles import editor_required
from crm.errors import UserError
from crm.extensions import db
from crm.interactions import bp, queries, services
from crm.interactions.forms import NO_USER, FollowUpForm, InquiryStatusForm, user_choices
from crm.interactions.models import FollowUp, Interaction, PressInquiry
from crm.interactions.services import FollowUpData
from crm.interactions.views import (
    naive_local,
    render_detail,
    users_for_choice,
)
from crm.timeutil import from_local, utcnow
from crm.view_helpers import next_url, page_arg, show_error

FOLLOW_UP_FIELDS = {"follow_up_due": "due_at", "follow_up_assignee_id": "assignee_id",
                    "follow_up_note": "note"}
CLOSED_PAGE_SIZE = 25


def _follow_up_data(form: FollowUpForm) -> FollowUpData:
    return FollowUpData(due_at=from_local(form.due_at.data),
                        assignee_id=form.assignee_id.data or None, note=form.note.data or "")


def _detail_url(interaction_id: int | None) -> str:
    if interaction_id is None:
        return url_for("interactions.my_day")
    return url_for("interactions.interaction_detail", interaction_id=interaction_id)


@bp.route("/interactions/<int:interaction_id>/follow-ups", methods=["POST"])
@editor_required
def follow_up_add(interaction_id: int):
    """Add a follow-up to an interaction."""
    interaction = db.get_or_404(Interaction, interaction_id)
    form = FollowUpForm(assignee_id=current_user.id)
    form.assignee_id.choices = user_choices(users_for_choice())
    if form.validate_on_submit():
        try:
            services.add_follow_up(interaction, _follow_up_data(form))
        except UserError as exc:
            show_error(form, exc, renames=FOLLOW_UP_FIELDS)
        else:
            flash(_("Follow-up added."), "success")
            return redirect(_detail_url(interaction.id))
    return render_detail(interaction, follow_up_form=form)


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@editor_required
def follow_up_edit(follow_up_id: int):
    """Change when, by whom and what to follow up."""
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    form = FollowUpForm(due_at=naive_local(follow_up.due_at), note=follow_up.note,
                        assignee_id=follow_up.assignee_id or current_user.id)
    form.assignee_id.choices = user_choices(users_for_choice(follow_up.assignee_id))
    if form.validate_on_submit():
        try:
            services.update_follow_up(follow_up, _follow_up_data(form))
        except UserError as exc:
            show_error(form, exc, renames=FOLLOW_UP_FIELDS)
        else:
            flash(_("Follow-up saved."), "success")
            return redirect(_detail_url(follow_up.interaction_id))
    return render_template("interactions/follow_up_form.html", form=form, follow_up=follow_up)


@bp.route("/follow-ups/<int:follow_up_id>/done", methods=["POST"])
@editor_required
def follow_up_done(follow_up_id: int):
    """Mark a follow-up done."""
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    services.complete_follow_up(follow_up)
    flash(_("Follow-up done."), "success")
    return redirect(next_url(_detail_url(follow_up.interaction_id)))


@bp.route("/follow-ups/<int:follow_up_id>/reopen", methods=["POST"])
@editor_required
def follow_up_reopen(follow_up_id: int):
    """Open a done follow-up again."""
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    services.reopen_follow_up(follow_up)
    flash(_("Follow-up reopened."), "success")
    return redirect(next_url(_detail_url(follow_up.interaction_id)))


@bp.route("/follow-ups/<int:follow_up_id>/delete", methods=["POST"])
@editor_required
def follow_up_delete(follow_up_id: int):
    """Delete a follow-up."""
    follow_up = db.get_or_404(FollowUp, follow_up_id)
    interaction_id = follow_up.interaction_id
    services.delete_follow_up(follow_up)
    flash(_("Follow-up deleted."), "success")
    return redirect(next_url(_detail_url(interaction_id)))


# Press inquiries -------------------------------------------------------------------------

@bp.route("/inquiries")
def inquiry_list():
    """Open inquiries by deadline (overdue first), then the closed ones, newest first."""
    mine = request.args.get("mine") == "1"
    latest_first = request.args.get("sort") == "-deadline"
    open_query = queries.open_inquiries(current_user.id if mine else None,
                                        latest_first=latest_first)
    closed = db.paginate(queries.closed_inquiries(), page=page_arg(),
                         per_page=CLOSED_PAGE_SIZE, max_per_page=CLOSED_PAGE_SIZE,
                         error_out=False)
    return render_template("interactions/inquiries.html", mine=mine, closed=closed,
                           latest_first=latest_first,
                           open_inquiries=db.session.scalars(open_query.limit(500)).all(),
                           now=utcnow())


@bp.route("/inquiries/<int:interaction_id>", methods=["POST"])
@editor_required
def inquiry_update(interaction_id: int):
    """Change an inquiry's status, spokesperson and answer (fields left out stay as they are)."""
    inquiry = db.get_or_404(PressInquiry, interaction_id)
    form = InquiryStatusForm(assignee_id=inquiry.assignee_id or NO_USER, answer=inquiry.answer)
    form.assignee_id.choices = user_choices(users_for_choice(inquiry.assignee_id),
                                            nobody=_("Not assigned"))
    if form.validate_on_submit():
        changes = {}
        if "answer" in request.form:
            changes["answer"] = form.answer.data or ""
        if "assignee_id" in request.form:
            changes["assignee_id"] = form.assignee_id.data or None
        try:
            services.set_inquiry_status(inquiry, form.status.data, by=current_user, **changes)
        except UserError as exc:
            show_error(form, exc)
        else:
            flash(_("Inquiry updated."), "success")
            return redirect(next_url(_detail_url(interaction_id)))
    return render_detail(inquiry.interaction, inquiry_form=form)


@bp.route("/inquiries/<int:interaction_id>/claim", methods=["POST"])
@editor_required
def inquiry_claim(interaction_id: int):
    """"I'll take it": I become the spokesperson of this inquiry, and it is in progress."""
    inquiry = db.get_or_404(PressInquiry, interaction_id)
    try:
        services.claim_inquiry(inquiry, current_user)
    except UserError as exc:
        flash(exc.message, "error")
    else:
        flash(_("You have taken the inquiry."), "success")
    return redirect(next_url(_detail_url(interaction_id)))
