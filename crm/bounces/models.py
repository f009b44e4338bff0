"""What bounces left: one row per contact address that bounced, and one per bounce read."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import Audited
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum
from crm.messages import Message, StoredMessage
from crm.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from crm.contacts.models import Contact


class BounceKind(LabelledEnum):
    HARD = "hard", _l("permanent (hard)")
    SOFT = "soft", _l("temporary (soft)")


class MatchedBy(LabelledEnum):
    """How a bounce was tied to its send: the envelope token is the surest."""
    TOKEN = "token", _l("envelope token")
    MESSAGE_ID = "message_id", _l("Message-ID")
    ADDRESS = "address", _l("address")


class AddressBounce(Audited, db.Model):
    """The bounce state of one address of one contact: soft bounces in a row, and once
    `undeliverable_at` is set, the address is skipped by every later send. Deleted when the
    address is removed or changed on the contact (and so cleared)."""

    __tablename__ = "address_bounce"
    # The address and the server's words (which often quote it) never reach the audit log,
    # so erasing the contact leaves none of them there.
    __audit_secret__ = ("email", "reason")
    __table_args__ = (UniqueConstraint("contact_id", "email",
                                       name="uq_address_bounce_contact_id_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))  # lower case
    soft_in_a_row: Mapped[int] = mapped_column(default=0)
    undeliverable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[Message] = mapped_column(StoredMessage, default="")  # why undeliverable
    last_bounce_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact: Mapped[Contact] = relationship()

    def audit_label(self) -> str:
        return f"contact {self.contact_id}"

    @property
    def undeliverable(self) -> bool:
        return self.undeliverable_at is not None


class BounceEvent(db.Model):
    """One failure reported by one bounce message, and the send it was tied to (if any).

    `source` is a digest of the bounce message: reading the same message twice (a mailbox
    that could not be flagged, a second reader) records it once.
    """

    __tablename__ = "bounce_event"
    __table_args__ = (
        UniqueConstraint("source", "email", name="uq_bounce_event_source_email"),
        Index("ix_bounce_event_recipient", "recipient_id"),
        Index("ix_bounce_event_contact", "contact_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(8))  # BounceKind
    status: Mapped[str] = mapped_column(String(16), default="")  # DSN status, e.g. 5.1.1
    diagnostic: Mapped[str] = mapped_column(String(500), default="")
    matched_by: Mapped[str] = mapped_column(String(16), default="")  # MatchedBy, "" if none
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("distribution_recipient.id", ondelete="SET NULL"))

    @property
    def kind_label(self) -> str:
        return BounceKind.label_of(self.kind)
