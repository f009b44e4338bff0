"""Fixtures for the monitoring tests: a feed server on loopback and quick data builders."""

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


def make_outlet(name: str):
    from crm.contacts.services import save_organisation
    return save_organisation(None, name=name, kind="outlet")


def make_contact(name: str, kind: str = "journalist", organisation=None):
    from crm.contacts.services import ContactData, create_contact
    return create_contact(ContactData(kind=kind, name=name,
                                      organisation_id=organisation.id if organisation else None))


def make_term(term: str, group: str = "party", **kwargs):
    from crm.monitoring.mentions import TermData, save_term
    return save_term(None, TermData(term=term, group=group, **kwargs))[0]


def make_feed(url: str, name: str = "", organisation=None, fetch_now: bool = False):
    from crm.monitoring.services import FeedData, create_feed
    feed, _report = create_feed(FeedData(url, name or url[-40:],
                                         organisation.id if organisation else None),
                                fetch_now=fetch_now, keep_if_failing=True)
    return feed
