"""Polling in worker processes: a plain unit of work, limits per feed, workers replaced."""

from __future__ import annotations

import os
import pickle
import signal
import threading

import pytest

from crm.extensions import db
from crm.monitoring import services
from crm.monitoring.fetch import FetchLimits
from crm.monitoring.models import Article, Feed, Mention
from crm.monitoring.workers import FeedJob, FeedPool, PoolSettings, fetch_and_parse
from tests import factories as make
from tests.monitoring.feedserver import rss

# The test feed servers are on loopback, which the fetcher refuses by default.
LOOPBACK = ("127.0.0.0/8",)
STORY = {"title": "Støre og Ap legger fram budsjett", "guid": "https://www.nrk.no/a/1",
         "link": "https://www.nrk.no/a/1", "description": "Arbeiderpartiet vil bruke mer."}


def big_feed(megabytes: int) -> bytes:
    """500 entries, `megabytes` in all."""
    sentence = "Regjeringen la fram budsjettet, og opposisjonen reagerer. "
    text = sentence * (megabytes * 1024 * 1024 // (500 * len(sentence)))
    return rss([{"title": f"Sak {i}", "guid": f"urn:sak:{i}", "description": f"{text}{i}"}
                for i in range(500)])


def test_fetch_and_parse_is_a_plain_function_with_a_picklable_result(feed_server):
    # No app context here: a task queue could run it on another machine.
    url = feed_server.add("/nrk.xml", rss([STORY]), etag='"v1"')
    outcome = fetch_and_parse(FeedJob(7, url), limits=FetchLimits(allow_networks=LOOPBACK))
    again = pickle.loads(pickle.dumps(outcome))
    assert again.feed_id == 7 and again.ok and again.etag == '"v1"'
    assert [e.title for e in again.parsed.entries] == [STORY["title"]]
    unchanged = fetch_and_parse(FeedJob(7, url, etag='"v1"'), limits=FetchLimits(allow_networks=LOOPBACK))
    assert unchanged.not_modified and unchanged.parsed is None
    same_bytes = fetch_and_parse(FeedJob(7, url, content_hash=outcome.content_hash),
                                 limits=FetchLimits(allow_networks=LOOPBACK))
    assert same_bytes.not_modified


def test_workers_prepare_the_entries_as_the_store_would_with_the_cycles_terms(feed_server):
    from crm.monitoring.matching import Matcher, TermSpec
    from crm.monitoring.prepare import prepare_entries, terms_digest

    terms = (TermSpec(1, ("Støre",)), TermSpec(2, ("Ap",), "sensitive", (), "party"),
             TermSpec(3, ("budsjett",), group="issue"))
    stories = [STORY, dict(STORY, guid="urn:2", link="", title="Ap-leder om 🍕 og æøå\x00",
                           description="Budsjettforhandlingene <script>x</script>")]
    url = feed_server.add("/nrk.xml", rss(stories))
    settings = PoolSettings(processes=1, threads=1, limits=FetchLimits(allow_networks=LOOPBACK),
                            terms=terms, terms_digest=terms_digest(terms))
    with FeedPool(settings) as pool:
        [outcome] = pool.run([FeedJob(5, url)])
    prepared, entries = outcome.prepared, outcome.parsed.entries
    here = prepare_entries(5, entries, Matcher(list(terms)), terms_digest(terms))
    assert prepared == here and prepared.terms_digest == terms_digest(terms)
    assert [sorted(item.matches) for item in prepared.items] == [[1, 2, 3], [2, 3]]
    # Without terms the workers leave preparing to the polling process.
    with FeedPool(PoolSettings(processes=1, threads=1,
                               limits=FetchLimits(allow_networks=LOOPBACK))) as pool:
        [outcome] = pool.run([FeedJob(5, url)])
    assert outcome.ok and outcome.prepared is None


def test_matches_made_with_other_terms_are_not_used(app, feed_server):
    from crm.monitoring.matching import Matcher, TermSpec
    from crm.monitoring.prepare import prepare_entries
    from crm.monitoring.store import StoreContext, store_entries

    term = make.watch_term("Støre")
    feed = make.feed(feed_server.add("/nrk.xml", rss([STORY])), "NRK")
    entries = fetch_and_parse(FeedJob(feed.id, feed.url),
                              limits=FetchLimits(allow_networks=LOOPBACK)).parsed.entries
    stale = prepare_entries(feed.id, entries, Matcher([TermSpec(term.id, ("budsjett",))]),
                            "an older set of terms")
    counts = store_entries(feed.id, None, entries, StoreContext.load(), stale)
    db.session.commit()
    [mention] = db.session.scalars(db.select(Mention)).all()
    assert counts.new_mentions == 1 and mention.snippet.startswith("Støre")


def test_the_pool_reads_feeds_in_worker_processes(feed_server):
    urls = [feed_server.add(f"/f{i}.xml", rss([dict(STORY, guid=f"urn:{i}")])) for i in range(9)]
    settings = PoolSettings(processes=2, threads=2, limits=FetchLimits(allow_networks=LOOPBACK))
    with FeedPool(settings) as pool:
        pids = {w.process.pid for w in pool.workers}
        outcomes = list(pool.run(FeedJob(i, url) for i, url in enumerate(urls)))
        pids = {w.process.pid for w in pool.workers} | pids
    assert sorted(o.feed_id for o in outcomes) == list(range(9))
    assert all(o.ok and len(o.parsed.entries) == 1 for o in outcomes)
    assert len(pids) == 2 and os.getpid() not in pids and pool.stats.workers_replaced == 0
    assert pool.stats.peak_rss_children > 0 and not pool.workers  # closed


@pytest.mark.slow
def test_a_feed_past_the_time_limit_is_refused_and_the_cycle_goes_on(app, feed_server):
    # A parse that lasts well past the limit, longer than the poller's 0.2 s between checks
    # (an 8 MB feed parses in about 0.2 s here: a limit of 0.2 s was missed now and then).
    app.config.update(CRM_FEED_PARSE_SECONDS=0.05, CRM_FEED_PROCESSES=2)
    slow = make.feed(feed_server.add("/slow.xml", big_feed(12)), "slow")
    good = [make.feed(feed_server.add(f"/g{i}.xml", rss([dict(STORY, guid=f"urn:{i}")])),
                      f"good {i}") for i in range(4)]
    summary = services.poll_feeds([slow, *good], workers=4)
    assert (summary.ok, summary.failed) == (4, 1)
    slow = db.session.get(Feed, slow.id)
    assert slow.health == "failing"
    assert "took longer than 0.05 seconds" in str(slow.last_error)
    assert summary.pool.workers_replaced >= 1
    assert db.session.scalar(db.select(db.func.count(Article.id))) == 1  # the good story


@pytest.mark.slow
def test_a_feed_past_the_memory_limit_is_refused_and_the_cycle_goes_on(app, feed_server):
    app.config.update(CRM_FEED_PARSE_MEMORY_MB=16, CRM_FEED_PROCESSES=1)
    hungry = make.feed(feed_server.add("/hungry.xml", big_feed(12)), "hungry")
    good = make.feed(feed_server.add("/good.xml", rss([STORY])), "good")
    summary = services.poll_feeds([hungry, good], workers=2)
    assert (summary.ok, summary.failed) == (1, 1)
    hungry = db.session.get(Feed, hungry.id)
    assert "more than 16 MB of memory" in str(hungry.last_error)
    assert db.session.get(Feed, good.id).health == "ok"


def test_a_parse_too_quick_for_the_watchdog_is_refused_by_the_workers_own_peak(
        app, feed_server, monkeypatch):
    from crm.monitoring import workers
    monkeypatch.setattr(workers, "rss_bytes", lambda pid="self": 0)  # the parent sees nothing
    app.config.update(CRM_FEED_PARSE_MEMORY_MB=16, CRM_FEED_PROCESSES=1)
    hungry = make.feed(feed_server.add("/hungry.xml", big_feed(12)), "hungry")
    good = make.feed(feed_server.add("/good.xml", rss([STORY])), "good")
    summary = services.poll_feeds([hungry, good], workers=2)
    assert (summary.ok, summary.failed) == (1, 1) and summary.pool.workers_replaced == 0
    assert "more than 16 MB of memory" in str(db.session.get(Feed, hungry.id).last_error)


def _silent_server():
    """A TCP server that accepts and never answers: the fetch waits on it."""
    import socket
    server = socket.create_server(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return
    threading.Thread(target=accept, daemon=True).start()
    return server, f"http://127.0.0.1:{server.getsockname()[1]}/feed.xml"


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_its_feeds_read_by_the_new_one(feed_server):
    server, silent = _silent_server()
    try:
        limits = FetchLimits(connect_timeout=2, read_timeout=2, deadline=3,
                             allow_networks=LOOPBACK)
        settings = PoolSettings(processes=1, threads=2, parse_seconds=2, limits=limits)
        urls = [feed_server.add(f"/k{i}.xml", rss([dict(STORY, guid=f"urn:{i}")]))
                for i in range(3)]
        with FeedPool(settings) as pool:
            run = pool.run([FeedJob(100, silent), *(FeedJob(i, u) for i, u in enumerate(urls))])
            first = next(run)  # a good feed; the silent one is still waiting
            os.kill(pool.workers[0].process.pid, signal.SIGKILL)
            rest = [first, *run]
        by_id = {o.feed_id: o for o in rest}
        assert set(by_id) == {0, 1, 2, 100}
        assert all(by_id[i].ok for i in range(3)) and not by_id[100].ok
        assert pool.stats.workers_replaced >= 1
    finally:
        server.close()


@pytest.mark.slow
def test_a_stuck_worker_is_stopped_and_its_feed_refused(feed_server):
    limits = FetchLimits(connect_timeout=1, read_timeout=1, deadline=1, allow_networks=LOOPBACK)
    settings = PoolSettings(processes=1, threads=1, parse_seconds=0.5, limits=limits)
    urls = [feed_server.add(f"/s{i}.xml", rss([dict(STORY, guid=f"urn:{i}")])) for i in range(2)]
    with FeedPool(settings) as pool:
        pool.start()
        os.kill(pool.workers[0].process.pid, signal.SIGSTOP)  # it hangs, holding both feeds
        outcomes = list(pool.run(FeedJob(i, u) for i, u in enumerate(urls)))
    assert {o.feed_id for o in outcomes} == {0, 1}
    refused = [o for o in outcomes if not o.ok]
    assert refused and "longer than" in str(refused[0].error)
    assert pool.stats.workers_replaced >= 1


def test_without_worker_processes_the_feeds_are_read_in_threads_here(app, feed_server):
    app.config.update(CRM_FEED_PROCESSES=0)
    feeds = [make.feed(feed_server.add(f"/t{i}.xml", rss([dict(STORY, guid=f"urn:{i}")])),
                       f"t{i}") for i in range(3)]
    summary = services.poll_feeds(feeds, workers=2)
    assert (summary.ok, summary.failed, summary.pool) == (3, 0, None)
    assert summary.counts.new_sources == 3  # one story (same link) in three feeds


def test_unchanged_feeds_are_recorded_healthy_in_one_batch(app, feed_server):
    feeds = [make.feed(feed_server.add(f"/u{i}.xml", rss([dict(STORY, guid=f"urn:{i}")]),
                                       etag=f'"u{i}"'), f"u{i}") for i in range(3)]
    services.poll_feeds(feeds)
    db.session.execute(db.update(Feed).values(next_poll_at=None, consecutive_failures=0))
    db.session.commit()
    second = services.poll_feeds(services.due_feeds())
    assert (second.ok, second.unchanged) == (3, 3)
    for feed in db.session.scalars(db.select(Feed)):
        assert feed.health == "ok" and feed.next_poll_at > feed.last_polled_at
