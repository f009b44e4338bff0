"""Coverage figures over a period: mentions per day by group, top outlets and journalists,
the party's share of voice against competitor terms, and tone (by outlet, by politician, per
day). Noise never counts.

Days are calendar days in the configured zone (Europe/Oslo), counted in Python from the rows'
UTC times so that SQLite and PostgreSQL agree, and DST days are right.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from crm import spreadsheet
from crm.extensions import db
from crm.monitoring.models import (
    TERM_GROUPS,
    TONES,
    Article,
    ArticleSource,
    Feed,
    Mention,
    WatchTerm,
)
from crm.spreadsheet import safe_cell
from crm.timeutil import local_day_bounds

OWN_GROUPS = ("party", "politician")  # "our" side in share of voice
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def bounds(self):
        return local_day_bounds(self.start)[0], local_day_bounds(self.end)[1]

    @classmethod
    def clamp(cls, start: date | None, end: date | None, today: date) -> Period:
        end = min(end or today, today + timedelta(days=1))
        start = start or end - timedelta(days=29)
        if start > end:
            start, end = end, start
        if (end - start).days >= MAX_DAYS:
            start = end - timedelta(days=MAX_DAYS - 1)
        return cls(start, end)


def counted(period: Period):
    """The conditions of the mentions a figure counts: in the period, not noise."""
    lo, hi = period.bounds
    return (Mention.sort_at >= lo, Mention.sort_at < hi, Mention.status != "noise")


class utc_hour(FunctionElement):
    """A UTC timestamp column cut to its hour, as text "2026-03-29T22". Oslo's offsets are
    whole hours, so every UTC hour lies in one local day: counting per hour in the database
    and per day in Python gives the local days exactly, on SQLite and PostgreSQL alike."""
    type = String()
    inherit_cache = True


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m-%dT%H', {compiler.process(element.clauses, **kw)})"


@compiles(utc_hour, "postgresql")
def _utc_hour_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD\"T\"HH24')"


def _per_day(period: Period, key, *join) -> dict[date, Counter]:
    """{day: Counter(key -> non-noise mentions)} for every day of the period."""
    hour = utc_hour(Mention.sort_at)
    rows = db.session.execute(
        db.select(hour, key, func.count()).select_from(Mention).join(*join)
        .where(*counted(period)).group_by(hour, key) if join else
        db.select(hour, key, func.count()).where(*counted(period)).group_by(hour, key))
    days = period.days
    starts = [local_day_bounds(day)[0] for day in days] + [period.bounds[1]]
    per_day = {day: Counter() for day in days}
    for hour_text, value, n in rows:
        at = datetime.fromisoformat(hour_text + ":00").replace(tzinfo=UTC)
        i = bisect_right(starts, at) - 1
        if 0 <= i < len(days):
            per_day[days[i]][value or ""] += n
    return per_day


def mentions_per_day(period: Period) -> dict[date, Counter]:
    """{day: Counter(group -> mentions)} for every day of the period."""
    return _per_day(period, WatchTerm.group, Mention.term)


def top_outlets(period: Period, limit: int = 10) -> list[tuple[str, int]]:
    """Outlets by the number of articles with (non-noise) mentions."""
    from crm.contacts.models import Organisation

    articles = db.select(Mention.article_id).where(*counted(period)).distinct().subquery()
    count = func.count(func.distinct(ArticleSource.article_id))
    rows = db.session.execute(
        db.select(Organisation.name, count)
        .select_from(ArticleSource)
        .join(articles, articles.c.article_id == ArticleSource.article_id)
        .join(Feed, Feed.id == ArticleSource.feed_id)
        .join(Organisation, Organisation.id == Feed.organisation_id)
        .group_by(Organisation.id, Organisation.name)
        .order_by(count.desc(), Organisation.name).limit(limit))
    return [(name, n) for name, n in rows]


def top_journalists(period: Period, limit: int = 10) -> list[tuple[int, str, int]]:
    """Journalists (by byline) by the number of their articles with mentions."""
    from crm.contacts.models import Contact

    articles = db.select(Mention.article_id).where(*counted(period)).distinct().subquery()
    count = func.count(Article.id)
    rows = db.session.execute(
        db.select(Contact.id, Contact.name, count)
        .select_from(Article)
        .join(articles, articles.c.article_id == Article.id)
        .join(Contact, Contact.id == Article.author_contact_id)
        .group_by(Contact.id, Contact.name)
        .order_by(count.desc(), Contact.name).limit(limit))
    return [(cid, name, n) for cid, name, n in rows]


def share_of_voice(period: Period) -> list[tuple[str, int, float]]:
    """[(label, articles, share)] for our party (party + politician terms) and each competitor
    term: articles mentioning them in the period."""
    ours = db.session.scalar(
        db.select(func.count(func.distinct(Mention.article_id))).join(Mention.term)
        .where(*counted(period), WatchTerm.group.in_(OWN_GROUPS))) or 0
    rows = db.session.execute(
        db.select(WatchTerm.term, func.count(func.distinct(Mention.article_id)))
        .join(Mention.term).where(*counted(period), WatchTerm.group == "competitor")
        .group_by(WatchTerm.id, WatchTerm.term).order_by(WatchTerm.term)).all()
    entries = [("__ours__", ours)] + [(term, n) for term, n in rows]
    total = sum(n for _, n in entries)
    return [(label, n, (n / total) if total else 0.0) for label, n in entries]


# --- tone -----------------------------------------------------------------------------------
# A Counter per row, keyed by tone code, "" for mentions whose tone nobody has set yet.

def tone_totals(period: Period) -> Counter:
    """Mentions per tone over the period."""
    rows = db.session.execute(db.select(Mention.tone, func.count()).where(*counted(period))
                              .group_by(Mention.tone))
    return Counter({tone or "": n for tone, n in rows})


def tone_per_day(period: Period) -> dict[date, Counter]:
    """{day: Counter(tone -> mentions)} for every day of the period."""
    return _per_day(period, Mention.tone)


def tone_by_outlet(period: Period, limit: int = 10) -> list[tuple[str, Counter]]:
    """Mentions per tone for each outlet that carried the article (a story carried by two
    outlets counts for both), the outlets with the most mentions first."""
    from crm.contacts.models import Organisation

    count = func.count(func.distinct(Mention.id))
    rows = db.session.execute(
        db.select(Organisation.id, Organisation.name, Mention.tone, count)
        .select_from(Mention)
        .join(ArticleSource, ArticleSource.article_id == Mention.article_id)
        .join(Feed, Feed.id == ArticleSource.feed_id)
        .join(Organisation, Organisation.id == Feed.organisation_id)
        .where(*counted(period))
        .group_by(Organisation.id, Organisation.name, Mention.tone))
    return _ranked(((oid, name), tone, n) for oid, name, tone, n in rows)[:limit]


def tone_by_politician(period: Period, limit: int = 20) -> list[tuple[str, Counter]]:
    """Mentions per tone for each politician: the watch terms of the politician group, joined
    under their contact where they have one (two terms for one person count as one)."""
    from crm.contacts.models import Contact

    rows = db.session.execute(
        db.select(WatchTerm.contact_id, Contact.name, WatchTerm.term, Mention.tone,
                  func.count())
        .select_from(Mention).join(Mention.term)
        .outerjoin(Contact, Contact.id == WatchTerm.contact_id)
        .where(*counted(period), WatchTerm.group == "politician")
        .group_by(WatchTerm.contact_id, Contact.name, WatchTerm.term, Mention.tone))
    return _ranked((("c", cid, name) if cid else ("t", term, term), tone, n)
                   for cid, name, term, tone, n in rows)[:limit]


def _ranked(rows) -> list[tuple[str, Counter]]:
    """[(label, Counter)] from (key whose last item is the label, tone, count) rows, the
    largest total first, then by label."""
    found: dict[tuple, Counter] = {}
    for key, tone, n in rows:
        found.setdefault(key, Counter())[tone or ""] += n
    ordered = sorted(found.items(), key=lambda kv: (-sum(kv[1].values()), kv[0][-1]))
    return [(key[-1], counts) for key, counts in ordered]


def tone_columns() -> tuple[str, ...]:
    """The tone codes in the order tables show them, "" (not set) last."""
    return (*TONES, "")


# --- CSV ------------------------------------------------------------------------------------

def to_csv(header: list[str], rows: list[list]) -> str:
    """Outlet names and terms come from users and feeds: every cell formula-safe, quoted."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def csv_report(kind: str, period: Period, ours_label: str) -> tuple[str, str] | None:
    """(file name, CSV text) of one figure, or None for an unknown kind."""
    stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if kind == "daily":
        data = mentions_per_day(period)
        rows = [[day.isoformat()] + [data[day][g] for g in TERM_GROUPS] for day in period.days]
        return f"mentions-per-day-{stamp}.csv", to_csv(["date", *TERM_GROUPS], rows)
    if kind == "outlets":
        return f"top-outlets-{stamp}.csv", to_csv(
            ["outlet", "articles"], [list(r) for r in top_outlets(period, 100)])
    if kind == "journalists":
        return f"top-journalists-{stamp}.csv", to_csv(
            ["journalist", "articles"], [[name, n] for _id, name, n in top_journalists(period,
                                                                                      100)])
    if kind == "share":
        rows = [[ours_label if label == "__ours__" else label, n, f"{share:.4f}"]
                for label, n, share in share_of_voice(period)]
        return f"share-of-voice-{stamp}.csv", to_csv(["name", "articles", "share"], rows)
    if kind in ("tone-outlets", "tone-politicians", "tone-days"):
        header = [kind.split("-")[1][:-1], *(t or "unset" for t in tone_columns())]
        if kind == "tone-days":
            per_day = tone_per_day(period)
            rows = [[day.isoformat(), *(per_day[day][t] for t in tone_columns())]
                    for day in period.days]
        else:
            found = (tone_by_outlet if kind == "tone-outlets" else tone_by_politician)(
                period, 1000)
            rows = [[label, *(counts.get(t, 0) for t in tone_columns())]
                    for label, counts in found]
        return f"{kind}-{stamp}.csv", to_csv(header, rows)
    return None
