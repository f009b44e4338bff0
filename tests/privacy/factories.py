"""Building contacts and interaction-log rows for the privacy tests (straight through the ORM)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from crm.contacts.lists import add_members, save_media_list
from crm.contacts.models import Contact
from crm.contacts.services import ContactData, create_contact, save_organisation
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry
from crm.timeutil import utcnow

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def journalist(name="Åse Ødegård", emails=("ase.odegard@nrk.no",), phones=("912 34 567",),
               **kw) -> Contact:
    return create_contact(ContactData(kind="journalist", name=name, emails=list(emails),
                                      phones=list(phones), **kw))


def full_journalist() -> Contact:
    """A journalist with something in every field, an outlet and a media list."""
    nrk = save_organisation(None, name="NRK", kind="outlet")
    contact = journalist(
        organisation_id=nrk.id, title="Politisk reporter", region="Vestland",
        emails=["ase.odegard@nrk.no", "ase@example.no"], phones=["912 34 567", "22 33 44 55"],
        beats="helse, politikk", tags="viktig", address="Storgata 1\n0155 Oslo",
        social="@aseodegard", notes="Foretrekker SMS før kl. 9.",
        lawful_basis="consent", consent_date=date(2025, 1, 2),
        data_source="Byline i NRK.no", preferred_language="nn")
    health = save_media_list(None, name="Helsejournalister")
    add_members(health, [contact.id])
    return contact


def log(contacts, kind="phone", when=None, subject="", notes="", outcome="", staff=None,
        follow_up_note=None, answer=None) -> Interaction:
    interaction = Interaction(kind=kind, direction="inbound", occurred_at=when or utcnow(),
                              subject=subject, notes=notes, outcome=outcome,
                              staff_id=staff.id if staff else None, contacts=list(contacts))
    if follow_up_note is not None:
        interaction.follow_ups.append(FollowUp(due_at=(when or utcnow()) + timedelta(days=1),
                                               note=follow_up_note,
                                               assignee_id=staff.id if staff else None))
    if answer is not None:
        interaction.inquiry = PressInquiry(status="answered", answer=answer,
                                           deadline=(when or utcnow()) + timedelta(hours=3))
    db.session.add(interaction)
    db.session.commit()
    return interaction


def backdate(contact: Contact, created: datetime, updated: datetime | None = None) -> None:
    """Pretend a contact was created (and last changed) at a given time."""
    db.session.execute(update(Contact).where(Contact.id == contact.id).values(
        created_at=created, updated_at=updated or created))
    db.session.commit()
