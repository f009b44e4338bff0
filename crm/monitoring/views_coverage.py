"""Coverage analytics: charts (server-rendered SVG) and CSV downloads."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _

from crm.monitoring import analytics, bp, charts
from crm.monitoring.models import TERM_GROUPS, TermGroup
from crm.monitoring.report import tone_label
from crm.timeutil import local_today
from crm.view_helpers import date_arg, send_download


def coverage_period() -> analytics.Period:
    return analytics.Period.clamp(date_arg("from"), date_arg("to"), local_today())


def group_labels() -> dict[str, str]:
    return {code: str(label) for code, label in TermGroup.choices(plural=True)}


@bp.route("/coverage")
def coverage():
    """Coverage over a period: per day by group, top outlets and journalists, share of voice."""
    period = coverage_period()
    labels = group_labels()
    per_day = analytics.mentions_per_day(period)
    outlets = analytics.top_outlets(period)
    journalists = analytics.top_journalists(period)
    share = analytics.share_of_voice(period)
    ours = _("Our party")
    share_rows = [(ours if label == "__ours__" else label, fraction, f"{fraction:.0%} ({n})")
                  for label, n, fraction in share]
    return render_template(
        "monitoring/coverage.html", period=period, groups=TERM_GROUPS, labels=labels,
        per_day=per_day, outlets=outlets, journalists=journalists, share=share_rows,
        daily_chart=charts.daily_stacked(per_day, list(TERM_GROUPS), labels,
                                         _("Mentions per day by group")),
        outlet_chart=charts.horizontal_bars([(n, c, str(c)) for n, c in outlets],
                                            _("Articles with mentions, by outlet")),
        journalist_chart=charts.horizontal_bars([(n, c, str(c)) for _i, n, c in journalists],
                                                _("Articles with mentions, by journalist"),
                                                color="#7a5af8"),
        share_chart=charts.horizontal_bars(share_rows, _("Share of voice (articles)"),
                                           color="#0e9384"),
        tone_charts=tone_charts(period), tone_kinds=TONE_KINDS)


TONE_KINDS = ("tone-outlets", "tone-politicians", "tone-days")


def tone_charts(period: analytics.Period) -> list:
    """Tone by outlet, by politician and per day, as SVG charts."""
    tones = analytics.tone_columns()
    labels = {t: tone_label(t) for t in tones}
    per_day = analytics.tone_per_day(period)
    return [
        charts.tone_bars(analytics.tone_by_outlet(period), tones, labels, _("Tone by outlet")),
        charts.tone_bars(analytics.tone_by_politician(period), tones, labels,
                         _("Tone by politician")),
        charts.tone_bars([(f"{day:%d.%m}", per_day[day]) for day in period.days], tones,
                         labels, _("Tone per day")),
    ]


@bp.route("/coverage/<kind>.csv")
def coverage_csv(kind: str):
    """One coverage figure as CSV."""
    report = analytics.csv_report(kind, coverage_period(), _("Our party"))
    if report is None:
        abort(404)
    name, text = report
    return send_download("\ufeff" + text, name, "text/csv")
