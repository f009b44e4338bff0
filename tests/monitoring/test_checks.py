"""Background feed checks: bounded, always finished, never left "checking…"."""

from __future__ import annotations

from crm.extensions import db
from crm.monitoring import checks, services
from crm.monitoring.models import Feed
from tests import factories as make
from tests.monitoring.feedserver import rss


def test_a_check_stores_what_it_found_and_clears_the_wish(app, feed_server):
    feed = make.feed(feed_server.add("/a.xml", rss([{"title": "Ap", "guid": "urn:a"}])), "A")
    assert checks.request_check(feed)
    assert checks.wait_idle()
    db.session.expire_all()
    feed = db.session.get(Feed, feed.id)
    assert feed.check_requested_at is None and feed.check_finished_at is not None
    assert "Entries found: 1." in str(feed.check_result)
    assert checks.check_state(feed) == ""


def test_a_full_pool_leaves_the_feed_to_the_next_poll(app, monkeypatch):
    feed = make.feed("https://www.example.no/rss", "Eksempel")
    db.session.execute(db.update(Feed).where(Feed.id == feed.id).values(next_poll_at=None))
    db.session.commit()
    monkeypatch.setattr(checks, "_pending", checks.MAX_WORKERS + checks.MAX_QUEUED)
    assert not checks.request_check(feed)
    feed = db.session.get(Feed, feed.id)
    assert feed.check_requested_at is None and feed.next_poll_at is not None
    assert checks.check_state(feed) == ""  # nothing shown as "checking…" that nobody runs


def test_a_check_that_breaks_still_finishes_with_a_message(app, monkeypatch):
    feed = make.feed("https://www.example.no/rss", "Eksempel")

    def broken(_feed):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "poll_one", broken)
    assert checks.request_check(feed)
    assert checks.wait_idle()
    db.session.expire_all()
    feed = db.session.get(Feed, feed.id)
    assert feed.check_requested_at is None
    assert "failed unexpectedly" in str(feed.check_result)
