"""Watch terms (saving them re-matches recent articles) and the mentions they produce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import delete, insert, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from crm.errors import UserError
from crm.extensions import db
from crm.messages import Message, msg
from crm.monitoring.matching import (
    FORM_MAX,
    Matcher,
    TermSpec,
    clean_form,
    make_snippet,
    reason_message,
)
from crm.monitoring.models import (
    CASE_MODES,
    MENTION_STATUSES,
    TERM_GROUPS,
    Article,
    ArticleSource,
    Feed,
    Mention,
    WatchTerm,
)
from crm.monitoring.store import match_texts, mention_row, term_spec
from crm.sqlutil import among
from crm.text import normalise_space, without_controls
from crm.timeutil import local_day_bounds, utcnow

if TYPE_CHECKING:
    from crm.contacts.models import Contact
    from crm.contacts.services import ContactData

BATCH = 500
MAX_LINES = 50


class TermError(UserError):
    """Invalid watch-term settings; `field` names the form field."""


@dataclass
class TermData:
    term: str
    group: str = "party"
    variants: str = ""
    exclusions: str = ""
    case_mode: str = "auto"
    contact_id: int | None = None
    active: bool = True


@dataclass
class RematchCounts:
    articles: int = 0
    added: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return str(msg("Articles matched again: %(articles)d. Mentions added: %(added)d, "
                       "removed: %(removed)d.", articles=self.articles, added=self.added,
                       removed=self.removed))


def clean_lines(text: str, field: str, *, error=None, normalise=None,
                max_lines: int = MAX_LINES, need_alnum: bool = False) -> str:
    """Forms typed one per line (variants, exclusions, a key message's phrases): each cleaned
    by `normalise` (clean_form), empty and repeated lines dropped, and checked; raises `error`
    (TermError) naming `field`. The one rule for such lists, used by watch terms and campaigns."""
    error, normalise = error or TermError, normalise or clean_form
    lines = [normalise(line) for line in (text or "").splitlines()]
    lines = list(dict.fromkeys(line for line in lines if line))
    if len(lines) > max_lines:
        raise error(msg("At most %(max)d lines.", max=max_lines), field=field)
    if any(len(line) >= FORM_MAX for line in lines):
        raise error(msg("Each line may have at most %(max)d characters.",
                        max=FORM_MAX - 1), field=field)
    if need_alnum and any(not any(ch.isalnum() for ch in line) for line in lines):
        raise error(msg("Each line needs at least one letter or digit."), field=field)
    return "\n".join(lines)


def _clean(data: TermData, term: WatchTerm | None) -> TermData:
    from crm.contacts.models import Contact

    name = clean_form(data.term or "")
    if not name or not any(ch.isalnum() for ch in name.rstrip("*")):
        raise TermError(msg("A term needs at least one letter or digit."), field="term")
    if len((data.term or "").strip()) >= FORM_MAX:
        raise TermError(msg("A term may have at most %(max)d characters.", max=FORM_MAX - 1),
                        field="term")
    clash = db.session.scalar(db.select(WatchTerm.id).where(WatchTerm.term == name))
    if clash is not None and (term is None or clash != term.id):
        raise TermError(msg("That term is already watched."), field="term")
    if data.group not in TERM_GROUPS:
        raise TermError(msg("Unknown group."), field="group")
    if data.case_mode not in CASE_MODES:
        raise TermError(msg("Unknown case setting."), field="case_mode")
    if data.contact_id is not None and db.session.get(Contact, data.contact_id) is None:
        raise TermError(msg("That contact does not exist."), field="contact_id")
    return TermData(name, data.group, clean_lines(data.variants, "variants"),
                    clean_lines(data.exclusions, "exclusions"), data.case_mode, data.contact_id,
                    bool(data.active))


# --- trying a text -------------------------------------------------------------------------

TRY_MAX = 5000  # characters of a text to try


@dataclass
class TrialHit:
    """A hit in a text the user tried: which term, where, and why it does not count (if so)."""

    term: str
    found: str  # the words that were hit
    snippet: str
    mark_start: int
    mark_end: int
    reason: Message | None = None  # None: the hit counts

    @property
    def snippet_parts(self) -> tuple[str, str, str]:
        return (self.snippet[:self.mark_start], self.snippet[self.mark_start:self.mark_end],
                self.snippet[self.mark_end:])


def clean_trial_text(text: str) -> str:
    return normalise_space(without_controls(text or ""))[:TRY_MAX]


def _trial(text: str, specs: list[TermSpec], names: dict[int, str]) -> list[TrialHit]:
    text = clean_trial_text(text)
    found = []
    for hit in Matcher(specs).find_all(text):
        snippet, mark_start, mark_end = make_snippet(text, hit.start, hit.end)
        found.append(TrialHit(names[hit.term_id], text[hit.start:hit.end], snippet, mark_start,
                              mark_end, reason_message(hit)))
    return found


def try_terms(text: str) -> list[TrialHit]:
    """Every hit of the active watch terms in `text`, the excluded ones with their reason."""
    terms = db.session.scalars(db.select(WatchTerm).where(WatchTerm.active.is_(True))).all()
    return _trial(text, [term_spec(t) for t in terms], {t.id: t.term for t in terms})


def try_term(term: WatchTerm | None, data: TermData, text: str) -> list[TrialHit]:
    """The hits in `text` of a term with the settings in `data`, without saving them.

    Raises TermError for bad settings, as save_term does."""
    data = _clean(data, term)
    forms = [data.term, *data.variants.splitlines()]
    spec = TermSpec(0, tuple(forms), data.case_mode,
                    tuple(line for line in data.exclusions.splitlines() if line), data.group)
    return _trial(text, [spec], {0: data.term})


def rematch_days() -> int:
    return int(current_app.config.get("CRM_MONITORING_REMATCH_DAYS", 14))


def save_term(term: WatchTerm | None, data: TermData,
              days: int | None = None) -> tuple[WatchTerm, RematchCounts]:
    """Create or change a watch term, then re-match it over the last `days` days of articles.

    Raises TermError for bad input (nothing is stored then).
    """
    data = _clean(data, term)
    term = term or WatchTerm()
    term.term, term.group, term.variants = data.term, data.group, data.variants
    term.exclusions, term.case_mode = data.exclusions, data.case_mode
    term.contact_id, term.active = data.contact_id, data.active
    db.session.add(term)
    db.session.commit()
    counts = rematch(rematch_days() if days is None else days, {term.id})
    return term, counts


def delete_term(term: WatchTerm) -> None:
    """Delete a term with all its mentions."""
    db.session.execute(delete(Mention).where(Mention.term_id == term.id))
    db.session.delete(term)
    db.session.commit()


def rematch(days: int | None, term_ids: set[int] | None = None,
            progress=None) -> RematchCounts:
    """Match the articles of the last `days` days again (every stored one if None), for
    `term_ids` (default: all). Each distinct text among an article and its sources is
    matched; a term found in any of them is one mention of the article.

    Mentions that still match keep their read flag and relevant/noise mark; those that no
    longer match are removed; new ones are added. Inactive terms keep their mentions.
    Works in batches, one commit per batch; `progress(articles done)` after each.
    """
    counts = RematchCounts()
    query = db.select(WatchTerm)
    if term_ids is not None:
        query = query.where(WatchTerm.id.in_(list(term_ids)))
    terms = db.session.scalars(query).all()
    scope = {t.id for t in terms if t.active}
    if not scope:
        return counts
    matcher = Matcher([term_spec(t) for t in terms if t.active])
    articles = db.select(Article.id, Article.title, Article.summary, Article.sort_at)
    if days is not None:
        articles = articles.where(Article.sort_at >= utcnow() - timedelta(days=max(0, days)))
    last_id = 0
    while True:
        rows = db.session.execute(articles.where(Article.id > last_id)
                                  .order_by(Article.id).limit(BATCH)).all()
        if not rows:
            break
        last_id = rows[-1].id
        _rematch_batch(rows, matcher, scope, counts)
        db.session.commit()
        if progress is not None:
            progress(counts.articles)
    return counts


def _rematch_batch(rows, matcher: Matcher, scope: set[int], counts: RematchCounts) -> None:
    ids = [r.id for r in rows]
    existing = {(m.article_id, m.term_id): m for m in db.session.scalars(
        db.select(Mention).where(Mention.article_id.in_(ids), Mention.term_id.in_(scope)))}
    texts: dict[int, list[tuple[str, str]]] = {row.id: [(row.title, row.summary)]
                                               for row in rows}
    for article_id, title, summary in db.session.execute(
            db.select(ArticleSource.article_id, ArticleSource.title, ArticleSource.summary)
            .where(ArticleSource.article_id.in_(ids)).order_by(ArticleSource.id)):
        if title or summary:
            texts[article_id].append((title, summary))
    now = utcnow()
    new_rows = []
    for row in rows:
        counts.articles += 1
        for term_id, match in match_texts(matcher, texts[row.id]).items():
            mention = existing.pop((row.id, term_id), None)
            if mention is None:
                new_rows.append(mention_row(row.id, match, row.sort_at, now))
            elif (mention.place, mention.snippet, mention.mark_start, mention.mark_end,
                  mention.hits) != (match.place, match.snippet, match.mark_start,
                                    match.mark_end, match.hits):
                mention.place, mention.snippet, mention.hits = match.place, match.snippet, \
                    match.hits
                mention.mark_start, mention.mark_end = match.mark_start, match.mark_end
    stale = [m.id for m in existing.values()]
    if new_rows:
        db.session.execute(insert(Mention), new_rows)
    if stale:
        db.session.execute(delete(Mention).where(Mention.id.in_(stale)))
    counts.added += len(new_rows)
    counts.removed += len(stale)


# --- the mentions page ----------------------------------------------------------------------

@dataclass
class MentionFilter:
    term_id: int | None = None
    group: str = ""
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    read: str = ""  # "", "read", "unread"
    status: str = ""  # "", "unset", "relevant", "noise", "not_noise"
    contact_id: int | None = None  # mentions of terms linked to this contact


def filtered_mentions(flt: MentionFilter) -> Select:
    """Mentions matching `flt`, newest first."""
    query = db.select(Mention).join(Mention.term)
    if flt.term_id:
        query = query.where(Mention.term_id == flt.term_id)
    if flt.group in TERM_GROUPS:
        query = query.where(WatchTerm.group == flt.group)
    if flt.contact_id:
        query = query.where(WatchTerm.contact_id == flt.contact_id)
    if flt.organisation_id:
        query = query.where(db.select(ArticleSource.id).join(ArticleSource.feed).where(
            ArticleSource.article_id == Mention.article_id,
            Feed.organisation_id == flt.organisation_id).exists())
    if flt.date_from:
        query = query.where(Mention.sort_at >= local_day_bounds(flt.date_from)[0])
    if flt.date_to:
        query = query.where(Mention.sort_at < local_day_bounds(flt.date_to)[1])
    if flt.read == "read":
        query = query.where(Mention.is_read.is_(True))
    elif flt.read == "unread":
        query = query.where(Mention.is_read.is_(False))
    if flt.status in MENTION_STATUSES:
        query = query.where(Mention.status == flt.status)
    elif flt.status == "not_noise":
        query = query.where(Mention.status != "noise")
    return query.order_by(Mention.sort_at.desc(), Mention.id.desc())


def filtered_articles(flt: MentionFilter) -> Select:
    """Articles with at least one mention matching `flt`, newest first: one row per story."""
    matching = filtered_mentions(flt).order_by(None).with_only_columns(Mention.id).where(
        Mention.article_id == Article.id)
    return db.select(Article).where(matching.exists()).order_by(Article.sort_at.desc(),
                                                                Article.id.desc())


def count_mentions(flt: MentionFilter) -> int:
    """How many mentions match `flt` (the page counts articles and mentions separately)."""
    ids = filtered_mentions(flt).order_by(None).with_only_columns(Mention.id).subquery()
    return db.session.scalar(db.select(db.func.count()).select_from(ids)) or 0


def mentions_on(flt: MentionFilter, article_ids: list[int]) -> dict[int, list[Mention]]:
    """The mentions matching `flt` of these articles, by article, with their terms and the
    terms' contacts, in one query (of those, the columns the mentions page shows)."""
    from crm.contacts.models import Contact

    found: dict[int, list[Mention]] = {article_id: [] for article_id in article_ids}
    if not article_ids:
        return found
    query = filtered_mentions(flt).where(among(Mention.article_id, article_ids)).order_by(
        None).order_by(Mention.place.desc(), Mention.id).options(
        joinedload(Mention.term).load_only(WatchTerm.term, WatchTerm.group,
                                           WatchTerm.contact_id, raiseload=True)
        .joinedload(WatchTerm.contact).load_only(Contact.name, raiseload=True))
    for mention in db.session.scalars(query):
        found[mention.article_id].append(mention)
    return found


def set_article_read(article: Article, read: bool) -> int:
    """Mark every mention of an article read (or unread); returns how many changed.

    Read is per article (a story is read once, whatever terms it mentions); relevant/noise
    stays per mention (an article can be relevant for one term and a false hit for another).
    """
    result = db.session.execute(
        update(Mention).where(Mention.article_id == article.id,
                              Mention.is_read.is_not(bool(read))).values(is_read=bool(read))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def set_status(mention: Mention, status: str) -> None:
    """Mark a mention relevant, noise or unset; marking also counts as reading it."""
    if status not in MENTION_STATUSES:
        raise ValueError("Unknown status.")
    mention.status = status
    mention.is_read = True
    db.session.commit()


def set_read(mention: Mention, read: bool) -> None:
    mention.is_read = bool(read)
    db.session.commit()


def mark_all_read(flt: MentionFilter) -> int:
    """Mark every mention that matches `flt` as read; returns how many changed."""
    ids = filtered_mentions(flt).with_only_columns(Mention.id).order_by(None).where(
        Mention.is_read.is_(False))
    result = db.session.execute(update(Mention).where(Mention.id.in_(ids)).values(is_read=True)
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def outlets_of(article: Article) -> list:
    """The organisations of the feeds that carried an article (unique, in order)."""
    seen, outlets = set(), []
    for source in article.sources:
        org = source.feed.organisation if source.feed else None
        if org is not None and org.id not in seen:
            seen.add(org.id)
            outlets.append(org)
    return outlets


def byline_source(article: Article) -> str:
    """The data source (GDPR Art. 14) of a journalist added from an article's byline."""
    from crm.templating import localtime

    outlets = ", ".join(o.name for o in outlets_of(article)) or ", ".join(
        s.feed.name for s in article.sources if s.feed)
    text = str(msg("Byline of the article “%(title)s” (%(outlet)s, %(date)s) %(link)s",
                   title=article.title[:120], outlet=outlets[:60],
                   date=localtime(article.published_at or article.seen_at),
                   link=article.link[:100]))
    return text.strip()[:300]


def add_byline_contact(article: Article, data: ContactData) -> Contact:
    """Add the journalist behind an article's byline to the register (crm.contacts' rules)
    and link the article to them. Raises UserError for bad input (nothing stored)."""
    from crm.contacts.services import create_contact

    contact = create_contact(data)
    article.author_contact_id, article.author_guess = contact.id, False
    db.session.commit()
    return contact


def articles_by(contact_id: int, limit: int = 20) -> list[Article]:
    return list(db.session.scalars(
        db.select(Article).where(Article.author_contact_id == contact_id)
        .order_by(Article.sort_at.desc()).limit(limit)))


def mention_counts(article_ids: list[int]) -> dict[int, int]:
    """Article id -> how many mentions it has (any status), in one grouped query."""
    if not article_ids:
        return {}
    return dict(db.session.execute(
        db.select(Mention.article_id, db.func.count()).where(Mention.article_id.in_(article_ids))
        .group_by(Mention.article_id)).all())


def mentions_of(contact_id: int, limit: int = 20) -> list[Mention]:
    """The newest mentions of the contact's watch terms, with their articles loaded."""
    return list(db.session.scalars(
        filtered_mentions(MentionFilter(contact_id=contact_id, status="not_noise"))
        .options(selectinload(Mention.article)).limit(limit)))
