"""Campaigns: saving them, detecting their key messages in the coverage, and the pull-through
figures a page or a report shows.

For reports (the coverage report calls these too):

- `pull_through_rates(campaign, start=None, end=None) -> PullThroughReport`: per message, per
  outlet, per journalist and per week, over the campaign's period or the part of it between
  `start` and `end` (dates in the configured zone, both inclusive).
- `side_by_side(campaigns, start, end) -> list[PullThroughReport]`: several campaigns (ours
  and the competitors') measured over the same dates, per message only.

A rate is always "articles that carried the message / articles in the campaign's scope" (see
`RateCell`). The scope is every article with a mention (not marked as noise) of one of the
campaign's watch terms whose time (Mention.sort_at: its publication, or when it was first
seen) falls in the dates. The detection of each article (crm/campaigns/detection.py) is stored
(CampaignArticle, PullThrough) when articles arrive (the AFTER_POLL hook), when the campaign
is saved, and for any article of the scope not yet examined when a report is made, so the
figures never miss an article and a report only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert
from sqlalchemy.exc import IntegrityError

from crm.campaigns.detection import Detector, MessageSpec, PersonSpec, phrase_form
from crm.campaigns.models import (
    SIDES,
    Campaign,
    CampaignArticle,
    KeyMessage,
    PullThrough,
    campaign_term,
)
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.monitoring.mentions import clean_lines
from crm.monitoring.models import Article, ArticleSource, Mention, WatchTerm
from crm.text import name_key, normalise_space, without_controls
from crm.timeutil import local_day_bounds, local_zone, to_local, utcnow

MIN_MESSAGES, MAX_MESSAGES = 3, 7
NAME_MAX = 200
WORDING_MAX = 500
DESCRIPTION_MAX = 5000
MAX_LINES = 30
MAX_DAYS = 3 * 366  # a campaign's period
BATCH = 500  # articles examined per commit
RECENT_ARTICLES = 50  # articles listed on the campaign page


class CampaignError(UserError):
    """Invalid campaign settings; `field` names the form field."""


@dataclass
class MessageData:
    wording: str = ""
    variants: str = ""  # one per line
    key_phrases: str = ""  # one per line
    spokesperson_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (normalise_space(self.wording) or normalise_space(self.variants)
                    or normalise_space(self.key_phrases) or self.spokesperson_ids)


@dataclass
class CampaignData:
    name: str
    start_date: date | None
    end_date: date | None
    side: str = "ours"
    party: str = ""
    description: str = ""
    term_ids: list[int] = field(default_factory=list)
    messages: list[MessageData] = field(default_factory=list)


# --- saving ---------------------------------------------------------------------------------

def _line(text: str) -> str:
    return normalise_space(without_controls(text or ""))


def _lines(text: str, field_name: str) -> str:
    return clean_lines(text, field_name, error=CampaignError, max_lines=MAX_LINES,
                       need_alnum=True,
                       normalise=lambda line: phrase_form(without_controls(line)))


def _clean_message(data: MessageData, number: int) -> MessageData:
    from crm.contacts.models import Contact

    prefix = f"messages-{number - 1}-"
    wording = _line(data.wording)
    if not wording or not any(ch.isalnum() for ch in wording):
        raise CampaignError(msg("Message %(num)d needs its wording.", num=number),
                            field=prefix + "wording")
    if len(wording) > WORDING_MAX:
        raise CampaignError(msg("A wording may have at most %(max)d characters.",
                                max=WORDING_MAX), field=prefix + "wording")
    ids = list(dict.fromkeys(data.spokesperson_ids))
    if ids:
        found = set(db.session.scalars(db.select(Contact.id).where(
            Contact.id.in_(ids), Contact.erased_at.is_(None))))
        if len(found) != len(ids):
            raise CampaignError(msg("That contact does not exist."),
                                field=prefix + "spokesperson_ids")
    return MessageData(wording, _lines(data.variants, prefix + "variants"),
                       _lines(data.key_phrases, prefix + "key_phrases"), ids)


def _clean(data: CampaignData, campaign: Campaign | None) -> CampaignData:
    name = _line(data.name)
    if not name or not any(ch.isalnum() for ch in name):
        raise CampaignError(msg("A campaign needs a name."), field="name")
    if len(name) > NAME_MAX:
        raise CampaignError(msg("A name may have at most %(max)d characters.", max=NAME_MAX),
                            field="name")
    # The same name whatever its case or accents (crm.text.name_key: æ, ø, å kept), alike
    # on both databases; campaigns are few, so they are compared here.
    key = name_key(name)
    clash = next((cid for cid, other in db.session.execute(db.select(Campaign.id, Campaign.name))
                  if name_key(other) == key), None)
    if clash is not None and (campaign is None or clash != campaign.id):
        raise CampaignError(msg("There is already a campaign of that name."), field="name")
    if data.side not in SIDES:
        raise CampaignError(msg("Unknown side."), field="side")
    party = _line(data.party)
    if len(party) > NAME_MAX:
        raise CampaignError(msg("A name may have at most %(max)d characters.", max=NAME_MAX),
                            field="party")
    if data.side == "competitor" and not party:
        raise CampaignError(msg("Name the competitor whose campaign it is."), field="party")
    if data.start_date is None:
        raise CampaignError(msg("Give the first day of the campaign."), field="start_date")
    if data.end_date is None:
        raise CampaignError(msg("Give the last day of the campaign."), field="end_date")
    if data.end_date < data.start_date:
        raise CampaignError(msg("The campaign cannot end before it starts."), field="end_date")
    if (data.end_date - data.start_date).days >= MAX_DAYS:
        raise CampaignError(msg("A campaign may last at most %(num)d days.", num=MAX_DAYS),
                            field="end_date")
    description = without_controls(data.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise CampaignError(msg("At most %(max)d characters.", max=DESCRIPTION_MAX),
                            field="description")
    term_ids = list(dict.fromkeys(data.term_ids))
    if not term_ids:
        raise CampaignError(msg("Choose at least one watch term: the campaign's issues."),
                            field="term_ids")
    known = set(db.session.scalars(db.select(WatchTerm.id).where(WatchTerm.id.in_(term_ids))))
    if len(known) != len(term_ids):
        raise CampaignError(msg("That watch term does not exist."), field="term_ids")
    given = [(n, m) for n, m in enumerate(data.messages, 1) if not m.empty]
    if not MIN_MESSAGES <= len(given) <= MAX_MESSAGES:
        raise CampaignError(msg("A campaign has %(min)d to %(max)d key messages; this one has "
                                "%(num)d.", min=MIN_MESSAGES, max=MAX_MESSAGES,
                                num=len(given)), field="messages")
    messages = [_clean_message(m, n) for n, m in given]
    return CampaignData(name, data.start_date, data.end_date, data.side,
                        party if data.side == "competitor" else "", description, term_ids,
                        messages)


def save_campaign(campaign: Campaign | None, data: CampaignData) -> Campaign:
    """Create or change a campaign with its messages, then examine its scope again.

    Raises CampaignError for bad input (nothing is stored then). Saving drops the stored
    pull-through of the campaign (its messages or issues may have changed) and computes it
    again for the campaign's whole scope.
    """
    from crm.contacts.models import Contact

    data = _clean(data, campaign)
    campaign = campaign or Campaign()
    campaign.name, campaign.side, campaign.party = data.name, data.side, data.party
    campaign.start_date, campaign.end_date = data.start_date, data.end_date
    campaign.description = data.description
    campaign.terms = list(db.session.scalars(
        db.select(WatchTerm).where(WatchTerm.id.in_(data.term_ids))))
    kept = list(campaign.messages)
    for position, given in enumerate(data.messages):
        message = kept[position] if position < len(kept) else KeyMessage()
        message.position, message.wording = position, given.wording
        message.variants, message.key_phrases = given.variants, given.key_phrases
        message.spokespeople = list(db.session.scalars(
            db.select(Contact).where(Contact.id.in_(given.spokesperson_ids)))) \
            if given.spokesperson_ids else []
        if position >= len(kept):
            campaign.messages.append(message)
    for extra in kept[len(data.messages):]:
        campaign.messages.remove(extra)
    db.session.add(campaign)
    db.session.flush()
    forget_detection(campaign)
    db.session.commit()
    examine_campaign(campaign)
    return campaign


def delete_campaign(campaign: Campaign) -> None:
    """Delete a campaign with its messages and stored pull-through."""
    forget_detection(campaign)
    db.session.delete(campaign)
    db.session.commit()


def forget_detection(campaign: Campaign) -> None:
    """Drop what was found for the campaign (no commit): its articles are examined again."""
    db.session.execute(delete(PullThrough).where(PullThrough.campaign_id == campaign.id))
    db.session.execute(delete(CampaignArticle).where(
        CampaignArticle.campaign_id == campaign.id))


# --- detection ------------------------------------------------------------------------------

def person_names(contacts: Iterable) -> dict[int, tuple[str, ...]]:
    """Each contact's names to find them by: their name and the forms of their watch terms."""
    contacts = list(contacts)
    names: dict[int, list[str]] = {c.id: [c.name] for c in contacts}
    if names:
        for term in db.session.scalars(db.select(WatchTerm).where(
                WatchTerm.contact_id.in_(list(names)))):
            names[term.contact_id].extend(term.forms)
    return {cid: tuple(dict.fromkeys(n for n in forms if n)) for cid, forms in names.items()}


def detector_for(campaign: Campaign) -> Detector:
    people = person_names({c for m in campaign.messages for c in m.spokespeople})
    return Detector([
        MessageSpec(m.id, m.wording, tuple(m.variant_list), tuple(m.phrase_list),
                    tuple(PersonSpec(c.id, people[c.id]) for c in m.spokespeople))
        for m in campaign.messages])


def _bounds(campaign: Campaign, start: date | None, end: date | None
            ) -> tuple[date, date, datetime, datetime]:
    first = max(start or campaign.start_date, campaign.start_date)
    last = min(end or campaign.end_date, campaign.end_date)
    return first, last, local_day_bounds(first)[0], local_day_bounds(last)[1]


def scope_select(campaign: Campaign, lo: datetime, hi: datetime):
    """SELECT article_id, sort_at of the articles in the campaign's scope in [lo, hi)."""
    terms = db.select(campaign_term.c.term_id).where(campaign_term.c.campaign_id == campaign.id)
    return (db.select(Mention.article_id, func.min(Mention.sort_at).label("sort_at"))
            .where(Mention.term_id.in_(terms), Mention.status != "noise",
                   Mention.sort_at >= lo, Mention.sort_at < hi)
            .group_by(Mention.article_id))


@dataclass
class ExamineCounts:
    articles: int = 0
    found: int = 0

    def __str__(self) -> str:
        return str(msg("Articles examined: %(articles)d. Messages found: %(found)d.",
                       articles=self.articles, found=self.found))


def _texts(ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    texts: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    for article_id, title, summary in db.session.execute(
            db.select(Article.id, Article.title, Article.summary).where(Article.id.in_(ids))):
        texts[article_id].insert(0, (title, summary))
    for article_id, title, summary in db.session.execute(
            db.select(ArticleSource.article_id, ArticleSource.title, ArticleSource.summary)
            .where(ArticleSource.article_id.in_(ids)).order_by(ArticleSource.id)):
        if title or summary:
            texts[article_id].append((title, summary))
    return texts


def examine_articles(campaign: Campaign, article_ids: list[int], detector: Detector,
                     counts: ExamineCounts) -> None:
    """Detect the campaign's messages in these articles and store what was found (commits).

    An article another process examined meanwhile is left as that one stored it."""
    texts = _texts(article_ids)
    now = utcnow()
    marks, rows = [], []
    for article_id in article_ids:
        marks.append({"campaign_id": campaign.id, "article_id": article_id, "computed_at": now})
        for found in detector.detect(texts[article_id]).values():
            rows.append({"campaign_id": campaign.id, "article_id": article_id,
                         "message_id": found.message_id, "level": found.level,
                         "place": found.place, "score": found.score,
                         "evidence": found.evidence[:1000],
                         "spokesperson_id": found.spokesperson_id, "quoted": found.quoted})
    try:
        db.session.execute(insert(CampaignArticle), marks)
        if rows:
            db.session.execute(insert(PullThrough), rows)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # examined by another process at the same time: theirs stands
        if len(article_ids) > 1:
            for one in article_ids:
                if not _examined(campaign, [one]):
                    examine_articles(campaign, [one], detector, counts)
        return
    counts.articles += len(article_ids)
    counts.found += len(rows)


def _examined(campaign: Campaign, ids: list[int]) -> set[int]:
    return set(db.session.scalars(db.select(CampaignArticle.article_id).where(
        CampaignArticle.campaign_id == campaign.id, CampaignArticle.article_id.in_(ids))))


def examine_campaign(campaign: Campaign, start: date | None = None, end: date | None = None,
                     progress: Callable[[int, int], None] | None = None) -> ExamineCounts:
    """Examine the articles of the campaign's scope (between `start` and `end`, default its
    whole period) that are not examined yet; `progress(done, total)` after each batch."""
    _first, _last, lo, hi = _bounds(campaign, start, end)
    scope = db.session.scalars(db.select(scope_select(campaign, lo, hi).subquery().c.article_id))
    return _examine_missing(campaign, scope, progress)


def _examine_missing(campaign: Campaign, scope: Iterable[int],
                     progress: Callable[[int, int], None] | None = None) -> ExamineCounts:
    """Examine the articles of `scope` (ids) not examined for the campaign yet."""
    counts = ExamineCounts()
    examined = set(db.session.scalars(db.select(CampaignArticle.article_id).where(
        CampaignArticle.campaign_id == campaign.id)))
    missing = sorted(set(scope) - examined)
    if not missing or not campaign.messages:
        return counts
    detector = detector_for(campaign)
    for i in range(0, len(missing), BATCH):
        examine_articles(campaign, missing[i:i + BATCH], detector, counts)
        if progress is not None:
            progress(min(i + BATCH, len(missing)), len(missing))
    return counts


def examine_new_articles(since: datetime, _summary=None) -> None:
    """The AFTER_POLL hook: examine the articles that got a mention since `since` for every
    campaign whose period they fall in."""
    lo, hi = db.session.execute(db.select(func.min(Mention.sort_at), func.max(Mention.sort_at))
                                .where(Mention.created_at >= since)).one()
    if lo is None:
        return
    first, last = to_local(lo).date(), to_local(hi).date()
    for campaign in db.session.scalars(db.select(Campaign).where(
            Campaign.start_date <= last, Campaign.end_date >= first)).all():
        examine_campaign(campaign, max(first, campaign.start_date),
                         min(last, campaign.end_date))


def examine_all(progress: Callable[[str, int, int], None] | None = None) -> ExamineCounts:
    """Examine every campaign's articles not examined yet (`crm campaigns-refresh`)."""
    total = ExamineCounts()
    for campaign in db.session.scalars(db.select(Campaign).order_by(Campaign.id)).all():
        counts = examine_campaign(
            campaign, progress=(lambda done, n, c=campaign: progress(c.name, done, n))
            if progress else None)
        total.articles += counts.articles
        total.found += counts.found
    return total


# --- figures --------------------------------------------------------------------------------

@dataclass
class RateCell:
    """Articles in scope, and how many of them carried a message: `explicit` + `partial` =
    `carried`; `rate` = carried / articles (0.0 without articles). `spokesperson`: articles
    that carried it and named one of its spokespeople."""

    articles: int = 0
    explicit: int = 0
    partial: int = 0
    spokesperson: int = 0

    @property
    def carried(self) -> int:
        return self.explicit + self.partial

    @property
    def rate(self) -> float:
        return self.carried / self.articles if self.articles else 0.0

    @property
    def explicit_rate(self) -> float:
        return self.explicit / self.articles if self.articles else 0.0

    def add(self, level: str | None, spokesperson: bool = False) -> None:
        if level == "explicit":
            self.explicit += 1
        elif level == "partial":
            self.partial += 1
        self.spokesperson += bool(level and spokesperson)


@dataclass
class MessageRow:
    """One key message over the whole scope."""

    message_id: int
    position: int  # 0-based; shown as "message 1"
    wording: str
    cell: RateCell


@dataclass
class GroupRow:
    """One outlet, journalist or week: its articles in scope, per message and for any
    message (`any_message.carried`: articles that carried at least one)."""

    key: int | date  # organisation id, contact id, or the Monday of the week
    label: str  # outlet or journalist name; the ISO week ("2026-W48") for weeks
    any_message: RateCell
    per_message: dict[int, RateCell]


@dataclass
class ArticleRow:
    """An article of the scope and the messages it carried (message id -> level)."""

    article_id: int
    title: str
    sort_at: datetime
    levels: dict[int, str]


@dataclass
class PullThroughReport:
    """The pull-through of one campaign between two dates (both inclusive, local)."""

    campaign_id: int
    name: str
    side: str
    party: str
    start: date
    end: date
    articles: int  # in scope
    any_message: RateCell  # articles that carried at least one message
    messages: list[MessageRow]
    outlets: list[GroupRow] = field(default_factory=list)  # most articles first
    journalists: list[GroupRow] = field(default_factory=list)  # most articles first
    weeks: list[GroupRow] = field(default_factory=list)  # in order
    recent: list[ArticleRow] = field(default_factory=list)  # newest first


class _Groups:
    """Rows of a grouping, counted article by article; O(messages found) per article."""

    def __init__(self, message_ids: list[int]):
        self.message_ids = message_ids
        self.rows: dict = {}

    def add(self, key, label: str, found: _Found) -> None:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = GroupRow(key, label, RateCell(),
                                            {m: RateCell() for m in self.message_ids})
        row.any_message.articles += 1
        if found.best:
            row.any_message.add(found.best, found.spoken)
            for message_id, (level, spoken) in found.levels.items():
                cell = row.per_message.get(message_id)
                if cell is not None:
                    cell.add(level, spoken)

    def finish(self) -> list[GroupRow]:
        for row in self.rows.values():
            for cell in row.per_message.values():
                cell.articles = row.any_message.articles
        return list(self.rows.values())

    def by_size(self) -> list[GroupRow]:
        return sorted(self.finish(), key=lambda r: (-r.any_message.articles, r.label))


@dataclass
class _Found:
    """What one article carried: message id -> (level, spokesperson named), and the best."""

    levels: dict[int, tuple[str, bool]] = field(default_factory=dict)
    best: str = ""
    spoken: bool = False

    def note(self, message_id: int, level: str, spoken: bool) -> None:
        self.levels[message_id] = (level, spoken)
        if level == "explicit" or not self.best:
            self.best = level
        self.spoken = self.spoken or spoken


_NOTHING = _Found()


def _week(day: date) -> tuple[date, str]:
    monday = day - timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()
    return monday, f"{year}-W{week:02d}"


def pull_through_rates(campaign: Campaign, start: date | None = None, end: date | None = None,
                       *, groups: bool = True) -> PullThroughReport:
    """The campaign's pull-through between `start` and `end` (clamped to its period): per
    message and, with `groups`, per outlet, journalist and week, and its latest articles.

    Articles of the scope not examined yet (a watch term re-matched, a poll by another
    process) are examined first, so the figures are complete."""
    from crm.contacts.models import Contact, Organisation
    from crm.monitoring.models import Feed

    first, last, lo, hi = _bounds(campaign, start, end)
    messages = list(campaign.messages)
    message_ids = [m.id for m in messages]
    report = PullThroughReport(campaign.id, campaign.name, campaign.side, campaign.party,
                               first, last, 0, RateCell(),
                               [MessageRow(m.id, m.position, m.wording, RateCell())
                                for m in messages])
    if first > last:
        return report
    scope = dict(db.session.execute(scope_select(campaign, lo, hi)).all())
    if not scope:
        return report
    _examine_missing(campaign, scope)
    found: dict[int, _Found] = {}
    for article_id, message_id, level, spokesperson_id in db.session.execute(
            db.select(PullThrough.article_id, PullThrough.message_id, PullThrough.level,
                      PullThrough.spokesperson_id)
            .where(PullThrough.campaign_id == campaign.id)):
        if article_id in scope:
            found.setdefault(article_id, _Found()).note(message_id, level,
                                                        spokesperson_id is not None)
    overall = _Groups(message_ids)
    for article_id in scope:
        overall.add(0, "", found.get(article_id, _NOTHING))
    total = overall.finish()[0]
    report.articles = total.any_message.articles
    report.any_message = total.any_message
    for row in report.messages:
        row.cell = total.per_message[row.message_id]
    if not groups:
        return report

    outlets, journalists, weeks = _Groups(message_ids), _Groups(message_ids), \
        _Groups(message_ids)
    # An article's time never changes once stored and its mentions carry it (sort_at): the
    # period's articles by their indexed time, then those of the scope, in Python.
    in_period = (Article.sort_at >= lo, Article.sort_at < hi)
    for article_id, org_id, org_name in db.session.execute(
            db.select(ArticleSource.article_id, Organisation.id, Organisation.name)
            .join(Article, Article.id == ArticleSource.article_id)
            .join(Feed, Feed.id == ArticleSource.feed_id)
            .join(Organisation, Organisation.id == Feed.organisation_id)
            .where(*in_period).distinct()):
        if article_id in scope:
            outlets.add(org_id, org_name, found.get(article_id, _NOTHING))
    for article_id, contact_id, contact_name in db.session.execute(
            db.select(Article.id, Contact.id, Contact.name)
            .join(Contact, Contact.id == Article.author_contact_id).where(*in_period)):
        if article_id in scope:
            journalists.add(contact_id, contact_name, found.get(article_id, _NOTHING))
    mondays: dict[date, tuple[date, str]] = {}
    zone = local_zone()
    for article_id, sort_at in scope.items():
        day = sort_at.astimezone(zone).date()  # UTCDateTime gives aware datetimes
        week = mondays.get(day)
        if week is None:
            week = mondays[day] = _week(day)
        weeks.add(week[0], week[1], found.get(article_id, _NOTHING))
    report.outlets, report.journalists = outlets.by_size(), journalists.by_size()
    report.weeks = sorted(weeks.finish(), key=lambda r: r.key)
    newest = sorted(scope, key=lambda a: (scope[a], a), reverse=True)[:RECENT_ARTICLES]
    titles = dict(db.session.execute(db.select(Article.id, Article.title)
                                     .where(Article.id.in_(newest))).all())
    report.recent = [ArticleRow(a, titles.get(a, ""), scope[a],
                                {m: lv for m, (lv, _s) in found.get(a, _NOTHING).levels.items()})
                     for a in newest]
    return report


def report_csv(report: PullThroughReport) -> tuple[str, str]:
    """(file name, CSV text) of a report: one row for the whole scope, then one per outlet,
    journalist and week; per message its articles carrying it (explicit, partial)."""
    from crm.monitoring.analytics import to_csv

    header = ["group", "name", "articles", "carried_any", "rate_any"]
    for m in report.messages:
        n = m.position + 1
        header += [f"message_{n}_carried", f"message_{n}_explicit", f"message_{n}_partial",
                   f"message_{n}_rate"]

    def row(group: str, name: str, any_message: RateCell, cells: list[RateCell]) -> list:
        values = [group, name, any_message.articles, any_message.carried,
                  f"{any_message.rate:.4f}"]
        for cell in cells:
            values += [cell.carried, cell.explicit, cell.partial, f"{cell.rate:.4f}"]
        return values

    rows = [row("all", report.name, report.any_message, [m.cell for m in report.messages])]
    for group, items in (("outlet", report.outlets), ("journalist", report.journalists),
                         ("week", report.weeks)):
        rows += [row(group, item.label, item.any_message,
                     [item.per_message[m.message_id] for m in report.messages])
                 for item in items]
    stamp = f"{report.start:%Y%m%d}-{report.end:%Y%m%d}"
    return f"pull-through-{report.campaign_id}-{stamp}.csv", to_csv(header, rows)


def side_by_side(campaigns: Iterable[Campaign], start: date, end: date
                 ) -> list[PullThroughReport]:
    """Each campaign's per-message pull-through over the same dates (clamped to its period):
    ours and the competitors' measured the same way."""
    return [pull_through_rates(c, start, end, groups=False) for c in campaigns]


def overlapping(campaign: Campaign) -> list[Campaign]:
    """Campaigns whose period overlaps this one's, ours first, then by name."""
    return list(db.session.scalars(db.select(Campaign).where(
        Campaign.start_date <= campaign.end_date, Campaign.end_date >= campaign.start_date)
        .order_by(Campaign.side.desc(), Campaign.name)))


@dataclass
class CarriedMessage:
    campaign_id: int
    campaign: str
    position: int
    wording: str
    level: str
    place: str
    evidence: str
    spokesperson: str
    quoted: bool


def messages_in_article(article_id: int) -> list[CarriedMessage]:
    """The key messages an article carried, of every campaign it was examined for."""
    from crm.contacts.models import Contact

    rows = db.session.execute(
        db.select(PullThrough, Campaign.name, KeyMessage.position, KeyMessage.wording,
                  Contact.name)
        .join(Campaign, Campaign.id == PullThrough.campaign_id)
        .join(KeyMessage, KeyMessage.id == PullThrough.message_id)
        .outerjoin(Contact, Contact.id == PullThrough.spokesperson_id)
        .where(PullThrough.article_id == article_id)
        .order_by(Campaign.name, KeyMessage.position)).all()
    return [CarriedMessage(p.campaign_id, name, position, wording, p.level, p.place,
                           p.evidence, person or "", p.quoted)
            for p, name, position, wording, person in rows]
