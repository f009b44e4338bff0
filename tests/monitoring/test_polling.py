"""The fetch-parse-store pipeline: adding feeds, polling, dedupe, health, bylines, mentions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm.extensions import db
from crm.monitoring import services
from crm.monitoring.models import Article, ArticleSource, Feed, Mention
from crm.timeutil import utcnow
from tests import factories as make
from tests.monitoring.feedserver import Reply, rss

STORY = {"title": "Støre og Ap legger fram budsjett", "guid": "https://www.nrk.no/a/1",
         "link": "https://www.nrk.no/a/1", "pubDate": "Mon, 23 Nov 2026 07:00:00 +0100",
         "description": "Arbeiderpartiet vil bruke mer penger, sier kilder.",
         "author": "kari@nrk.no (Kari Nordmann)"}


def all_of(model):
    return db.session.scalars(db.select(model)).all()


def test_adding_a_feed_reads_it_once_and_reports_what_it_found(app, feed_server):
    make.watch_term("Arbeiderpartiet")
    url = feed_server.add("/nrk.xml", rss([STORY], title="NRK Politikk"))
    feed, report = services.create_feed(services.FeedData(url))
    assert feed.name == "NRK Politikk" and feed.feed_title == "NRK Politikk"
    assert report.state == "new" and report.counts.entries == 1
    assert report.counts.new_articles == 1 and report.counts.new_mentions == 1
    assert feed.health == "ok" and feed.last_success_at and feed.next_poll_at > utcnow()
    assert feed.entries_seen == 1 and feed.last_entry_count == 1


def test_a_feed_that_cannot_be_read_is_not_saved_unless_asked(app, feed_server):
    url = feed_server.add("/gone.xml", Reply(b"", status=404))
    feed, report = services.create_feed(services.FeedData(url))
    assert feed is None and "404" in str(report.error) and not all_of(Feed)
    feed, report = services.create_feed(services.FeedData(url), keep_if_failing=True)
    assert feed.health == "failing" and feed.consecutive_failures == 1
    assert "404" in str(feed.last_error)


def test_feed_settings_are_validated(app):
    import pytest
    for data, field in [
        (services.FeedData("ftp://x/feed"), "url"),
        (services.FeedData("https://x/feed", interval_minutes=1), "interval_minutes"),
        (services.FeedData("https://x/feed", interval_minutes=99999), "interval_minutes"),
        (services.FeedData("https://x/feed", organisation_id=9999), "organisation_id"),
    ]:
        with pytest.raises(services.FeedError) as info:
            services.create_feed(data, fetch_now=False)
        assert info.value.field == field
    services.create_feed(services.FeedData("https://x/feed"), fetch_now=False)
    with pytest.raises(services.FeedError, match="already"):
        services.create_feed(services.FeedData("https://x/feed"), fetch_now=False)


def test_polling_uses_conditional_get_and_unchanged_feeds_cost_nothing(app, feed_server):
    url = feed_server.add("/nrk.xml", Reply(rss([STORY]), etag='"v1"'))
    feed = make.feed(url)
    first = services.poll_feeds([feed])
    assert first.ok == 1 and first.counts.new_articles == 1
    second = services.poll_feeds([db.session.get(Feed, feed.id)])
    assert second.unchanged == 1 and second.counts.new_articles == 0
    assert feed_server.requests[-1][1]["If-None-Match"] == '"v1"'
    # Same bytes without validators: recognised by their hash, not parsed again.
    feed_server.routes["/nrk.xml"] = Reply(rss([STORY]))
    services.poll_feeds([db.session.get(Feed, feed.id)])
    third = services.poll_feeds([db.session.get(Feed, feed.id)])
    assert third.unchanged == 1
    assert len(all_of(Article)) == 1


def test_only_due_feeds_are_polled(app, feed_server):
    url = feed_server.add("/a.xml", rss([STORY]))
    due, later = make.feed(url, "due"), make.feed(url + "?b", "later")
    later.next_poll_at = utcnow() + timedelta(hours=1)
    paused = make.feed(url + "?c", "paused")
    paused.active = False
    db.session.commit()
    assert [f.name for f in services.due_feeds()] == ["due"]
    assert "Polled 1 feed:" in str(services.poll_due_feeds())
    assert db.session.get(Feed, due.id).next_poll_at > utcnow()


def test_the_same_story_in_several_feeds_is_one_article_with_several_sources(app, feed_server):
    make.watch_term("Støre", group="politician")
    ntb = dict(STORY, guid="ntb-123", link="https://www.vg.no/ntb-123")
    copy = dict(STORY, guid="https://www.ba.no/7788", link="https://www.ba.no/7788",
                title="Støre og Ap legger fram budsjett")  # same title and day: NTB copy
    same_link = dict(STORY, guid="vg-forside-9", link="https://www.vg.no/ntb-123/?utm_source=x")
    feeds = [make.feed(feed_server.add(f"/{n}.xml", rss([item])), n)
             for n, item in (("vg", ntb), ("ba", copy), ("vgforside", same_link))]
    summary = services.poll_feeds(feeds)
    assert summary.counts.new_articles == 1 and summary.counts.new_sources == 3
    (article,) = all_of(Article)
    assert {s.feed_id for s in article.sources} == {f.id for f in feeds}
    assert len(all_of(Mention)) == 1  # one mention, however many sources


def test_feeds_are_committed_in_batches_and_a_failing_store_costs_no_other_feed_anything(
        app, feed_server, monkeypatch):
    """Batches of two feeds: the NTB story's copies meet within a batch and across batches;
    one feed's store fails, its batch is rolled back and stored again feed by feed."""
    make.watch_term("Støre", group="politician")
    monkeypatch.setattr(services, "BATCH_FEEDS", 2)
    names = ["vg", "ba", "bt", "broken", "adressa", "nordlys"]
    feeds = []
    topics = ["ferja", "sykehuset", "skolen", "brua", "flyplassen", "kraftverket"]
    for n, topic in zip(names, topics, strict=True):
        own = dict(STORY, guid=f"https://www.{n}.no/egen", link=f"https://www.{n}.no/egen",
                   title=f"Egen sak i {n} om Støre", description=f"Støre besøkte {topic} i "
                   f"dag. {topic.capitalize()} har ventet på penger i {len(n)} år.")
        copy = dict(STORY, guid=f"https://www.{n}.no/ntb", link=f"https://www.{n}.no/ntb")
        feeds.append(make.feed(feed_server.add(f"/{n}.xml", rss([own, copy])), n))
    broken_id = feeds[names.index("broken")].id
    real = services.store_entries

    def store(feed_id, *args, **kwargs):
        if feed_id == broken_id:
            raise RuntimeError("disk trouble")
        return real(feed_id, *args, **kwargs)

    monkeypatch.setattr(services, "store_entries", store)
    seen = []
    summary = services.poll_feeds(feeds, progress=lambda done, total, r: seen.append(done))
    assert (summary.ok, summary.failed) == (5, 1) and seen == list(range(1, 7))
    broken = db.session.get(Feed, broken_id)
    assert "Could not store the entries" in str(broken.last_error)
    titles = sorted(a.title for a in all_of(Article))
    assert titles == sorted([f"Egen sak i {n} om Støre" for n in names if n != "broken"]
                            + [STORY["title"]])  # the five copies are one article
    (ntb,) = [a for a in all_of(Article) if a.title == STORY["title"]]
    assert {s.feed_id for s in ntb.sources} == {f.id for f in feeds if f.id != broken_id}
    assert len(all_of(Mention)) == 6  # each article's one mention, nothing twice
    for feed in feeds:
        feed = db.session.get(Feed, feed.id)
        assert feed.last_polled_at is not None
        assert (feed.health == "ok") == (feed.id != broken_id)


def test_a_batch_whose_commit_fails_is_stored_again_feed_by_feed(app, feed_server, monkeypatch):
    from sqlalchemy.exc import OperationalError

    make.watch_term("Støre", group="politician")
    feeds = [make.feed(feed_server.add(f"/{n}.xml", rss([dict(
        STORY, guid=f"https://www.{n}.no/ntb", link=f"https://www.{n}.no/ntb")])), n)
        for n in ("vg", "ba", "bt")]
    commit, failed = db.session.commit, []

    def flaky_commit():  # the first commit of a transaction that stored articles fails
        if not failed and db.session.scalar(db.select(db.func.count(Article.id))):
            failed.append(True)
            raise OperationalError("COMMIT", {}, Exception("database is locked"))
        return commit()

    monkeypatch.setattr(db.session, "commit", flaky_commit)
    summary = services.poll_feeds(feeds)
    assert failed and (summary.ok, summary.failed) == (3, 0)
    (article,) = all_of(Article)
    assert {s.feed_id for s in article.sources} == {f.id for f in feeds}
    assert len(all_of(Mention)) == 1 and summary.counts.new_articles == 1


def test_entries_without_guids_or_with_repeated_guids_are_told_apart_by_link(app, feed_server):
    items = [{"title": f"Sak {i}", "guid": "same", "link": f"https://www.vg.no/{i}"}
             for i in range(10)]
    feed = make.feed(feed_server.add("/dup.xml", rss(items)))
    services.poll_feeds([feed])
    assert len(all_of(Article)) == 10


def test_short_guids_are_only_unique_within_their_feed(app, feed_server):
    a = make.feed(feed_server.add("/a.xml", rss([{"title": "Sak A", "guid": "1"}])), "a")
    b = make.feed(feed_server.add("/b.xml", rss([{"title": "Sak B", "guid": "1"}])), "b")
    services.poll_feeds([a, b])
    assert sorted(x.title for x in all_of(Article)) == ["Sak A", "Sak B"]


def test_a_broken_feed_is_marked_unhealthy_and_backs_off_while_others_go_on(app, feed_server):
    good = make.feed(feed_server.add("/good.xml", rss([STORY])), "good")
    bad = make.feed(feed_server.add("/bad.xml", Reply(b"<html>nope</html>",
                                                      content_type="text/html")), "bad")
    down = make.feed(feed_server.add("/down.xml", Reply(b"", status=503)), "down")
    summary = services.poll_feeds([good, bad, down])
    assert (summary.ok, summary.failed) == (1, 2)
    bad, down = db.session.get(Feed, bad.id), db.session.get(Feed, down.id)
    assert bad.health == "failing" and "not an RSS or Atom feed" in str(bad.last_error)
    assert "503" in str(down.last_error)
    first_wait = down.next_poll_at - down.last_polled_at
    services.poll_feeds([down])
    down = db.session.get(Feed, down.id)
    assert down.consecutive_failures == 2
    assert down.next_poll_at - down.last_polled_at > first_wait  # exponential backoff
    feed_server.routes["/down.xml"] = Reply(rss([STORY]))
    services.poll_feeds([down])
    down = db.session.get(Feed, down.id)
    assert down.health == "ok" and down.consecutive_failures == 0


def test_retry_after_is_respected(app, feed_server):
    feed = make.feed(feed_server.add("/busy.xml", Reply(status=429,
                                                        headers={"Retry-After": "7200"})))
    services.poll_feeds([feed])
    feed = db.session.get(Feed, feed.id)
    assert feed.next_poll_at - feed.last_polled_at >= timedelta(hours=2)


def test_a_recovered_feed_is_healthy_with_a_warning(app, feed_server):
    feed = make.feed(feed_server.add("/amp.xml", rss([dict(STORY, title="Ap & Sp")])))
    services.poll_feeds([feed])
    feed = db.session.get(Feed, feed.id)
    assert feed.health == "warning" and feed.consecutive_failures == 0
    assert "Not well-formed XML" in str(feed.last_warning) and not feed.last_error
    assert [a.title for a in all_of(Article)] == ["Ap & Sp"]
    assert feed.next_poll_at - feed.last_polled_at == timedelta(minutes=feed.interval_minutes)


@pytest.mark.parametrize("title", ["St&oslash;re og H&oslash;yre", "Ap & Sp", "<x:y>Hei</x:y>"])
def test_adding_a_recovered_feed_is_accepted(app, feed_server, title):
    url = feed_server.add("/recovered.xml", rss([dict(STORY, title=title)]))
    feed, report = services.create_feed(services.FeedData(url))
    assert feed is not None and report.state == "new" and report.error is None
    assert report.warnings and feed.health == "warning"
    assert all_of(Article)[0].title in ("Støre og Høyre", "Ap & Sp", "Hei")


def test_bylines_link_only_to_a_journalist_of_the_feeds_outlet(app, feed_server):
    nrk, vg = make.outlet("NRK"), make.outlet("VG")
    kari_nrk = make.contact("Kari Nordmann", org=nrk)
    make.contact("Kari Nordmann", org=vg)
    make.contact("Ola Åsmund Østby", org=vg)  # a namesake at another outlet is someone else
    items = [STORY, dict(STORY, guid="urn:2", link="https://www.nrk.no/a/2",
                         title="Annen sak", author="Ola Åsmund Østby og Per Hansen")]
    feed = make.feed(feed_server.add("/nrk.xml", rss(items)), organisation=nrk)
    services.poll_feeds([feed])
    by_title = {a.title: a for a in all_of(Article)}
    assert by_title[STORY["title"]].author_contact_id == kari_nrk.id
    assert not by_title[STORY["title"]].author_guess
    assert by_title["Annen sak"].author_contact_id is None


def test_a_byline_in_a_feed_without_outlet_is_a_guess_at_the_only_namesake(app, feed_server):
    vl, kk = make.outlet("Vårt Land"), make.outlet("Klassekampen")
    sandvik = make.contact("Hans Olav Sandvik", org=kk)
    make.contact("Kari Nordmann", org=vl)
    make.contact("Kari Nordmann", org=kk)
    items = [dict(STORY, author="Hans Olav Sandvik"),
             dict(STORY, guid="urn:2", link="https://www.nrk.no/a/2", title="Annen sak",
                  author="Kari Nordmann")]
    unknown = make.feed(feed_server.add("/u.xml", rss(items)), "uten utgiver")
    services.poll_feeds([unknown])
    by_title = {a.title: a for a in all_of(Article)}
    guessed = by_title[STORY["title"]]
    assert (guessed.author_contact_id, guessed.author_guess) == (sandvik.id, True)
    assert by_title["Annen sak"].author_contact_id is None  # two namesakes: no guess
    # In Vårt Land's own feed, Klassekampen's Sandvik is not the author.
    own = make.feed(feed_server.add("/vl.xml", rss([dict(STORY, guid="urn:3", title="Tredje",
                                                        link="https://www.vl.no/3",
                                                        author="Hans Olav Sandvik")])),
                    "vl", organisation=vl)
    services.poll_feeds([own])
    third = db.session.scalars(db.select(Article).where(Article.title == "Tredje")).one()
    assert third.author_contact_id is None


def test_feed_html_is_stored_sanitized(app, feed_server):
    hostile = dict(STORY, description="&lt;p&gt;Ap&lt;script&gt;alert(1)&lt;/script&gt;"
                                      "&lt;img src=x onerror=alert(2)&gt;&lt;/p&gt;")
    feed = make.feed(feed_server.add("/x.xml", rss([hostile])))
    services.poll_feeds([feed])
    (article,) = all_of(Article)
    assert "script" not in article.summary_html and "onerror" not in article.summary_html
    assert "alert(1)" not in article.summary


def test_deleting_a_feed_removes_only_the_articles_no_other_feed_carried(app, feed_server):
    a = make.feed(feed_server.add("/a.xml", rss([STORY, dict(STORY, guid="urn:only-a",
                                                             link="", title="Bare A")])), "a")
    b = make.feed(feed_server.add("/b.xml", rss([STORY])), "b")
    services.poll_feeds([a, b])
    assert len(all_of(Article)) == 2
    assert services.delete_feed(db.session.get(Feed, a.id)) == 1
    assert [x.title for x in all_of(Article)] == [STORY["title"]]
    assert {s.feed_id for s in all_of(ArticleSource)} == {b.id}


def test_poll_feeds_command_prints_progress_and_counts(app, runner, feed_server):
    make.feed(feed_server.add("/a.xml", rss([STORY])), "Avis A")
    make.feed(feed_server.add("/b.xml", Reply(status=500)), "Avis B")
    result = runner.invoke(args=["poll-feeds"])
    assert result.exit_code == 0, result.output
    assert "Polling 2 feeds." in result.output
    assert "[1/2]" in result.output and "[2/2]" in result.output
    assert "Avis B: HTTP 500" in result.output
    assert "Polled 2 feeds: 1 ok (0 unchanged), 1 failed; 1 new articles" in result.output
    again = runner.invoke(args=["poll-feeds"])
    assert "Polling 0 feeds." in again.output
    forced = runner.invoke(args=["poll-feeds", "--all", "--quiet"])
    assert "Polled 2 feeds: 1 ok (1 unchanged), 1 failed" in forced.output


def test_poll_feeds_is_a_scheduled_job(app):
    from crm import scheduler
    spec = next(j for j in scheduler.JOBS if j.id == "poll-feeds")
    assert spec.func == "crm.monitoring.services:poll_due_feeds"


@pytest.mark.slow
def test_hostile_servers_are_refused_within_their_limits_and_the_others_go_on(
        app, feed_server, fast_limits):
    def stall(handler):
        handler.server.stop.wait(30)

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(50 * 16):  # 50 MB in 64 KB chunks
            if handler.server.stop.is_set():
                break
            handler.wfile.write(b"<item>" + b"x" * 65530 + b"</item>")

    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    laughs = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
              '<rss version="2.0"><channel><title>&l9;</title><item><title>Ap &l9;</title>'
              '<guid>urn:lol</guid></item></channel></rss>').encode()
    feed_server.add("/loop-a", Reply(status=302, headers={"Location": "/loop-b"}))
    urls = {
        "stall": feed_server.add("/stall", stall),
        "big": feed_server.add("/big", endless),
        "loop": feed_server.url("/loop-b"),
        "laughs": feed_server.add("/laughs", laughs),
        "good": feed_server.add("/good", rss([STORY])),
    }
    feed_server.add("/loop-b", Reply(status=302, headers={"Location": "/loop-a"}))
    feeds = {name: make.feed(url, name) for name, url in urls.items()}
    db.session.add(Feed(url="ftp://127.0.0.1/feed.xml", name="ftp"))  # older data, say
    db.session.commit()
    summary = services.poll_feeds(services.due_feeds(), workers=4)
    assert summary.feeds == 6 and summary.ok >= 1
    health = {f.name: f for f in all_of(Feed)}
    assert "could not be reached" in str(health["stall"].last_error)
    assert "larger than the limit" in str(health["big"].last_error)
    assert "loop" in str(health["loop"].last_error)
    assert "Only http and https" in str(health["ftp"].last_error)
    assert health["good"].health == "ok"
    assert all(len(a.title) < 1000 for a in all_of(Article))
    assert {f.name for f in all_of(Feed) if f.consecutive_failures} >= {"stall", "big", "loop",
                                                                         "ftp"}
    assert feeds


def test_after_poll_hooks_see_the_cycles_new_articles_and_one_failing_hook_harms_nothing(
        app, feed_server):
    from crm import registry
    make.watch_term("Arbeiderpartiet")
    url = feed_server.add("/hook.xml", rss([STORY]))
    feed = make.feed(url)
    seen: list[tuple[int, int]] = []

    def broken(since, summary):
        raise RuntimeError("hook trouble")

    def counting(since, summary):
        new = db.session.scalars(db.select(Article).where(Article.seen_at >= since)).all()
        mentions = db.session.scalars(db.select(Mention).where(Mention.created_at >= since))
        seen.append((len(new), len(mentions.all())))

    registry.AFTER_POLL.register("test-broken", broken, order=1)
    registry.AFTER_POLL.register("test-counting", counting, order=2)
    try:
        summary = services.poll_feeds([feed])
        assert summary.counts.new_articles == 1 and seen == [(1, 1)]
        services.poll_feeds([db.session.get(Feed, feed.id)])  # nothing new: no call
        assert seen == [(1, 1)] and len(all_of(Article)) == 1
        # A feed read outside a cycle ("Add feed", "Poll now") calls them too.
        other = dict(STORY, guid="https://www.nrk.no/a/2", link="https://www.nrk.no/a/2",
                     title="Arbeiderpartiet svarer på kritikken")
        added, _report = services.create_feed(services.FeedData(
            feed_server.add("/hook2.xml", rss([other]))))
        assert seen == [(1, 1), (1, 1)]
        feed_server.routes["/hook2.xml"] = Reply(rss([other, dict(
            other, guid="https://www.nrk.no/a/3", link="https://www.nrk.no/a/3",
            title="Arbeiderpartiet legger fram nytt forslag om skatt")]))
        services.poll_one(db.session.get(Feed, added.id))
        assert seen == [(1, 1), (1, 1), (1, 1)]
    finally:
        del registry.AFTER_POLL["test-broken"], registry.AFTER_POLL["test-counting"]


def test_feeds_expired_by_a_commit_are_read_again_in_one_query_not_one_each(app, feed_server):
    from sqlalchemy import event

    feeds = [make.feed(feed_server.add(f"/{i}.xml", rss([STORY])), f"f{i}") for i in range(30)]
    db.session.commit()  # expires them all
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        jobs = services.jobs_of(feeds)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert [job.url for job in jobs] == [f.url for f in feeds] and len(statements) == 1
