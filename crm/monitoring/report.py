"""The coverage report for a period: data first, rendered three ways.

`build_report(scope)` runs every function of SECTIONS on the scope and returns a Report: a
list of Sections, each with key figures, tables (plain cells) and chart data. The page
(views_report), the .docx (report_docx), the CSV (`report_csv`) and the weekly email
(crm.digest.weekly) all render that one Report, and know nothing about the figures: a new
section (a campaign's pull-through) is one more function appended to SECTIONS.

Cells are plain values: str, int, Percent, Duration, date and datetime (UTC), shown by
`cell_text` in the reader's language and zone, written to CSV by `cell_csv` in a machine form.
Builders run in the reader's locale (a request, or crm.digest.render.user_locale for email),
so titles and headers are already translated.
"""

from __future__ import annotations

import io
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy import func

from crm import spreadsheet
from crm.extensions import db
from crm.interactions.deadlines import span
from crm.monitoring import analytics
from crm.monitoring.analytics import Period
from crm.monitoring.models import (
    TERM_GROUPS,
    Article,
    ArticleSource,
    Mention,
    TermGroup,
    Tone,
    WatchTerm,
)
from crm.spreadsheet import safe_cell
from crm.templating import localdate, localtime
from crm.timeutil import to_local, utcnow

TOP = 10


class Percent(float):
    """A share from 0 to 1, shown as 42 %."""


class Duration(timedelta):
    """A length of time, shown as "2 hours"; CSV gives minutes."""

    @classmethod
    def of(cls, delta: timedelta) -> Duration:
        return cls(seconds=delta.total_seconds())


@dataclass
class Table:
    key: str  # names the CSV file part and the table's anchor
    title: str
    header: list[str]
    rows: list[list]


@dataclass
class Chart:
    kind: str  # "daily" (per-day Counters by group), "bars" ([(label, value, shown)]),
    #            "tone" ([(label, Counter of tones)])
    title: str
    data: object


@dataclass
class Section:
    key: str
    title: str
    figures: list[tuple[str, object]] = field(default_factory=list)  # (label, cell)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: a period, and optionally a campaign whose key messages' pull-
    through it adds (crm.campaigns)."""
    period: Period
    title: str = ""
    now: datetime | None = None  # for "open past deadline"; defaults to the time of building
    campaign_id: int | None = None


@dataclass
class Report:
    scope: ReportScope
    title: str
    generated_at: datetime
    sections: list[Section]

    @property
    def period(self) -> Period:
        return self.scope.period

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# --- cells ----------------------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell as the reader sees it (language, zone)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Percent):
        return format_percent(float(value))
    if isinstance(value, Duration):
        return span(value)
    if isinstance(value, datetime):
        return localtime(value)
    if isinstance(value, date):
        return localdate(value)
    if isinstance(value, float):
        return format_decimal(value, "#,##0.0")
    return str(value)


def cell_csv(value) -> str:
    """A cell for a spreadsheet: ISO local times, minutes, shares as decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Percent):
        return f"{float(value):.4f}"
    if isinstance(value, Duration):
        return f"{value.total_seconds() / 60:.0f}"
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def tone_label(code: str) -> str:
    """A tone code in the reader's language; "" is "Not set"."""
    return str(Tone.label_of(code)) if code else _("Not set")


def _tone_labels() -> list[str]:
    return [tone_label(t) for t in analytics.tone_columns()]


def _tone_cells(counts: Counter) -> list:
    return [counts.get(t, 0) for t in analytics.tone_columns()]


def _share(part: int, whole: int) -> Percent:
    return Percent(part / whole if whole else 0.0)


# --- sections -------------------------------------------------------------------------------

def mentions_section(scope: ReportScope) -> Section:
    per_day = analytics.mentions_per_day(scope.period)
    labels = {code: str(label) for code, label in TermGroup.choices(plural=True)}
    totals = Counter()
    for counts in per_day.values():
        totals.update(counts)
    articles = db.session.scalar(
        db.select(func.count(func.distinct(Mention.article_id)))
        .where(*analytics.counted(scope.period))) or 0
    return Section(
        "mentions", _("Mentions per day by group"),
        figures=[(_("Mentions"), sum(totals.values())), (_("Articles"), articles)]
        + [(labels[g], totals[g]) for g in TERM_GROUPS],
        tables=[Table("daily", _("Mentions per day by group"),
                      [_("Date"), *(labels[g] for g in TERM_GROUPS), _("Total")],
                      [[day, *(per_day[day][g] for g in TERM_GROUPS),
                        sum(per_day[day].values())] for day in scope.period.days])],
        charts=[Chart("daily", _("Mentions per day by group"), (per_day, labels))],
        note=_("Mentions marked as noise are not counted."))


def share_section(scope: ReportScope) -> Section:
    ours = _("Our party")
    rows = [(ours if label == "__ours__" else label, n, Percent(share))
            for label, n, share in analytics.share_of_voice(scope.period)]
    return Section(
        "share", _("Share of voice"),
        figures=[(_("Our share of voice"), rows[0][2])] if rows else [],
        tables=[Table("share", _("Share of voice (articles)"),
                      [_("Name"), _("Articles"), _("Share")], [list(r) for r in rows])],
        charts=[Chart("bars", _("Share of voice (articles)"),
                      [(label, float(share), f"{cell_text(share)} ({n})")
                       for label, n, share in rows])])


def tone_section(scope: ReportScope) -> Section:
    period = scope.period
    totals = analytics.tone_totals(period)
    set_total = sum(n for tone, n in totals.items() if tone)
    outlets = analytics.tone_by_outlet(period, TOP)
    politicians = analytics.tone_by_politician(period, 2 * TOP)
    weekly = _tone_per_week(analytics.tone_per_day(period))
    header = _tone_labels()
    return Section(
        "tone", _("Tone"),
        figures=[(_("Mentions with a tone"), set_total)]
        + [(tone_label(t), _share(totals.get(t, 0), set_total))
           for t in analytics.tone_columns() if t],
        tables=[
            Table("tone-outlets", _("Tone by outlet"), [_("Outlet"), *header],
                  [[label, *_tone_cells(c)] for label, c in outlets]),
            Table("tone-politicians", _("Tone by politician"), [_("Politician"), *header],
                  [[label, *_tone_cells(c)] for label, c in politicians]),
            Table("tone-weeks", _("Tone per week"), [_("Week from"), *header],
                  [[monday, *_tone_cells(c)] for monday, c in weekly]),
        ],
        charts=[Chart("tone", _("Tone by outlet"), outlets),
                Chart("tone", _("Tone by politician"), politicians),
                Chart("tone", _("Tone per week"),
                      [(cell_text(monday), c) for monday, c in weekly])],
        note=_("Tone is set by hand, from the party's point of view."))


def _tone_per_week(per_day: dict[date, Counter]) -> list[tuple[date, Counter]]:
    weeks: dict[date, Counter] = {}
    for day, counts in sorted(per_day.items()):
        weeks.setdefault(day - timedelta(days=day.weekday()), Counter()).update(counts)
    return sorted(weeks.items())


def outlets_section(scope: ReportScope) -> Section:
    outlets = analytics.top_outlets(scope.period, TOP)
    journalists = analytics.top_journalists(scope.period, TOP)
    return Section(
        "outlets", _("Top outlets and journalists"),
        tables=[Table("outlets", _("Articles with mentions, by outlet"),
                      [_("Outlet"), _("Articles")], [list(r) for r in outlets]),
                Table("journalists", _("Articles with mentions, by journalist"),
                      [_("Journalist"), _("Articles")], [[n, c] for _i, n, c in journalists])],
        charts=[Chart("bars", _("Articles with mentions, by outlet"),
                      [(n, c, str(c)) for n, c in outlets]),
                Chart("bars", _("Articles with mentions, by journalist"),
                      [(n, c, str(c)) for _i, n, c in journalists])])


def articles_section(scope: ReportScope) -> Section:
    """The articles carried by the most feeds (reach), then with the most mentions."""
    counted = analytics.counted(scope.period)
    mentions = func.count(func.distinct(Mention.id))
    sources = (db.select(func.count(ArticleSource.id))
               .where(ArticleSource.article_id == Article.id).scalar_subquery())
    top = db.session.execute(
        db.select(Article.id, Article.title, Article.sort_at, sources, mentions)
        .join(Mention, Mention.article_id == Article.id).where(*counted)
        .group_by(Article.id, Article.title, Article.sort_at)
        .order_by(sources.desc(), mentions.desc(), Article.sort_at.desc())
        .limit(TOP)).all()
    ids = [row[0] for row in top]
    terms: dict[int, list[str]] = {i: [] for i in ids}
    tones: dict[int, Counter] = {i: Counter() for i in ids}
    if ids:
        for article_id, term, tone in db.session.execute(
                db.select(Mention.article_id, WatchTerm.term, Mention.tone).join(Mention.term)
                .where(Mention.article_id.in_(ids), Mention.status != "noise")
                .order_by(WatchTerm.term)):
            terms[article_id].append(term)
            if tone:
                tones[article_id][tone] += 1
    rows = [[sort_at, title or _("(no title)"), n_sources, n_mentions,
             ", ".join(terms[aid]),
             ", ".join(tone_label(t) for t, _n in tones[aid].most_common())]
            for aid, title, sort_at, n_sources, n_mentions in top]
    return Section(
        "articles", _("Top articles"),
        tables=[Table("articles", _("Top articles (carried by the most feeds)"),
                      [_("When"), _("Title"), _("Feeds"), _("Mentions"), _("Terms"),
                       _("Tone")], rows)])


def releases_section(scope: ReportScope) -> Section:
    """Press releases sent in the period: per release, the recipients reached."""
    from crm.releases.models import Distribution, DistributionRecipient, Release

    lo, hi = scope.period.bounds
    sent = DistributionRecipient.status == "sent"
    rows = db.session.execute(
        db.select(Release.title, func.min(DistributionRecipient.sent_at),
                  func.count(DistributionRecipient.id))
        .select_from(DistributionRecipient)
        .join(Distribution, Distribution.id == DistributionRecipient.distribution_id)
        .join(Release, Release.id == Distribution.release_id)
        .where(sent, DistributionRecipient.sent_at >= lo, DistributionRecipient.sent_at < hi)
        .group_by(Release.id, Release.title)
        .order_by(func.min(DistributionRecipient.sent_at))).all()
    failed = db.session.scalar(
        db.select(func.count(DistributionRecipient.id))
        .join(Distribution, Distribution.id == DistributionRecipient.distribution_id)
        .where(DistributionRecipient.status == "failed", Distribution.finished_at >= lo,
               Distribution.finished_at < hi)) or 0
    return Section(
        "releases", _("Press releases sent"),
        figures=[(_("Releases sent"), len(rows)),
                 (_("Recipients reached"), sum(n for _t, _s, n in rows)),
                 (_("Recipients failed"), failed)],
        tables=[Table("releases", _("Press releases sent"),
                      [_("Release"), _("First sent"), _("Recipients reached")],
                      [list(r) for r in rows])])


def inquiries_section(scope: ReportScope) -> Section:
    """Press inquiries received in the period: answered, how fast, and against deadlines."""
    from crm.interactions.models import Interaction, PressInquiry

    lo, hi = scope.period.bounds
    now = scope.now or utcnow()
    found = db.session.execute(
        db.select(Interaction.subject, Interaction.occurred_at, PressInquiry.deadline,
                  PressInquiry.answered_at, PressInquiry.status)
        .join(PressInquiry, PressInquiry.interaction_id == Interaction.id)
        .where(Interaction.occurred_at >= lo, Interaction.occurred_at < hi)
        .order_by(Interaction.occurred_at)).all()
    rows, waits, on_time, late, missed = [], [], 0, 0, 0
    for subject, received, deadline, answered, status in found:
        answered = answered if status == "answered" else None
        wait = Duration.of(answered - received) if answered else None
        if answered:
            waits.append(answered - received)
        verdict = ""
        if deadline is not None:
            if answered:
                in_time = answered <= deadline
                on_time += in_time
                late += not in_time
                verdict = _("in time") if in_time else _("late")
            elif status in ("new", "in_progress") and deadline < now:
                missed += 1
                verdict = _("deadline passed")
        rows.append([received, subject, deadline, answered, wait, verdict])
    with_deadline = on_time + late + missed
    median = Duration.of(statistics.median(waits)) if waits else None
    return Section(
        "inquiries", _("Press inquiries"),
        figures=[(_("Inquiries received"), len(found)), (_("Answered"), len(waits)),
                 (_("Median time to answer"), median),
                 (_("Answered before the deadline"), on_time),
                 (_("Answered after the deadline"), late),
                 (_("Open past the deadline"), missed),
                 (_("Share in time (of those with a deadline)"),
                  _share(on_time, with_deadline))],
        tables=[Table("inquiries", _("Press inquiries"),
                      [_("Received"), _("Subject"), _("Deadline"), _("Answered"),
                       _("Time to answer"), _("Deadline kept")], rows)])


def campaign_section(scope: ReportScope) -> Section | None:
    """The campaign's key messages: how often each got through in the period (explicit or
    partial), per outlet and week, and the competitors' campaigns of the same time measured
    the same way (crm.campaigns.services). None without a campaign."""
    if scope.campaign_id is None:
        return None
    from crm.campaigns.models import Campaign
    from crm.campaigns.services import overlapping, pull_through_rates, side_by_side

    campaign = db.session.get(Campaign, scope.campaign_id)
    if campaign is None:
        return None
    period = scope.period
    rates = pull_through_rates(campaign, period.start, period.end)
    others = [c for c in overlapping(campaign) if c.id != campaign.id]
    numbered = [(_("Message %(n)d", n=m.position + 1), m) for m in rates.messages]

    def per_message(cell) -> list:
        return [cell.articles, cell.explicit, cell.partial, Percent(cell.rate)]

    message_rows = [[label, m.wording, *per_message(m.cell), m.cell.spokesperson]
                    for label, m in numbered]
    group_header = [_("Articles"), _("With a message"), _("Share")]

    def groups(rows) -> list[list]:
        return [[row.label, row.any_message.articles, row.any_message.carried,
                 Percent(row.any_message.rate)] for row in rows]

    tables = [
        Table("messages", _("Pull-through per key message"),
              [_("Message"), _("Wording"), _("Articles"), _("Explicit"), _("Partial"),
               _("Share"), _("With a spokesperson")], message_rows),
        Table("message-outlets", _("Pull-through per outlet"),
              [_("Outlet"), *group_header], groups(rates.outlets[:TOP])),
        Table("message-journalists", _("Pull-through per journalist"),
              [_("Journalist"), *group_header], groups(rates.journalists[:TOP])),
        Table("message-weeks", _("Pull-through per week"), [_("Week"), *group_header],
              groups(rates.weeks)),
    ]
    if others:
        compared = side_by_side([campaign, *others], period.start, period.end)
        width = max(len(r.messages) for r in compared)
        tables.append(Table(
            "campaigns", _("Campaigns side by side"),
            [_("Campaign"), _("Party"), _("Articles"), _("With a message"),
             *(_("Message %(n)d", n=n + 1) for n in range(width))],
            [[r.name, r.party or _("Our party"), r.articles, Percent(r.any_message.rate),
              *(Percent(m.cell.rate) for m in r.messages),
              *([""] * (width - len(r.messages)))] for r in compared]))
    return Section(
        "campaign", _("Key messages: %(name)s", name=campaign.name),
        figures=[(_("Articles in the campaign's scope"), rates.articles),
                 (_("With at least one key message"), Percent(rates.any_message.rate))],
        tables=tables,
        charts=[Chart("bars", _("Pull-through per key message"),
                      [(label, m.cell.rate, f"{cell_text(Percent(m.cell.rate))} "
                                            f"({m.cell.carried})") for label, m in numbered])],
        note=_("Explicit: the wording, a variant or all key phrases; partial: most key "
               "phrases or a close paraphrase. Articles in scope mention one of the "
               "campaign's issues."))


SECTIONS: list[Callable[[ReportScope], Section | None]] = [
    mentions_section, campaign_section, share_section, tone_section, outlets_section,
    articles_section, releases_section, inquiries_section,
]


def build_report(scope: ReportScope,
                 sections: list[Callable[[ReportScope], Section | None]] | None = None
                 ) -> Report:
    """The report of `scope`: every section of SECTIONS (or those given) that applies to it
    (a section may be None: the campaign's without a campaign), in order."""
    period = scope.period
    title = scope.title or _("Coverage report %(start)s – %(end)s",
                             start=cell_text(period.start), end=cell_text(period.end))
    built = (build(scope) for build in (sections or SECTIONS))
    return Report(scope=scope, title=title, generated_at=scope.now or utcnow(),
                  sections=[section for section in built if section is not None])


# --- CSV ------------------------------------------------------------------------------------

def report_csv(report: Report) -> tuple[str, str]:
    """(file name, CSV text): every table of every section one after another, each headed by
    its section and table title and separated by an empty row; key figures first."""
    rows: list[list] = []

    def row(cells) -> None:
        rows.append([safe_cell(c) for c in cells])

    row([report.title])
    row([_("Period"), report.period.start.isoformat(), report.period.end.isoformat()])
    for section in report.sections:
        row([])
        row([section.title])
        for label, value in section.figures:
            row([label, cell_csv(value)])
        for table in section.tables:
            row([])
            row([table.title])
            row(table.header)
            for cells in table.rows:
                row([cell_csv(c) for c in cells])
    # Every row as wide as the widest, so that a spreadsheet (or a CSV reader) sees one grid.
    width = max(len(cells) for cells in rows)
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerows(cells + [""] * (width - len(cells)) for cells in rows)
    stamp = f"{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}"
    return f"coverage-report-{stamp}.csv", out.getvalue()
