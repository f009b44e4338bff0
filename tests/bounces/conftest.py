"""Fixtures for the bounce tests: a sent distribution with VERP envelopes, a Dovecot server."""

from __future__ import annotations

import pytest

from crm.releases import distribution
from tests import factories as make
from tests.bounces.mailboxes import Dovecot


@pytest.fixture
def bounce_setup(app, users, smtp_server):
    """Three journalists on a media list, a second editor, bounces to bounces@parti.no."""
    app.config["CRM_BOUNCE_ADDRESS"] = "bounces@parti.no"
    people = [make.journalist("Kari Nordmann", email="kari@nrk.no"),
              make.journalist("Per Hansen", email="per@vg.no"),
              make.journalist("Åse Ødegård", email="ase@aftenposten.no")]
    media_list = make.media_list("Politikk nasjonalt", people)
    second = make.make_user("editor2@example.no", "editor", name="Åse Redaktør")
    return {"people": people, "media_list": media_list, "second": second, "users": users,
            "smtp": smtp_server}


@pytest.fixture
def send(bounce_setup):
    """send(title) -> the sent distribution to the media list (a new approved release)."""
    def send_release(title: str = "Ap & Høyre er enige", contact_ids=()):
        release = make.approved(bounce_setup["users"]["editor"], bounce_setup["second"],
                                title=title)
        created = distribution.create_distribution(
            release, list_ids=[bounce_setup["media_list"].id] if not contact_ids else [],
            contact_ids=list(contact_ids), send_at=None, user_id=release.created_by_id)
        distribution.send_distribution(created)
        return created
    return send_release


@pytest.fixture
def dovecot():
    server = Dovecot().start()
    yield server
    server.stop()
