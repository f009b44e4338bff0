"""What monitoring holds about a contact, for the privacy export and erasure.

A journalist's bylines (articles linked to them) and watch terms linked to a politician.
Erasure unlinks both (Core statements, so no audit entry copies the data); the articles stay,
as published text, without the link to the person in the register.
"""

from __future__ import annotations

from sqlalchemy import update

from crm.extensions import db
from crm.monitoring.models import Article, WatchTerm


def export_monitoring(contact) -> dict:
    articles = db.session.scalars(db.select(Article).where(
        Article.author_contact_id == contact.id).order_by(Article.sort_at)).all()
    terms = db.session.scalars(db.select(WatchTerm).where(
        WatchTerm.contact_id == contact.id).order_by(WatchTerm.term)).all()
    return {
        "articles_by_byline": [{"title": a.title, "link": a.link, "byline": a.author,
                                "published": (a.published_at or a.seen_at).isoformat()}
                               for a in articles],
        "watch_terms": [{"term": t.term, "group": t.group, "other_forms": t.forms[1:]}
                        for t in terms],
    }


def erase_monitoring(contact) -> None:
    db.session.execute(update(Article).where(Article.author_contact_id == contact.id)
                       .values(author_contact_id=None))
    db.session.execute(update(WatchTerm).where(WatchTerm.contact_id == contact.id)
                       .values(contact_id=None))

