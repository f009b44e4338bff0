"""What press releases hold about a contact, for the privacy export and erasure.

Sends to the contact (with the name and address used), quotes attributed to them and releases
naming them as contact person. Erasure blanks the copied name and address on every send (the
send itself stays, so counts remain), and unlinks quotes and contact-person references; the
published text of a release is left as it was published. Core statements, so no audit entry
copies the removed data.
"""

from __future__ import annotations

from sqlalchemy import update

from crm.extensions import db
from crm.releases.models import Distribution, DistributionRecipient, Release, ReleaseQuote


def export_releases(contact) -> dict:
    sends = db.session.execute(
        db.select(DistributionRecipient, Release.title)
        .join(Distribution, Distribution.id == DistributionRecipient.distribution_id)
        .join(Release, Release.id == Distribution.release_id)
        .where(DistributionRecipient.contact_id == contact.id)
        .order_by(DistributionRecipient.id)).all()
    quotes = db.session.execute(
        db.select(ReleaseQuote.text, Release.title)
        .join(Release, Release.id == ReleaseQuote.release_id)
        .where(ReleaseQuote.contact_id == contact.id).order_by(ReleaseQuote.id)).all()
    spokesperson_for = db.session.scalars(
        db.select(Release.title).where(Release.spokesperson_id == contact.id)
        .order_by(Release.id)).all()
    return {
        "releases_sent": [{"release": title, "name": r.name, "email": r.email,
                           "status": r.status, "reason": str(r.reason),
                           "sent_at": r.sent_at.isoformat() if r.sent_at else None}
                          for r, title in sends],
        "quotes": [{"release": title, "text": text} for text, title in quotes],
        "contact_person_for": list(spokesperson_for),
    }


def erase_releases(contact) -> None:
    db.session.execute(update(DistributionRecipient)
                       .where(DistributionRecipient.contact_id == contact.id)
                       .values(name="", email="", reason="", contact_id=None))
    db.session.execute(update(ReleaseQuote).where(ReleaseQuote.contact_id == contact.id)
                       .values(contact_id=None))
    db.session.execute(update(Release).where(Release.spokesperson_id == contact.id)
                       .values(spokesperson_id=None))

