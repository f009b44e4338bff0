"""Helpers for the interaction tests: contacts, times in Oslo, logging in one call."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crm.contacts.models import Organisation
from crm.contacts.services import ContactData, create_contact, save_organisation
from crm.extensions import db
from crm.interactions.services import (
    FollowUpData,
    InquiryData,
    InteractionData,
    log_interaction,
)

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args) -> datetime:
    """An aware datetime given as Oslo wall-clock time."""
    return datetime(*args, tzinfo=OSLO)


def make_contact(name="Åse Ødegård", org=None, **kw):
    organisation = None
    if org:
        found = db.session.scalar(db.select(Organisation).where(Organisation.name == org))
        organisation = (found or save_organisation(None, name=org, kind="outlet")).id
    return create_contact(ContactData(kind="journalist", name=name,
                                      organisation_id=organisation, **kw))


def log(contacts, *, kind="phone", when=None, staff=None, subject="Budsjettet", follow_up=None,
        inquiry=None, **kw):
    contacts = contacts if isinstance(contacts, list) else [contacts]
    return log_interaction(InteractionData(
        kind=kind, occurred_at=when or oslo(2026, 3, 10, 9, 0),
        contact_ids=[c.id for c in contacts], staff_id=staff.id if staff else None,
        subject=subject, follow_up=follow_up, inquiry=inquiry, **kw))


def follow_up(due, assignee, note="Ring tilbake"):
    return FollowUpData(due_at=due, assignee_id=assignee.id, note=note)


def inquiry(deadline=None, assignee=None, status="new", answer=""):
    return InquiryData(deadline=deadline, assignee_id=assignee.id if assignee else None,
                       status=status, answer=answer)


@pytest.fixture
def kari(app):
    return make_contact("Kari Nordmann", org="NRK", emails=["kari@nrk.no"], phones=["91234567"])


@pytest.fixture
def ola(app):
    return make_contact("Ola Ødegård", org="VG")
