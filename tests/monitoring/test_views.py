"""The monitoring pages: feeds, watch terms, mentions, articles, contact pages, roles."""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta

import pytest

from crm.extensions import db
from crm.monitoring import checks, services
from crm.monitoring.models import Feed, Mention, WatchTerm
from crm.timeutil import utcnow
from tests import factories as make
from tests.monitoring.feedserver import Reply, rss

HOSTILE = {
    "title": "Ap &lt;script&gt;alert('title')&lt;/script&gt; i Stortinget",
    "guid": "urn:hostile:1", "link": "javascript:alert('link')",
    "description": "&lt;p&gt;Ap vil&lt;/p&gt;&lt;script&gt;alert('summary')&lt;/script&gt;"
                   "&lt;img src=x onerror=alert('img')&gt;&lt;a href=\"javascript:alert(1)\"&gt;"
                   "klikk&lt;/a&gt;&lt;iframe src=\"https://evil.example\"&gt;&lt;/iframe&gt;",
    "author": "&lt;b onmouseover=alert('by')&gt;Kari&lt;/b&gt;",
}


@pytest.fixture
def polled(app, feed_server):
    """An outlet with a journalist, a politician with a term, and one polled feed."""
    nrk = make.outlet("NRK")
    kari = make.contact("Kari Nordmann", org=nrk)
    store = make.contact("Jonas Gahr Støre", kind="politician")
    make.watch_term("Støre", group="politician", contact_id=store.id)
    make.watch_term("Ap", group="party")
    make.watch_term("Høyre", group="competitor", case_mode="sensitive")
    items = [
        {"title": "Støre møter Høyre", "guid": "https://www.nrk.no/1",
         "link": "https://www.nrk.no/1", "author": "Kari Nordmann",
         "description": "Statsministeren Støre &amp; Ap la fram planen."},
        HOSTILE,
    ]
    feed = make.feed(feed_server.add("/nrk.xml", rss(items, title="NRK")), "NRK Politikk", nrk)
    services.poll_feeds([feed])
    return {"nrk": nrk, "kari": kari, "store": store, "feed": db.session.get(Feed, feed.id)}


def test_pages_render_for_a_viewer(as_viewer, polled):
    for url in ("/monitoring/", "/monitoring/feeds", "/monitoring/terms", "/monitoring/coverage",
                f"/monitoring/feeds/{polled['feed'].id}", "/monitoring/feeds/opml"):
        assert as_viewer.get(url).status_code == 200, url
    page = as_viewer.get("/monitoring/").get_data(as_text=True)
    assert "Mentions" in page and "Coverage" in page and "Watch terms" in page


def test_viewers_cannot_change_anything(as_viewer, polled, feed_server):
    mention = db.session.scalars(db.select(Mention)).first()
    term = db.session.scalars(db.select(WatchTerm)).first()
    feed_id = polled["feed"].id
    for url, data in [
        ("/monitoring/feeds/new", {"url": feed_server.url("/nrk.xml")}),
        (f"/monitoring/feeds/{feed_id}/edit", {"url": "https://x/", "interval_minutes": 15}),
        (f"/monitoring/feeds/{feed_id}/delete", {}),
        (f"/monitoring/feeds/{feed_id}/poll", {}),
        ("/monitoring/feeds/import", {}),
        ("/monitoring/terms/new", {"term": "SV"}),
        (f"/monitoring/terms/{term.id}/edit", {"term": "x"}),
        (f"/monitoring/terms/{term.id}/delete", {}),
        (f"/monitoring/mentions/{mention.id}/status", {"status": "noise"}),
        (f"/monitoring/mentions/{mention.id}/read", {"read": "1"}),
        ("/monitoring/mentions/read-all", {}),
    ]:
        assert as_viewer.post(url, data=data).status_code == 403, url
    assert as_viewer.get("/monitoring/feeds/new").status_code == 403
    assert db.session.get(Mention, mention.id).status == "unset"


def test_hostile_feed_html_never_reaches_the_page_as_markup(as_viewer, polled):
    article_id = db.session.scalars(db.select(Mention.article_id).join(Mention.article).where(
        Mention.snippet.contains("Stortinget"))).first()
    pages = [as_viewer.get(url).get_data(as_text=True) for url in (
        "/monitoring/", f"/monitoring/articles/{article_id}",
        f"/monitoring/feeds/{polled['feed'].id}", "/monitoring/?status=all")]
    for page in pages:
        assert "<script>alert" not in page
        assert "onerror" not in page and "onmouseover" not in page
        assert "javascript:" not in page
        assert "<iframe" not in page
    article_page = pages[1]
    assert "&lt;script&gt;alert(&#39;title&#39;)" in article_page  # shown as text
    assert "Ap vil" in article_page


def test_mentions_page_shows_highlighted_escaped_snippets_newest_first(as_viewer, polled):
    page = as_viewer.get("/monitoring/").get_data(as_text=True)
    assert "<mark>Støre</mark>" in page and "<mark>Ap</mark>" in page
    assert "Statsministeren <mark>Støre</mark> &amp; Ap la fram" in page or \
        "<mark>Støre</mark> møter Høyre" in page
    assert 'href="https://www.nrk.no/1"' in page
    assert "Kari Nordmann" in page


def test_mentions_page_has_one_row_per_article_with_all_its_terms(as_viewer, polled):
    page = as_viewer.get("/monitoring/").get_data(as_text=True)
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    assert body.count("<tr ") == 2  # two articles, four mentions
    assert "2 articles, 4 mentions" in page
    first = body[body.index("Støre møter Høyre"):]
    first = first[:first.index("</tr>")]
    assert all(f">{term}</a>" in first for term in ("Støre", "Ap", "Høyre"))
    competitor = as_viewer.get("/monitoring/?group=competitor").get_data(as_text=True)
    assert "1 article, 1 mention" in competitor


def test_reading_is_per_article_and_relevance_per_mention(as_editor, polled):
    article = db.session.scalar(db.select(Mention).join(Mention.term)
                                .where(WatchTerm.term == "Støre")).article
    response = as_editor.post(f"/monitoring/articles/{article.id}/read",
                              data={"read": "1", "next": "/monitoring/?read=unread"})
    assert response.status_code == 302
    assert all(m.is_read for m in db.session.scalars(
        db.select(Mention).where(Mention.article_id == article.id)))
    assert "Støre møter Høyre" not in as_editor.get(
        "/monitoring/?read=unread").get_data(as_text=True)
    as_editor.post(f"/monitoring/articles/{article.id}/read", data={"read": "0"})
    assert not any(m.is_read for m in db.session.scalars(
        db.select(Mention).where(Mention.article_id == article.id)))
    assert as_editor.post("/monitoring/articles/99999/read").status_code == 404


def test_an_unknown_byline_is_added_to_the_register_from_the_article(as_editor, polled,
                                                                     feed_server):
    from crm.contacts.models import Contact
    from crm.monitoring.models import Article

    item = {"title": "Ap vil kutte", "guid": "https://www.nrk.no/2", "link": "https://www.nrk.no/2",
            "author": "Per Hansen og Åse Ødegård", "description": "Ap la fram planen i dag."}
    feed = make.feed(feed_server.add("/nrk2.xml", rss([item])), "NRK 2", polled["nrk"])
    services.poll_feeds([feed])
    article = db.session.scalar(db.select(Article).where(Article.title == "Ap vil kutte"))
    page = as_editor.get(f"/monitoring/articles/{article.id}").get_data(as_text=True)
    assert "Add Per Hansen" in page and "Add Åse Ødegård" in page
    url = f"/monitoring/articles/{article.id}/byline"
    form = as_editor.get(url + "?name=Åse Ødegård").get_data(as_text=True)
    assert 'value="Åse Ødegård"' in form and "Ap vil kutte" in form  # name; the data source
    response = as_editor.post(url, data={
        "kind": "journalist", "name": "Åse Ødegård", "organisation_id": polled["nrk"].id,
        "lawful_basis": "legitimate_interest", "preferred_language": "nb",
        "data_source": "Byline of the article “Ap vil kutte”"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    contact = db.session.scalar(db.select(Contact).where(Contact.name == "Åse Ødegård"))
    assert contact.organisation_id == polled["nrk"].id and "Ap vil kutte" in contact.data_source
    article = db.session.get(Article, article.id)
    assert article.author_contact_id == contact.id and not article.author_guess
    assert "Add Per Hansen" not in as_editor.get(
        f"/monitoring/articles/{article.id}").get_data(as_text=True)
    assert as_editor.get(f"/monitoring/articles/{polled['feed'].id + 999}/byline"
                         ).status_code == 404


def test_viewers_cannot_add_bylines(as_viewer, polled):
    from crm.monitoring.models import Article
    article = db.session.scalars(db.select(Article)).first()
    assert as_viewer.get(f"/monitoring/articles/{article.id}/byline").status_code == 403
    assert as_viewer.post(f"/monitoring/articles/{article.id}/read").status_code == 403


def test_mentions_filters(as_viewer, polled):
    store_term = db.session.scalar(db.select(WatchTerm).where(WatchTerm.term == "Støre"))
    by_term = as_viewer.get(f"/monitoring/?term={store_term.id}").get_data(as_text=True)
    assert "<mark>Støre</mark>" in by_term and "<mark>Ap</mark>" not in by_term
    by_group = as_viewer.get("/monitoring/?group=competitor").get_data(as_text=True)
    assert "<mark>Høyre</mark>" in by_group and "<mark>Støre</mark>" not in by_group
    other = make.outlet("VG")
    assert "No mentions match" in as_viewer.get(
        f"/monitoring/?outlet={other.id}").get_data(as_text=True)
    assert "<mark>" in as_viewer.get(
        f"/monitoring/?outlet={polled['nrk'].id}").get_data(as_text=True)
    assert "No mentions match" in as_viewer.get(
        "/monitoring/?from=2000-01-01&to=2000-01-02").get_data(as_text=True)
    assert "No mentions match" in as_viewer.get("/monitoring/?read=read").get_data(as_text=True)
    for junk in ("?term=abc", "?from=31.12.2026", "?outlet=-1", "?page=999",
                 "?group=<script>", "?status=' OR 1=1 --"):
        assert as_viewer.get("/monitoring/" + junk).status_code == 200, junk


def test_marking_relevant_noise_and_read(as_editor, polled):
    mention = db.session.scalars(db.select(Mention)).first()
    response = as_editor.post(f"/monitoring/mentions/{mention.id}/status",
                              data={"status": "noise", "next": "/monitoring/?read=unread"})
    assert response.status_code == 302 and response.location.endswith("/monitoring/?read=unread")
    mention = db.session.get(Mention, mention.id)
    assert mention.status == "noise" and mention.is_read
    page = as_editor.get("/monitoring/").get_data(as_text=True)  # noise hidden by default
    assert f"/mentions/{mention.id}/status" not in page
    assert as_editor.post(f"/monitoring/mentions/{mention.id}/status",
                          data={"status": "bogus"}).status_code == 400
    assert as_editor.post("/monitoring/mentions/99999/status",
                          data={"status": "noise"}).status_code == 404
    evil = as_editor.post(f"/monitoring/mentions/{mention.id}/read",
                          data={"read": "0", "next": "https://evil.example/"})
    assert evil.location.endswith("/monitoring/")
    assert not db.session.get(Mention, mention.id).is_read
    as_editor.post("/monitoring/mentions/read-all", data={"status": "all"})
    assert all(m.is_read for m in db.session.scalars(db.select(Mention)))


def test_adding_a_feed_saves_it_at_once_and_shows_what_the_background_check_found(
        as_editor, app, feed_server):
    make.watch_term("Ap")
    url = feed_server.add("/vg.xml", rss([{"title": "Ap vinner", "guid": "urn:vg:1"}],
                                         title="VG Nyheter"))
    response = as_editor.post("/monitoring/feeds/new", data={
        "url": url, "name": "", "organisation_id": 0, "interval_minutes": 15, "active": "y"})
    assert response.status_code == 302
    feed_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert checks.wait_idle()
    page = as_editor.get(f"/monitoring/feeds/{feed_id}").get_data(as_text=True)
    assert "Entries found: 1. New articles: 1. New mentions: 1." in page
    assert "VG Nyheter" in page and "Ap vinner" in page and "Checking the feed" not in page
    assert as_editor.get(f"/monitoring/feeds/{feed_id}/status").get_json() == {
        "checking": False}


def test_a_feed_that_cannot_be_read_is_saved_and_its_page_says_why(as_editor, feed_server):
    url = feed_server.add("/html", Reply(b"<html><p>hei</p></html>", content_type="text/html"))
    response = as_editor.post("/monitoring/feeds/new", data={
        "url": url, "organisation_id": 0, "interval_minutes": 15})
    assert response.status_code == 302
    assert checks.wait_idle()
    feed = db.session.scalar(db.select(Feed))
    page = as_editor.get(f"/monitoring/feeds/{feed.id}").get_data(as_text=True)
    assert "The feed was read with an error: This is not an RSS or Atom feed." in page
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "<script>", "ftp://x/"):
        page = as_editor.post("/monitoring/feeds/new", data={
            "url": bad, "organisation_id": 0, "interval_minutes": 15}).get_data(as_text=True)
        assert "<script>" not in page.split("<main>")[1] and 'class="error"' in page
    page = as_editor.post("/monitoring/feeds/new", data={
        "url": url + "?other", "organisation_id": 12345, "interval_minutes": 15}
    ).get_data(as_text=True)
    assert 'class="error"' in page
    assert db.session.scalar(db.select(db.func.count(Feed.id))) == 1


def test_a_local_address_is_refused_in_the_form_with_the_default_settings(as_editor, app):
    app.config["CRM_FEED_ALLOW_NETWORKS"] = ()
    for url in ("http://127.0.0.1:5432/", "http://[::1]:6379/", "http://127.1/",
                "http://2130706433/", "http://0x7f000001/", "http://169.254.169.254/",
                "http://10.0.0.1/rss", "http://localhost:8080/"):
        page = as_editor.post("/monitoring/feeds/new", data={
            "url": url, "organisation_id": 0, "interval_minutes": 15}).get_data(as_text=True)
        assert "only fetched from the public internet" in page, url
    assert db.session.scalar(db.select(db.func.count(Feed.id))) == 0


def test_a_slow_feed_is_added_within_a_few_seconds_and_read_in_the_background(
        as_editor, feed_server):
    release = threading.Event()

    def slow(handler):
        release.wait(10)
        handler.send_reply(Reply(rss([{"title": "Sakte sak", "guid": "urn:slow:1"}])))

    url = feed_server.add("/slow.xml", slow)
    started = time.monotonic()
    response = as_editor.post("/monitoring/feeds/new", data={
        "url": url, "name": "Treg avis", "organisation_id": 0, "interval_minutes": 15})
    answered_in = time.monotonic() - started
    assert response.status_code == 302 and not release.is_set()
    feed_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = as_editor.get(f"/monitoring/feeds/{feed_id}").get_data(as_text=True)
    assert "Checking the feed…" in page and "feed-status.js" in page
    assert as_editor.get(f"/monitoring/feeds/{feed_id}/status").get_json() == {
        "checking": True}
    release.set()
    assert checks.wait_idle()
    page = as_editor.get(f"/monitoring/feeds/{feed_id}").get_data(as_text=True)
    assert "Checking the feed…" not in page and "Entries found: 1." in page
    assert answered_in < 10  # the request did not wait for the server (it held 10 s)


def test_the_feeds_list_shows_checking_while_a_check_runs_then_the_health(
        as_editor, feed_server):
    release = threading.Event()

    def slow(handler):
        release.wait(10)
        handler.send_reply(Reply(rss([{"title": "Sakte sak", "guid": "urn:slow:1"}])))

    make.feed(feed_server.add("/quiet.xml", rss([])), "Stille avis")
    response = as_editor.post("/monitoring/feeds/new", data={
        "url": feed_server.add("/slow.xml", slow), "name": "Treg avis <b>æøå</b>",
        "organisation_id": 0, "interval_minutes": 15, "active": "y"})
    feed_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = as_editor.get("/monitoring/feeds").get_data(as_text=True)
    row = page.split("Treg avis &lt;b&gt;æøå&lt;/b&gt;")[1].split("</tr>")[0]
    assert "checking…" in row and f'data-feed-status="/monitoring/feeds/{feed_id}/status"' in row
    assert page.count("checking…") == 1 and "feed-status.js" in page  # the other feed is idle
    release.set()
    assert checks.wait_idle()
    page = as_editor.get("/monitoring/feeds").get_data(as_text=True)
    assert "checking…" not in page and "feed-status.js" not in page
    row = page.split("Treg avis &lt;b&gt;æøå&lt;/b&gt;")[1].split("</tr>")[0]
    assert '<span class="badge ok">' in row


def test_a_new_url_is_read_in_the_background_like_a_new_feed(as_editor, feed_server):
    make.watch_term("Høyre", case_mode="sensitive")
    feed = make.feed(feed_server.add("/old.xml", rss([{"title": "Gammel sak",
                                                       "guid": "urn:old:1"}])), "Avisa")
    services.poll_feeds([feed])
    new_url = feed_server.add("/new.xml", rss([{"title": "Høyre vinner i Tromsø",
                                                "guid": "urn:new:1"}]))
    form = {"url": new_url, "name": "Avisa", "organisation_id": 0, "interval_minutes": 15,
            "active": "y"}
    response = as_editor.post(f"/monitoring/feeds/{feed.id}/edit", data=form,
                              follow_redirects=True)
    assert "It is being read now" in response.get_data(as_text=True)
    assert checks.wait_idle()
    db.session.expire_all()  # the check ran in a session of its own
    page = as_editor.get(f"/monitoring/feeds/{feed.id}").get_data(as_text=True)
    assert "Entries found: 1. New articles: 1. New mentions: 1." in page
    assert "Høyre vinner i Tromsø" in page
    # The same URL again (another setting changed): saved, no new check.
    db.session.expire_all()
    checked_at = db.session.get(Feed, feed.id).check_finished_at
    response = as_editor.post(f"/monitoring/feeds/{feed.id}/edit",
                              data=dict(form, interval_minutes=30), follow_redirects=True)
    assert "Feed saved." in response.get_data(as_text=True)
    assert "being read now" not in response.get_data(as_text=True)
    assert checks.wait_idle()
    db.session.expire_all()
    feed = db.session.get(Feed, feed.id)
    assert feed.check_finished_at == checked_at and feed.interval_minutes == 30


def test_a_check_that_never_answers_is_not_shown_as_checking_for_ever(as_editor, app):
    feed = make.feed("https://www.example.no/rss", "Eksempel")
    db.session.execute(db.update(Feed).where(Feed.id == feed.id).values(
        check_requested_at=utcnow() - timedelta(minutes=30)))
    db.session.commit()
    page = as_editor.get(f"/monitoring/feeds/{feed.id}").get_data(as_text=True)
    assert "The check did not finish" in page and "Checking the feed" not in page
    assert as_editor.get(f"/monitoring/feeds/{feed.id}/status").get_json() == {
        "checking": False}


def test_feed_edit_poll_delete(as_editor, polled, feed_server):
    feed_id = polled["feed"].id
    response = as_editor.post(f"/monitoring/feeds/{feed_id}/edit", data={
        "url": polled["feed"].url, "name": "NRK Politikk ÆØÅ", "organisation_id": 0,
        "interval_minutes": 30, "active": "y"})
    assert response.status_code == 302
    feed = db.session.get(Feed, feed_id)
    assert feed.name == "NRK Politikk ÆØÅ" and feed.interval_minutes == 30
    assert feed.organisation_id is None
    page = as_editor.post(f"/monitoring/feeds/{feed_id}/poll",
                          follow_redirects=True).get_data(as_text=True)
    assert "being read now" in page
    assert checks.wait_idle()
    db.session.expire_all()  # the check wrote through a session of its own
    page = as_editor.get(f"/monitoring/feeds/{feed_id}").get_data(as_text=True)
    assert "has not changed" in page
    assert as_editor.post(f"/monitoring/feeds/{feed_id}/delete").status_code == 302
    assert db.session.get(Feed, feed_id) is None
    assert as_editor.get(f"/monitoring/feeds/{feed_id}").status_code == 404


def test_watch_terms_crud_rematches_stored_articles(as_editor, polled):
    response = as_editor.post("/monitoring/terms/new", data={
        "term": "Statsministeren", "group": "politician", "variants": "Statsministaren",
        "exclusions": "", "case_mode": "auto", "contact_id": polled["store"].id,
        "active": "y"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Mentions added: 1" in page and "<mark>Statsministeren</mark>" in page
    term = db.session.scalar(db.select(WatchTerm).where(WatchTerm.term == "Statsministeren"))
    response = as_editor.post(f"/monitoring/terms/{term.id}/edit", data={
        "term": "Statsministeren", "group": "politician", "variants": "",
        "exclusions": "Statsministeren Støre", "case_mode": "auto", "contact_id": 0,
        "active": "y"}, follow_redirects=True)
    assert "removed: 1." in response.get_data(as_text=True)
    duplicate = as_editor.post("/monitoring/terms/new", data={
        "term": "Ap", "group": "party", "case_mode": "auto", "contact_id": 0})
    assert "already watched" in duplicate.get_data(as_text=True)
    for bad in ("", "   ", "***", "x" * 150):
        page = as_editor.post("/monitoring/terms/new", data={
            "term": bad, "group": "party", "case_mode": "auto", "contact_id": 0})
        assert page.status_code == 200 and 'class="error"' in page.get_data(as_text=True)
    assert as_editor.post(f"/monitoring/terms/{term.id}/delete").status_code == 302
    assert db.session.get(WatchTerm, term.id) is None
    assert as_editor.post("/monitoring/terms/4242/delete").status_code == 404


def test_contact_pages_show_their_articles_and_mentions(as_viewer, polled):
    kari_page = as_viewer.get(f"/contacts/{polled['kari'].id}").get_data(as_text=True)
    assert "Articles by this journalist" in kari_page and "Støre møter Høyre" in kari_page
    store_page = as_viewer.get(f"/contacts/{polled['store'].id}").get_data(as_text=True)
    assert "Mentions in the news" in store_page and "<mark>Støre</mark>" in store_page


def test_opml_export_and_import(as_editor, polled):
    exported = as_editor.get("/monitoring/feeds/opml")
    assert exported.mimetype == "text/x-opml"
    body = exported.get_data()
    assert b'xmlUrl="' + polled["feed"].url.encode() + b'"' in body and b'text="NRK"' in body
    opml = (b'<?xml version="1.0"?><opml version="2.0"><head/><body>'
            b'<outline text="NRK"><outline text="NRK Sport" xmlUrl="https://www.nrk.no/sport.rss"/>'
            b'</outline><outline text="Bad" xmlUrl="javascript:alert(1)"/>'
            b'<outline text="Old" xmlUrl="' + polled["feed"].url.encode() + b'"/></body></opml>')
    page = as_editor.post("/monitoring/feeds/import", data={
        "file": (io.BytesIO(opml), "feeds.opml")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert "Feeds added: 1. Already there: 1. Invalid: 1." in page
    sport = db.session.scalar(db.select(Feed).where(Feed.name == "NRK Sport"))
    assert sport.organisation_id == polled["nrk"].id
    bomb = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>'
            b'<outline text="&a;" xmlUrl="https://x/"/></body></opml>')
    page = as_editor.post("/monitoring/feeds/import", data={
        "file": (io.BytesIO(bomb), "bomb.opml")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "DOCTYPE" in page
    page = as_editor.post("/monitoring/feeds/import", data={
        "file": (io.BytesIO(b"not xml <"), "x.opml")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "not a valid OPML file" in page


def test_coverage_page_and_csv(as_viewer, polled):
    page = as_viewer.get("/monitoring/coverage").get_data(as_text=True)
    assert "<svg" in page and "Share of voice" in page and "NRK" in page
    assert "Kari Nordmann" in page
    csv = as_viewer.get("/monitoring/coverage/daily.csv").get_data(as_text=True)
    assert csv.startswith('\ufeff"date","party","politician","issue","competitor"')
    share = as_viewer.get("/monitoring/coverage/share.csv").get_data(as_text=True)
    assert "Our party" in share and "Høyre" in share
    assert as_viewer.get("/monitoring/coverage/nope.csv").status_code == 404
    assert as_viewer.get("/monitoring/coverage?from=2026-13-01&to=x").status_code == 200
    assert as_viewer.get("/monitoring/coverage?from=1900-01-01").status_code == 200
