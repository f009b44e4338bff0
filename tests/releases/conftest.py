"""Fixtures for the release tests: a second editor, a politician to quote, a media list."""

from __future__ import annotations

import pytest

from tests import factories as make


@pytest.fixture
def second_editor(app):
    return make.make_user("editor2@example.no", "editor", name="Åse Redaktør")


@pytest.fixture
def politician(app):
    return make.politician("Jonas Ødegård", email="jonas@partiet.no",
                           title="stortingsrepresentant", phones=["912 34 567"])


@pytest.fixture
def media_list(app):
    """Three who may get it, one opted out, one without lawful basis, one without email."""
    return make.media_list("Politikk nasjonalt", [
        make.journalist("Kari Nordmann", email="kari@nrk.no"),
        make.journalist("Per Hansen", email="per@vg.no"),
        make.journalist("Åsa Ødegård", email="asa@aftenposten.no"),
        make.journalist("Olav Optout", email="olav@dagbladet.no", opted_out=True),
        make.journalist("Nina Nobasis", email="nina@nationen.no", lawful_basis="none"),
        make.journalist("Ingen Epost")])


@pytest.fixture
def feed_server():
    """An RSS server on loopback (the breach watch reads articles as monitoring does)."""
    from tests.monitoring.feedserver import FeedServer
    with FeedServer() as server:
        yield server
