"""Fixtures for the monitoring tests: a feed server on loopback and tight fetch limits.

Data builders (feeds, watch terms, articles) are in tests/factories.py.
"""

from __future__ import annotations

import pytest

from tests.monitoring.feedserver import FeedServer


@pytest.fixture
def feed_server():
    with FeedServer() as server:
        yield server


@pytest.fixture
def fast_limits(app):
    """Tight limits so hostile servers are refused quickly."""
    app.config.update(CRM_FEED_CONNECT_TIMEOUT=2, CRM_FEED_READ_TIMEOUT=1, CRM_FEED_DEADLINE=3,
                      CRM_FEED_MAX_BYTES=1024 * 1024, CRM_FEED_MAX_REDIRECTS=5)
    return app.config
