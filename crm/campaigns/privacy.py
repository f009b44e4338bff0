"""What campaigns hold about a contact: the key messages a politician is to carry, and the
articles where they were found carrying one. Erasure unlinks both (Core statements, so no
audit entry copies the data); the messages and the pull-through figures stay."""

from __future__ import annotations

from sqlalchemy import delete, update

from crm.campaigns.models import Campaign, KeyMessage, PullThrough, message_spokesperson
from crm.extensions import db


def export_campaigns(contact) -> dict:
    rows = db.session.execute(
        db.select(Campaign.name, KeyMessage.wording)
        .join(KeyMessage, KeyMessage.campaign_id == Campaign.id)
        .join(message_spokesperson, message_spokesperson.c.message_id == KeyMessage.id)
        .where(message_spokesperson.c.contact_id == contact.id)
        .order_by(Campaign.name, KeyMessage.position)).all()
    carried = db.session.scalar(db.select(db.func.count()).select_from(PullThrough).where(
        PullThrough.spokesperson_id == contact.id)) or 0
    return {"spokesperson_for": [{"campaign": name, "message": wording}
                                 for name, wording in rows],
            "articles_carrying_a_message": carried}


def erase_campaigns(contact) -> None:
    db.session.execute(delete(message_spokesperson).where(
        message_spokesperson.c.contact_id == contact.id))
    db.session.execute(update(PullThrough).where(PullThrough.spokesperson_id == contact.id)
                       .values(spokesperson_id=None, quoted=False))
