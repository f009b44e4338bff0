from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import Audited
from crm.extensions import db
from crm.interactions.labels import Direction, InquiryStatus, InteractionKind
from crm.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.contacts.models import Contact

INTERACTION_KINDS = InteractionKind.values()  # "release": a press release sent to the contact
DIRECTIONS = Direction.values()
INQUIRY_STATUSES = InquiryStatus.values()
OPEN_INQUIRY_STATUSES = (InquiryStatus.NEW.value, InquiryStatus.IN_PROGRESS.value)

interaction_contact = Table(
    "interaction_contact",
    db.Model.metadata,
    Column("interaction_id", ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Interaction(Audited, db.Model):
    """One contact with one or more people: a call, an email, a meeting, an inquiry ..."""

    __tablename__ = "interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    direction: Mapped[str] = mapped_column(String(8), default="outbound")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contacts: Mapped[list[Contact]] = relationship(secondary=interaction_contact,
                                                   order_by="Contact.sort_name")
    staff: Mapped[User | None] = relationship(foreign_keys=[staff_id])
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="interaction", cascade="all, delete-orphan", order_by="FollowUp.due_at")
    inquiry: Mapped[PressInquiry | None] = relationship(
        back_populates="interaction", cascade="all, delete-orphan", uselist=False)

    def audit_label(self) -> str:
        return f"{self.kind}: {self.subject}"[:300]


class FollowUp(Audited, db.Model):
    """Something someone must do by a time, usually after an interaction."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_open", "assignee_id", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interaction: Mapped[Interaction | None] = relationship(back_populates="follow_ups")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    def audit_label(self) -> str:
        return self.note[:300]


class PressInquiry(Audited, db.Model):
    """An inbound request for comment with a deadline; one-to-one with its interaction."""

    __tablename__ = "press_inquiry"
    __table_args__ = (Index("ix_press_inquiry_open", "status", "deadline"),)

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    interaction: Mapped[Interaction] = relationship(back_populates="inquiry")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INQUIRY_STATUSES

    def audit_label(self) -> str:
        return f"inquiry {self.status}"


class CalendarFeedToken(db.Model):
    """A user's secret calendar subscription URL; only a SHA-256 hash of the token is kept.

    One per user: creating a new one replaces the old (whose URL then gives 404)."""

    __tablename__ = "calendar_feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
