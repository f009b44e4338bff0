"""The coverage report: a page with charts, a .docx on the letterhead, and CSV."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup

from crm.errors import UserError
from crm.extensions import db
from crm.monitoring import analytics, bp, charts, report, report_docx
from crm.monitoring.models import TERM_GROUPS
from crm.monitoring.report import cell_text
from crm.monitoring.views_coverage import coverage_period
from crm.view_helpers import id_arg, send_download


def _campaigns() -> list:
    from crm.campaigns.models import Campaign
    return list(db.session.scalars(db.select(Campaign).order_by(
        Campaign.side.desc(), Campaign.start_date.desc(), Campaign.name)))


def _scope() -> report.ReportScope:
    """The period of the query string, and its campaign if it names one that exists."""
    from crm.campaigns.models import Campaign
    campaign_id = id_arg("campaign", request.args)
    if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
        campaign_id = None
    return report.ReportScope(period=coverage_period(), campaign_id=campaign_id)


def _args(built: report.Report) -> dict:
    args = {"from": built.period.start.isoformat(), "to": built.period.end.isoformat()}
    if built.scope.campaign_id:
        args["campaign"] = built.scope.campaign_id
    return args


def render_chart(chart: report.Chart) -> Markup:
    """A report chart as server-rendered SVG."""
    if chart.kind == "daily":
        per_day, labels = chart.data
        return charts.daily_stacked(per_day, list(TERM_GROUPS), labels, chart.title)
    if chart.kind == "tone":
        tones = analytics.tone_columns()
        labels = {t: report.tone_label(t) for t in tones}
        return charts.tone_bars(chart.data, tones, labels, chart.title)
    return charts.horizontal_bars(chart.data, chart.title, color="#0e9384")


@bp.route("/coverage/report")
def coverage_report():
    """The coverage report of a period, with charts and downloads."""
    built = report.build_report(_scope())
    return render_template("monitoring/report.html", report=built, period=built.period,
                           render_chart=render_chart, cell_text=cell_text,
                           campaigns=_campaigns(), args=_args(built))


@bp.route("/coverage/report.csv")
def coverage_report_csv():
    """The coverage report as one CSV file."""
    name, text = report.report_csv(report.build_report(_scope()))
    return send_download("\ufeff" + text, name, "text/csv; charset=utf-8")


@bp.route("/coverage/report.docx")
def coverage_report_docx():
    """The coverage report as a Word document on the party's letterhead."""
    built = report.build_report(_scope())
    try:
        name, content = report_docx.render_report(built)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for("monitoring.coverage_report", **_args(built)))
    return send_download(content, name, "application/vnd.openxmlformats-officedocument."
                                        "wordprocessingml.document")
