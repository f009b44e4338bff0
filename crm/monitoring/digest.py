"""The mentions section of the morning digest (noise is never included)."""

from __future__ import annotations

from collections import Counter

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from crm.digest.content import (
    DigestContext,
    DigestGroup,
    DigestItem,
    DigestSection,
    capped,
)
from crm.extensions import db
from crm.monitoring.models import TERM_GROUPS, Article, ArticleSource, Feed, Mention, WatchTerm


def _titles() -> dict[str, str]:
    return {"party": _("The party"), "politician": _("Our politicians"),
            "issue": _("Our issues"), "competitor": _("Competitors")}


def _window(query, start, end):
    return query.where(Mention.created_at >= start, Mention.created_at < end,
                       Mention.status != "noise")


def _outlets(article: Article) -> list[str]:
    return list(dict.fromkeys(
        (s.feed.organisation.name if s.feed.organisation else s.feed.name)
        for s in article.sources))


def _item(mention: Mention) -> DigestItem:
    article = mention.article
    byline = article.author_contact.name if article.author_contact else article.author
    _before, hit, _after = mention.snippet_parts
    return DigestItem(
        title=article.title or _("(no title)"),
        url=url_for("monitoring.article", article_id=article.id, _external=True),
        snippet=mention.snippet, meta=" · ".join(x for x in [*_outlets(article)[:3], byline] if x),
        highlight=[hit] if hit else [])


def _terms_per_article(context: DigestContext) -> dict[int, int]:
    """How many watch terms each article of the period matched (all groups, noise left out)."""
    rows = db.session.execute(_window(
        db.select(Mention.article_id, func.count(func.distinct(Mention.term_id)))
        .group_by(Mention.article_id), context.since, context.until)).all()
    return dict(rows)


def _most_important_first(mentions: list[Mention], terms: dict[int, int]) -> list[Mention]:
    """One mention per article: title hits before summary hits, more terms before fewer,
    then newest first. The mention shown is the article's title hit where it has one."""
    best: dict[int, Mention] = {}
    for mention in mentions:
        shown = best.get(mention.article_id)
        if shown is None or (mention.place == "title" and shown.place != "title"):
            best[mention.article_id] = mention
    return sorted(best.values(), key=lambda m: (
        m.place != "title", -terms.get(m.article_id, 1), -m.sort_at.timestamp(), -m.id))


def mentions_section(context: DigestContext) -> list[DigestSection]:
    """New mentions since the reader's previous digest, by group, most important first, with
    each group's count per outlet and the count for the period before."""
    terms = _terms_per_article(context)
    wanted = [g for g in TERM_GROUPS if g in context.groups]
    by_group: dict[str, list[Mention]] = {g: [] for g in wanted}
    rows = db.session.execute(
        _window(db.select(Mention, WatchTerm.group).join(Mention.term)
                .where(WatchTerm.group.in_(wanted)), context.since, context.until)
        .options(selectinload(Mention.article).selectinload(Article.sources)
                 .selectinload(ArticleSource.feed).selectinload(Feed.organisation),
                 selectinload(Mention.article).selectinload(Article.author_contact)))
    for mention, group in rows:
        by_group[group].append(mention)
    previous_totals = dict(db.session.execute(_window(
        db.select(WatchTerm.group, func.count(func.distinct(Mention.article_id)))
        .join(Mention.term).where(WatchTerm.group.in_(wanted)).group_by(WatchTerm.group),
        context.previous_since, context.since)).all())
    groups = []
    for group in wanted:
        ranked = _most_important_first(by_group[group], terms)
        previous = previous_totals.get(group, 0)
        if ranked or previous:
            outlets = Counter(o for m in ranked for o in _outlets(m.article)[:1])
            groups.append(DigestGroup(group, _titles()[group],
                                      [_item(m) for m in capped(ranked)], len(ranked),
                                      previous_total=previous or 0,
                                      breakdown=outlets.most_common(8)))
    return [DigestSection("mentions", _("In the news"), groups, order=10)] if groups else []
