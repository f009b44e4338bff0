"""feedparser's 2,248-file robustness corpus through the real fetch-parse-store pipeline.

Every file is served on loopback with its own response headers and polled in one cycle. The
bar: no unhandled exception for any file; each feed ends either healthy with its entries stored
or with a clear error recorded on it; no feed gets entries from another file.
"""

from __future__ import annotations

import pytest

from crm.extensions import db
from crm.monitoring import services
from crm.monitoring.models import ArticleSource, Feed
from tests.monitoring.corpus import CORPUS, corpus_files, serve_corpus

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not corpus_files(), reason=f"feed corpus not found at {CORPUS} "
                                                  "(it lives in ../shared/feeds)"),
]


def test_every_corpus_file_is_handled(app, feed_server):
    app.config.update(CRM_FEED_READ_TIMEOUT=5, CRM_FEED_DEADLINE=20)
    urls = serve_corpus(feed_server)
    assert len(urls) >= 2000
    db.session.add_all(Feed(url=url, name=path.name, next_poll_at=None)
                       for url, path in urls.items())
    db.session.commit()
    summary = services.poll_feeds(services.due_feeds(), workers=8)

    assert summary.feeds == len(urls) and len(summary.reports) == len(urls)
    internal = [r for r in summary.reports
                if str(r.error or "").startswith(("Could not store", "Unexpected error"))]
    assert internal == []
    feeds = db.session.scalars(db.select(Feed)).all()
    for feed in feeds:
        assert feed.last_polled_at is not None, feed.name
        if feed.consecutive_failures:
            assert str(feed.last_error).strip(), feed.name
            assert feed.health == "failing"
        else:
            assert feed.last_success_at is not None and feed.health in ("ok", "warning")
    sources = dict(db.session.execute(
        db.select(ArticleSource.feed_id, db.func.count()).group_by(ArticleSource.feed_id)).all())
    for feed in feeds:  # a feed's sources come from its own entries only
        assert sources.get(feed.id, 0) <= feed.last_entry_count, feed.name
    assert summary.ok > 1500 and summary.counts.new_articles > 500

    by_name = {f.url.rsplit("/tests/", 1)[1]: f for f in feeds}
    assert "404" in str(by_name["http/http_status_404.xml"].last_error)
    assert by_name["http/http_status_301.xml"].health == "ok"  # followed to target.xml
    assert "Location" in str(by_name["http/http_status_302-no-location.xml"].last_error)
    assert by_name["compression/gzip.gz"].health in ("ok", "warning")
    assert by_name["compression/deflate.z"].health in ("ok", "warning")
    assert by_name["compression/gzip-struct-error.gz"].health == "failing"
