"""The coverage report: a page with charts, a .docx on the letterhead, and CSV."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from markupsafe import Markup

from crm.errors import UserError
from crm.monitoring import analytics, bp, charts, report, report_docx
from crm.monitoring.models import TERM_GROUPS
from crm.monitoring.report import cell_text
from crm.monitoring.views_coverage import coverage_period


def _scope() -> report.ReportScope:
    return report.ReportScope(period=coverage_period())


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


def _download(name: str, content: bytes | str, mimetype: str) -> Response:
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/coverage/report")
def coverage_report():
    """The coverage report of a period, with charts and downloads."""
    built = report.build_report(_scope())
    return render_template("monitoring/report.html", report=built, period=built.period,
                           render_chart=render_chart, cell_text=cell_text)


@bp.route("/coverage/report.csv")
def coverage_report_csv():
    """The coverage report as one CSV file."""
    name, text = report.report_csv(report.build_report(_scope()))
    return _download(name, "\ufeff" + text, "text/csv")


@bp.route("/coverage/report.docx")
def coverage_report_docx():
    """The coverage report as a Word document on the party's letterhead."""
    built = report.build_report(_scope())
    try:
        name, content = report_docx.render_report(built)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for("monitoring.coverage_report", **{
            "from": built.period.start.isoformat(), "to": built.period.end.isoformat()}))
    return _download(name, content, "application/vnd.openxmlformats-officedocument."
                                    "wordprocessingml.document")
