"""Campaign pages: the list, the form, and each campaign's pull-through."""

from __future__ import annotations

import re

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from crm.auth.roles import editor_required
from crm.campaigns import bp, services
from crm.campaigns.forms import CampaignForm
from crm.campaigns.models import Campaign
from crm.errors import UserError
from crm.extensions import db
from crm.formutil import choices
from crm.monitoring.charts import horizontal_bars
from crm.view_helpers import date_arg, show_error


@bp.route("/")
def index():
    """Our campaigns and the competitors', by period."""
    items = db.session.scalars(db.select(Campaign).options(selectinload(Campaign.messages))
                               .order_by(Campaign.end_date.desc(), Campaign.name)).all()
    return render_template("campaigns/index.html", campaigns=items)


def _form(**kwargs) -> CampaignForm:
    from crm.contacts.models import Contact
    from crm.monitoring.models import WatchTerm

    form = CampaignForm(**kwargs)
    terms = db.session.scalars(db.select(WatchTerm).order_by(WatchTerm.group,
                                                             WatchTerm.term)).all()
    form.term_ids.choices = choices([(t.id, t.term) for t in terms])
    people = db.session.scalars(
        db.select(Contact).where(Contact.kind == "politician", Contact.erased_at.is_(None))
        .order_by(Contact.sort_name)).all()
    for entry in form.messages:
        entry.form.spokesperson_ids.choices = choices([(c.id, c.name) for c in people])
    return form


def _data(form: CampaignForm) -> services.CampaignData:
    return services.CampaignData(
        name=form.name.data or "", start_date=form.start_date.data,
        end_date=form.end_date.data, side=form.side.data, party=form.party.data or "",
        description=form.description.data or "", term_ids=list(form.term_ids.data or []),
        messages=[services.MessageData(e.form.wording.data or "", e.form.variants.data or "",
                                       e.form.key_phrases.data or "",
                                       list(e.form.spokesperson_ids.data or []))
                  for e in form.messages])


def _fill(form: CampaignForm, campaign: Campaign) -> None:
    form.term_ids.data = [t.id for t in campaign.terms]
    for entry, message in zip(form.messages, campaign.messages, strict=False):
        entry.form.wording.data = message.wording
        entry.form.variants.data = message.variants
        entry.form.key_phrases.data = message.key_phrases
        entry.form.spokesperson_ids.data = [c.id for c in message.spokespeople]


def _show_error(form: CampaignForm, error: UserError) -> None:
    """On the message's own field for "messages-2-wording" and the like, else as usual."""
    found = re.fullmatch(r"messages-(\d+)-(\w+)", error.field or "")
    if found and int(found.group(1)) < len(form.messages):
        target = getattr(form.messages[int(found.group(1))].form, found.group(2), None)
        if target is not None:
            target.errors = [*target.errors, error.message]
            return
    show_error(form, error, fallback="name")


def _save(campaign: Campaign | None):
    form = _form(obj=campaign) if request.method == "GET" else _form()
    if request.method == "GET" and campaign is not None:
        _fill(form, campaign)
    if form.validate_on_submit():
        try:
            saved = services.save_campaign(campaign, _data(form))
        except UserError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            flash(_("Campaign saved."), "success")
            return redirect(url_for("campaigns.detail", campaign_id=saved.id))
    message_errors = [e for e in form.messages.errors if isinstance(e, str)]
    return render_template("campaigns/form.html", form=form, campaign=campaign,
                           message_errors=message_errors)


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    """Define a campaign with its issues and key messages."""
    return _save(None)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(campaign_id: int):
    """Change a campaign (its pull-through is computed again)."""
    return _save(db.get_or_404(Campaign, campaign_id))


@bp.route("/<int:campaign_id>/delete", methods=["POST"])
@editor_required
def delete(campaign_id: int):
    """Delete a campaign with its messages."""
    services.delete_campaign(db.get_or_404(Campaign, campaign_id))
    flash(_("Campaign deleted."), "success")
    return redirect(url_for("campaigns.index"))


def _percent(cell: services.RateCell) -> str:
    return f"{cell.rate:.0%} ({cell.carried}/{cell.articles})"


def message_chart(report: services.PullThroughReport, title: str):
    return horizontal_bars([(f"{row.position + 1}. {row.wording}", row.cell.rate,
                             _percent(row.cell)) for row in report.messages], title)


def week_chart(report: services.PullThroughReport, title: str):
    return horizontal_bars([(_("Week %(num)d", num=row.key.isocalendar()[1]),
                             row.any_message.rate, _percent(row.any_message))
                            for row in report.weeks], title, color="#0e9384")


@bp.route("/<int:campaign_id>")
def detail(campaign_id: int):
    """A campaign's pull-through: per message, outlet, journalist and week, and side by side
    with the campaigns that overlap it."""
    campaign = db.get_or_404(Campaign, campaign_id)
    report = services.pull_through_rates(campaign, date_arg("from"), date_arg("to"))
    others = [c for c in services.overlapping(campaign) if c.id != campaign.id]
    compared = [report, *services.side_by_side(others, report.start, report.end)]
    return render_template(
        "campaigns/detail.html", campaign=campaign, report=report, compared=compared,
        message_chart=message_chart(report, _("Pull-through per message")),
        week_chart=week_chart(report, _("Articles carrying a message, per week")))


@bp.route("/<int:campaign_id>/pull-through.csv")
def detail_csv(campaign_id: int):
    """The campaign's pull-through figures as CSV."""
    campaign = db.get_or_404(Campaign, campaign_id)
    name, text = services.report_csv(
        services.pull_through_rates(campaign, date_arg("from"), date_arg("to")))
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
