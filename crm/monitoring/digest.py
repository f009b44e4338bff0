"""The mentions section of the morning digest (noise is never included)."""

from __future__ import annotations

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
    register_section,
)
from crm.extensions import db
from crm.monitoring.models import TERM_GROUPS, Article, ArticleSource, Feed, Mention, WatchTerm


def _titles() -> dict[str, str]:
    return {"party": _("The party"), "politician": _("Our politicians"),
            "issue": _("Our issues"), "competitor": _("Competitors")}


def _window(query, start, end):
    return query.where(Mention.created_at >= start, Mention.created_at < end,
                       Mention.status != "noise")


def _item(mention: Mention) -> DigestItem:
    article = mention.article
    outlets = list(dict.fromkeys(
        (s.feed.organisation.name if s.feed.organisation else s.feed.name)
        for s in article.sources))
    byline = article.author_contact.name if article.author_contact else article.author
    _before, hit, _after = mention.snippet_parts
    return DigestItem(
        title=article.title or _("(no title)"),
        url=url_for("monitoring.article", article_id=article.id, _external=True),
        snippet=mention.snippet, meta=" · ".join(x for x in [*outlets[:3], byline] if x),
        highlight=[hit] if hit else [])


@register_section
def mentions_section(context: DigestContext) -> list[DigestSection]:
    """New mentions since the reader's previous digest, by group, one item per article."""
    groups = []
    for group in [g for g in TERM_GROUPS if g in context.groups]:
        base = db.select(Mention).join(Mention.term).where(WatchTerm.group == group)
        mentions = db.session.scalars(
            _window(base, context.since, context.until)
            .options(selectinload(Mention.article).selectinload(Article.sources)
                     .selectinload(ArticleSource.feed).selectinload(Feed.organisation))
            .order_by(Mention.sort_at.desc(), Mention.id.desc())).all()
        seen, items = set(), []
        for mention in mentions:
            if mention.article_id not in seen:
                seen.add(mention.article_id)
                items.append(mention)
        previous = db.session.scalar(_window(
            db.select(func.count(func.distinct(Mention.article_id))).join(Mention.term)
            .where(WatchTerm.group == group), context.previous_since, context.since))
        if items or previous:
            groups.append(DigestGroup(group, _titles()[group],
                                      [_item(m) for m in capped(items)], len(items),
                                      previous_total=previous or 0))
    return [DigestSection("mentions", _("In the news"), groups, order=10)] if groups else []
