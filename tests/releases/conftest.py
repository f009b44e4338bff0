"""Fixtures for the release tests: people, a media list, templates and releases."""

from __future__ import annotations

import pytest

from crm.contacts.lists import add_members, save_media_list
from crm.contacts.services import ContactData, create_contact
from crm.releases import services, workflow
from tests.conftest import make_user


def contact(name, kind="journalist", email=None, **kw):
    emails = [email] if email else []
    return create_contact(ContactData(kind=kind, name=name, emails=emails, **kw))


@pytest.fixture
def second_editor(app):
    return make_user("editor2@example.no", "editor", name="Åse Redaktør")


@pytest.fixture
def politician(app):
    return contact("Jonas Ødegård", kind="politician", email="jonas@partiet.no",
                   title="stortingsrepresentant", phones=["912 34 567"])


def draft(user, **kw):
    values = {"title": "Ap & Høyre er enige om æøå", "lead": "En ingress.",
              "body": "Første avsnitt med **fet** tekst.\n\n- punkt én\n- punkt to"}
    values.update(kw)
    return services.save_release(None, services.ReleaseData(**values), user.id)


def approved(author, approver, **kw):
    release = draft(author, **kw)
    workflow.transition(release, "submit", author.id)
    workflow.transition(release, "approve", approver.id)
    return release


@pytest.fixture
def media_list(app):
    """Three who may get it, one opted out, one without lawful basis, one without email."""
    people = [contact("Kari Nordmann", email="kari@nrk.no"),
              contact("Per Hansen", email="per@vg.no"),
              contact("Åsa Ødegård", email="asa@aftenposten.no"),
              contact("Olav Optout", email="olav@dagbladet.no", opted_out=True),
              contact("Nina Nobasis", email="nina@nationen.no", lawful_basis="none"),
              contact("Ingen Epost")]
    ml = save_media_list(None, name="Politikk nasjonalt")
    add_members(ml, [p.id for p in people])
    return ml
