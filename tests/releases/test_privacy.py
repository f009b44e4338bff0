"""Releases take part in the GDPR export and erasure of a contact."""

import json

from crm.extensions import db
from crm.privacy.services import erase_contact, export_contact
from crm.releases import distribution
from crm.releases.models import DistributionRecipient, Release, ReleaseQuote
from tests.factories import approved, contact


def test_sends_quotes_and_contact_person_are_exported_then_erased(
        app, users, second_editor, politician, smtp_server):
    kari = contact("Kari Nordmann", email="kari@nrk.no")
    release = approved(users["editor"], second_editor, spokesperson_id=politician.id,
                       quotes=[(politician.id, "Vi står sammen.")])
    sent = distribution.create_distribution(release, list_ids=[],
                                            contact_ids=[kari.id, politician.id],
                                            send_at=None, user_id=users["editor"].id)
    distribution.send_distribution(sent)

    exported = json.loads(json.dumps(export_contact(politician), default=str))
    part = exported["releases"]
    assert part["quotes"][0]["text"] == "Vi står sammen."
    assert part["contact_person_for"] == [release.title]
    assert part["releases_sent"][0]["email"] == "jonas@partiet.no"

    erase_contact(politician, users["admin"].id)
    db.session.expire_all()
    recipients = db.session.scalars(db.select(DistributionRecipient)).all()
    assert len(recipients) == 2  # the send is still counted
    assert "jonas@partiet.no" not in [r.email for r in recipients]
    assert "Jonas Ødegård" not in [r.name for r in recipients]
    assert db.session.scalar(db.select(ReleaseQuote)).contact_id is None
    assert db.session.get(Release, release.id).spokesperson_id is None
