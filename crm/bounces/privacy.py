"""What bounces hold about a contact: the bounce state of their addresses and the bounces
read (tied to the contact, to one of their sends, or naming one of their addresses). Erasure
deletes both (Core statements, so no audit entry copies the addresses)."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select

from crm.bounces.models import AddressBounce, BounceEvent
from crm.extensions import db


def _events_of(contact):
    """Bounces about the contact: tied to them or their sends, or naming their address."""
    from crm.releases.models import DistributionRecipient
    emails = [e.email.lower() for e in contact.emails if e.email]
    sends = select(DistributionRecipient.id).where(
        DistributionRecipient.contact_id == contact.id)
    return or_(BounceEvent.contact_id == contact.id, BounceEvent.recipient_id.in_(sends),
               func.lower(BounceEvent.email).in_(emails))


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export_bounces(contact) -> dict:
    states = db.session.scalars(db.select(AddressBounce).where(
        AddressBounce.contact_id == contact.id).order_by(AddressBounce.id))
    events = db.session.scalars(db.select(BounceEvent).where(_events_of(contact))
                                .order_by(BounceEvent.id))
    return {
        "addresses": [{"email": s.email, "soft_bounces_in_a_row": s.soft_in_a_row,
                       "undeliverable_since": _when(s.undeliverable_at),
                       "reason": str(s.reason), "last_bounce_at": _when(s.last_bounce_at)}
                      for s in states],
        "bounces": [{"email": e.email, "kind": e.kind, "status": e.status,
                     "diagnostic": e.diagnostic, "received_at": _when(e.received_at)}
                    for e in events],
    }


def erase_bounces(contact) -> None:
    db.session.execute(delete(AddressBounce).where(AddressBounce.contact_id == contact.id))
    db.session.execute(delete(BounceEvent).where(_events_of(contact))
                       .execution_options(synchronize_session=False))
