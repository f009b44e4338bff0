"""Monitoring in the morning digest and in the privacy export and erasure."""

from __future__ import annotations

from datetime import timedelta

from crm.digest.content import DigestContext
from crm.extensions import db
from crm.monitoring import mentions
from crm.monitoring.digest import mentions_section
from crm.monitoring.models import Article, Mention, WatchTerm
from crm.monitoring.parse import ParsedEntry
from crm.monitoring.privacy import erase_monitoring, export_monitoring
from crm.timeutil import local_today, utcnow
from tests import factories as make


def _feed(outlet=None):
    return make.feed("https://www.nrk.no/rss", "NRK", outlet)


def test_digest_lists_new_mentions_by_group_without_noise(app, users):
    make.watch_term("Ap")
    make.watch_term("Høyre", group="competitor", case_mode="sensitive")
    feed = _feed(make.outlet("NRK"))
    make.articles(feed, "Ap og Høyre enige", "Ap igjen", "Ap støy")
    noise = db.session.scalars(db.select(Mention).join(Mention.article).where(
        Article.title == "Ap støy")).one()
    mentions.set_status(noise, "noise")
    now = utcnow()
    ctx = DigestContext(users["editor"], local_today(), now - timedelta(hours=1),
                        now + timedelta(seconds=1), ["party", "competitor"],
                        now - timedelta(hours=2))
    with app.test_request_context():
        (section,) = mentions_section(ctx)
    groups = {g.key: g for g in section.groups}
    assert groups["party"].total == 2 and groups["competitor"].total == 1
    titles = [i.title for i in groups["party"].items]
    assert "Ap støy" not in titles and set(titles) == {"Ap og Høyre enige", "Ap igjen"}
    item = groups["party"].items[0]
    assert item.highlight == ["Ap"] and "NRK" in item.meta and "/monitoring/articles/" in item.url
    ctx.groups = ["issue"]
    with app.test_request_context():
        assert mentions_section(ctx) == []


def test_privacy_export_and_erasure_unlink_bylines_and_terms(app):
    kari = make.contact("Kari Nordmann", org=make.outlet("NRK"))
    store = make.contact("Jonas Gahr Støre", kind="politician")
    make.watch_term("Støre", group="politician", contact_id=store.id)
    feed = _feed(db.session.get(type(kari), kari.id).organisation)
    make.articles(feed, "Støre om skatt", author="Kari Nordmann")
    exported = export_monitoring(kari)
    assert exported["articles_by_byline"][0]["title"] == "Støre om skatt"
    assert export_monitoring(store)["watch_terms"][0]["term"] == "Støre"
    erase_monitoring(kari)
    erase_monitoring(store)
    db.session.commit()
    assert db.session.scalars(db.select(Article)).one().author_contact_id is None
    assert db.session.scalars(db.select(WatchTerm)).one().contact_id is None


def test_digest_puts_title_hits_and_more_terms_first_and_counts_outlets(app, users):
    make.watch_term("Ap")
    make.watch_term("Høyre", group="competitor", case_mode="sensitive")
    feed = _feed(make.outlet("NRK"))
    entries = [
        ParsedEntry("urn:1", "", "Tittel med Ap", "", "", "", None),
        ParsedEntry("urn:2", "", "Ap og Høyre enige", "", "", "", None),
        ParsedEntry("urn:3", "", "Budsjettet", "", "Ap nevnt bare i ingressen", "", None),
    ]
    make.articles(feed, entries)
    now = utcnow()
    ctx = DigestContext(users["editor"], local_today(), now - timedelta(hours=1),
                        now + timedelta(seconds=1), ["party"], now - timedelta(hours=2))
    with app.test_request_context():
        (section,) = mentions_section(ctx)
    (party,) = section.groups
    assert [i.title for i in party.items] == ["Ap og Høyre enige", "Tittel med Ap",
                                              "Budsjettet"]
    assert party.breakdown == [("NRK", 3)]
