"""`crm demo-data` also fills Press releases, Mentions and Coverage: releases in every status
(four eyes kept, nothing emailed), the outlets' real feeds switched off, and a fortnight of
synthetic news stored through the real dedupe and matching."""

from __future__ import annotations

import random
import smtplib
import socket
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape

from crm.auth.models import User
from crm.contacts.models import Contact, Organisation
from crm.demo import data
from crm.demo.cast import Cast, Person
from crm.demo.news import FEEDS, Watched, plan_news
from crm.digest.services import digest_context
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.monitoring.mentions import TermData, save_term
from crm.monitoring.models import Article, ArticleSource, Feed, Mention, WatchTerm
from crm.monitoring.services import FeedData, create_feed, due_feeds
from crm.releases import distribution as distribution_service
from crm.releases.models import (
    STATUSES,
    Distribution,
    DistributionRecipient,
    Release,
    ReleaseTemplate,
)
from crm.timeutil import local_today, to_local, utcnow


def count(model, *where) -> int:
    query = db.select(db.func.count()).select_from(model)
    return db.session.scalar(query.where(*where) if where else query)


def load(runner, *args) -> str:
    result = runner.invoke(args=["demo-data", *args])
    assert result.exit_code == 0, result.output
    return result.output


# The shared, read-only demo of this module (see conftest.py): the default, as ./scripts/run
# loads it.
DEMO: list[str] = []


def mentions_of(*where) -> list[Mention]:
    return db.session.scalars(db.select(Mention).join(Mention.term).join(Mention.article)
                              .where(*where).order_by(Mention.id)).all()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


# Press releases -----------------------------------------------------------------------------

def test_releases_in_every_status_approved_by_a_second_person(demo):
    releases = db.session.scalars(db.select(Release).order_by(Release.id)).all()
    assert {r.status for r in releases} == set(STATUSES)
    staff = {u.id for u in db.session.scalars(db.select(User).where(
        User.email.in_([email for _name, email in data.DEMO_STAFF])))}
    for release in releases:
        assert release.created_by_id in staff and release.updated_by_id in staff
        assert release.spokesperson_id is not None, release.title
        assert release.template is not None and release.template.is_default
        assert release.template.language == ("nb" if release.language == "nn"
                                              else release.language)
        assert release.versions, release.title
        if release.approved_by_id is not None:  # approved, published, withdrawn
            assert release.approved_by_id in staff
            assert release.approved_by_id != release.updated_by_id, "four eyes"
    approved = {r.status for r in releases if r.approved_by_id}
    assert approved == {"approved", "published", "withdrawn"}
    assert {"nb", "nn", "en"} <= {r.language for r in releases}
    assert count(ReleaseTemplate) == 2  # the built-in bokmål and English templates
    quoted = [q.contact for r in releases for q in r.quotes]
    assert quoted and all(c.kind == "politician" for c in quoted)
    assert all(c.organisation.name == data.GOVERNMENT_PARTY for c in quoted)
    assert any(len(r.versions) == 2 for r in releases), "an edited draft has two versions"


def test_one_approved_release_has_an_embargo_later_today(demo):
    release = db.session.scalars(db.select(Release).where(Release.status == "approved")).one()
    now = utcnow()
    assert release.embargo_until > now
    assert to_local(release.embargo_until).date() == local_today()
    assert release.approved_at < now
    assert not release.distributions, "nothing is scheduled to go out at the embargo"


def test_published_releases_went_to_media_lists_in_recent_weeks(demo):
    now = utcnow()
    published = db.session.scalars(db.select(Release).where(
        Release.status == "published")).all()
    assert len(published) >= 3
    for release in published:
        assert now - timedelta(days=30) < release.published_at < now
        assert release.approved_at <= release.published_at
        (sent,) = release.distributions
        assert sent.status == "done" and sent.media_list_names
        assert sent.finished_at < now
        states = {r.status for r in sent.recipients}
        assert states <= {"sent", "skipped"} and "sent" in states
        assert all(r.sent_at < now for r in sent.recipients if r.status == "sent")
        assert all(r.reason for r in sent.recipients if r.status == "skipped")
    withdrawn = db.session.scalars(db.select(Release).where(
        Release.status == "withdrawn")).one()
    assert withdrawn.withdrawn_at < now


@pytest.mark.slow
def test_loading_the_demo_sends_no_email_and_leaves_nothing_to_send(app, make_app,
                                                                    monkeypatch):
    connections = []

    class NoSmtp:
        def __init__(self, *args, **kwargs):
            connections.append(args)
            raise AssertionError("the demo must not talk to a mail server")

    monkeypatch.setattr(distribution_service, "SmtpSender", NoSmtp)
    monkeypatch.setattr(smtplib, "SMTP", NoSmtp)
    monkeypatch.setattr(smtplib, "SMTP_SSL", NoSmtp)
    offline = make_app(CRM_SMTP_URL=f"smtp://127.0.0.1:{closed_port()}")
    with offline.app_context():
        load(offline.test_cli_runner())
        assert connections == []
        assert count(DistributionRecipient, DistributionRecipient.status.in_(
            ("pending", "sending", "failed", "unknown"))) == 0
        assert count(Distribution, Distribution.status != "done") == 0
        # Nothing becomes due later either, not even when the embargo lifts tomorrow.
        assert distribution_service.due_distributions(utcnow() + timedelta(days=2)) == []
        assert str(distribution_service.send_due_distributions()).startswith("0 distributions")
        assert count(DistributionRecipient, DistributionRecipient.interaction_id.is_not(
            None)) == 0, "no interaction claims an email went out"
        assert count(Interaction) > 0
        db.session.remove()


# Monitoring ---------------------------------------------------------------------------------

def test_feeds_are_the_outlets_real_feeds_switched_off(demo):
    feeds = db.session.scalars(db.select(Feed).order_by(Feed.id)).all()
    assert {f.url for f in feeds} == {spec.url for spec in FEEDS}
    assert "https://www.nrk.no/toppsaker.rss" in {f.url for f in feeds}
    assert not any(f.active for f in feeds)
    assert all("demo" in f.name for f in feeds)
    assert all(f.organisation is not None and f.organisation.kind == "outlet" for f in feeds)
    assert due_feeds(utcnow() + timedelta(days=1)) == [], "the scheduler polls none of them"


def test_watch_terms_cover_the_party_in_both_written_forms_and_its_rivals(demo):
    terms = {t.term: t for t in db.session.scalars(db.select(WatchTerm))}
    assert {"Arbeidarpartiet", "Ap"} <= set(terms["Arbeiderpartiet"].forms)
    assert terms["Høyre"].case_mode == "sensitive" and "Høgre" in terms["Høyre"].forms
    assert "FrP" in terms["Fremskrittspartiet"].forms and "Sp" in terms["Senterpartiet"].forms
    assert {"sykehus", "strømpris", "bompenger", "eldreomsorg", "skatt"} <= set(terms)
    politicians = [t for t in terms.values() if t.group == "politician"]
    assert len(politicians) >= 3
    for term in politicians:
        assert term.contact is not None and term.contact.name == term.term
        assert term.contact.organisation.name == data.GOVERNMENT_PARTY


def test_mentions_in_every_group_some_noise_some_read(demo):
    groups = {term.group for term in db.session.scalars(
        db.select(WatchTerm).join(Mention, Mention.term_id == WatchTerm.id)
        .where(Mention.status != "noise"))}
    assert groups == {"party", "politician", "issue", "competitor"}
    # Ordinary-word hits ("Høyre hånd") are excluded by the matcher itself now; whatever is
    # still marked as noise is one of the ordinary-word parties.
    noise = mentions_of(Mention.status == "noise")
    assert all(m.term.term in ("Høyre", "Rødt") for m in noise)
    assert count(Mention, Mention.status == "relevant") > 0
    assert 0 < count(Mention, Mention.is_read.is_(True)) < count(Mention)
    assert mentions_of(Mention.place == "title") and mentions_of(Mention.place == "summary")
    nynorsk = mentions_of(Article.title.contains("Arbeidarpartiet"),
                          WatchTerm.term == "Arbeiderpartiet")
    assert nynorsk, "the nynorsk form counts for the party"
    # About 200 stories; syndicated NTB copies are one article with several sources now.
    assert count(Article) >= 150
    oldest = db.session.scalar(db.select(db.func.min(Article.sort_at)))
    assert utcnow() - timedelta(days=15) < oldest


def test_the_traps_are_left_alone(demo):
    """"Høyre side", "AP-foto" and "til høyre" in the news are no mentions of anyone."""
    for words, term in (("Høyre side", "Høyre"), ("AP-foto", "Arbeiderpartiet"),
                        ("til høyre", "Høyre"), ("Rødt lys", "Rødt")):
        articles = db.session.scalars(db.select(Article).where(
            Article.title.contains(words) | Article.summary.contains(words))).all()
        assert articles, words
        for article in articles:
            assert term not in {m.term.term for m in article.mentions}, (words, article.title)


def test_html_summaries_are_cleaned_and_still_matched(demo):
    marked_up = db.session.scalars(db.select(Article).where(
        Article.summary_html.contains("<p>"))).all()
    assert marked_up
    for article in marked_up:
        assert "<" not in article.summary and "&nbsp;" not in article.summary
        assert "<script" not in article.summary_html


def test_an_ntb_story_in_several_regional_papers_is_one_article(demo):
    articles = db.session.scalars(db.select(Article).where(
        Article.author.contains("NTB"))).all()
    syndicated = [a for a in articles if len(a.sources) > 1]
    assert syndicated
    for article in syndicated:
        outlets = {s.feed.organisation.name for s in article.sources}
        assert len(outlets) == len(article.sources) > 1
        assert count(Article, Article.title == article.title,
                     Article.published_at == article.published_at) == 1
        assert len({s.link for s in article.sources}) == len(article.sources)


def test_bylines_link_articles_to_the_demo_journalists_of_that_outlet(demo):
    linked = db.session.scalars(db.select(Article).where(
        Article.author_contact_id.is_not(None))).all()
    assert len(linked) > count(Article) / 2
    for article in linked[:50]:
        journalist = article.author_contact
        assert journalist.kind == "journalist"
        assert journalist.name in article.author
        outlets = {s.feed.organisation_id for s in article.sources}
        assert journalist.organisation_id in outlets or "NTB" in article.author


# The pages ----------------------------------------------------------------------------------

def test_the_mentions_coverage_releases_and_digest_pages_show_the_demo(demo, demo_viewer):
    newest = db.session.scalars(db.select(Mention).where(Mention.status != "noise")
                                .order_by(Mention.sort_at.desc(), Mention.id.desc())).first()
    page = demo_viewer.get("/monitoring/")
    assert page.status_code == 200
    assert str(escape(newest.article.title)) in page.get_data(as_text=True)

    page = demo_viewer.get("/monitoring/coverage")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    top_outlet = db.session.scalar(
        db.select(Organisation.name).join(Feed, Feed.organisation_id == Organisation.id)
        .join(ArticleSource, ArticleSource.feed_id == Feed.id)
        .group_by(Organisation.id, Organisation.name)
        .order_by(db.func.count().desc(), Organisation.name).limit(1))
    assert str(escape(top_outlet)) in text and "Høyre" in text
    journalist = db.session.scalar(db.select(Contact.name).join(
        Article, Article.author_contact_id == Contact.id).limit(1))
    assert journalist is not None

    page = demo_viewer.get("/releases/")
    assert page.status_code == 200
    embargoed = db.session.scalars(db.select(Release).where(Release.status == "approved")).one()
    assert str(escape(embargoed.title)) in page.get_data(as_text=True)

    digest = demo_viewer.get("/digest/preview/email.html").get_data(as_text=True)
    assert str(escape(embargoed.title)) in digest, "the embargo lifts today"
    viewer = db.session.scalars(db.select(User).where(User.role == "viewer")).one()
    window = digest_context(viewer, local_today(), utcnow())
    new = mentions_of(Mention.status != "noise", Mention.created_at >= window.since)
    assert new, "news since the previous morning digest"
    assert any(str(escape(m.article.title)) in digest for m in new)


def test_a_release_and_its_distribution_pages_render(demo, demo_viewer):
    published = db.session.scalars(db.select(Release).where(
        Release.status == "published").order_by(Release.id)).first()
    page = demo_viewer.get(f"/releases/{published.id}")
    assert page.status_code == 200
    assert str(escape(published.title)) in page.get_data(as_text=True)
    (sent,) = published.distributions
    page = demo_viewer.get(f"/releases/distributions/{sent.id}")
    assert page.status_code == 200


# Sizes and repeats --------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("contacts", ["1", "7"])
def test_a_tiny_register_still_gets_releases_and_news(app, runner, contacts):
    load(runner, "--contacts", contacts)
    assert {r.status for r in db.session.scalars(db.select(Release))} == set(STATUSES)
    # About 200 stories; syndicated NTB copies are one article with several sources now.
    assert count(Article) >= 150 and count(Mention) > 0
    assert count(Feed, Feed.active.is_(True)) == 0


@pytest.mark.slow
def test_a_second_run_adds_no_second_set_of_releases_feeds_or_news(app, runner):
    load(runner, "--contacts", "30")
    before = [count(m) for m in (Release, Feed, Article, ArticleSource)]
    terms = set(db.session.scalars(db.select(WatchTerm.term)))
    output = load(runner, "--contacts", "30", "--seed", "8")
    assert [count(m) for m in (Release, Feed, Article, ArticleSource)] == before
    assert terms <= set(db.session.scalars(db.select(WatchTerm.term))), "kept, not doubled"
    assert "0 press releases" in output and "0 articles" in output


@pytest.mark.slow
def test_terms_and_feeds_staff_made_are_kept_as_they_are(app, runner):
    mine, _ = save_term(None, TermData("Høyre", "competitor", case_mode="insensitive",
                                       exclusions="<script>alert(1)</script>"))
    feed, _ = create_feed(FeedData("https://www.nrk.no/toppsaker.rss", "Mitt NRK 😀",
                                   active=True), fetch_now=False)
    load(runner, "--contacts", "40")
    assert count(WatchTerm, WatchTerm.term == "Høyre") == 1
    assert (mine.case_mode, mine.exclusions) == ("insensitive", "<script>alert(1)</script>")
    assert count(Feed, Feed.url == feed.url) == 1
    assert (feed.name, feed.active) == ("Mitt NRK 😀", True)
    assert count(Feed, Feed.active.is_(True)) == 1, "only the one staff switched on"


def test_the_command_prints_the_new_counts(demo):
    assert "press releases" in demo and "news entries" in demo
    for what in ("press releases", "watch terms", "feeds (inactive)", "articles", "mentions"):
        assert f" {what}" in demo.splitlines()[-1], what


def test_the_same_seed_plans_the_same_news():
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    zone = ZoneInfo("Europe/Oslo")
    leader = Person(1, "Kari Nordmann", "Statsminister", "Statsminister", "Oslo")
    cast = Cast(leader=leader, journalists={"NRK": [Person(2, "Ola Åsheim")]})
    watched = Watched(leader=leader)

    def titles(seed):
        return [(s.title, s.published, [c.link for c in s.copies])
                for s in plan_news(random.Random(seed), now, zone, cast, watched)]

    first = titles(1)
    assert first == titles(1)
    assert first != titles(2)
    stories = plan_news(random.Random(1), now, zone, cast, watched)
    assert all(now - timedelta(days=15) < s.published < now for s in stories)
    assert sum(1 for s in stories if now - s.published < timedelta(hours=15)) >= 8
    assert any("Kari Nordmann" in s.title for s in stories)
