"""Campaigns, their key messages, and the stored pull-through of each message in each article.

A campaign's scope is not stored: it is the articles with a (non-noise) mention of one of its
watch terms in its period, read from `mention` when a report is made, so a watch term that is
re-matched changes the scope at once. What is stored is the costly part, the detection:
`CampaignArticle` marks an article as examined for the campaign (with the campaign's current
messages) and `PullThrough` holds each message found in it (absent messages have no row).
Editing a campaign or a message drops both, and they are computed again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import Audited
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum
from crm.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from crm.contacts.models import Contact
    from crm.monitoring.models import WatchTerm


class Side(LabelledEnum):
    """Whose campaign it is: competitors' campaigns are measured the same way as ours."""
    OURS = "ours", _l("Ours")
    COMPETITOR = "competitor", _l("A competitor's")


class Level(LabelledEnum):
    """How a message appears in an article (crm/campaigns/detection.py)."""
    EXPLICIT = "explicit", _l("explicit")
    PARTIAL = "partial", _l("partial")
    ABSENT = "absent", _l("absent")


SIDES = Side.values()

campaign_term = Table(
    "campaign_term", db.metadata,
    Column("campaign_id", ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("watch_term.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

message_spokesperson = Table(
    "key_message_spokesperson", db.metadata,
    Column("message_id", ForeignKey("key_message.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Campaign(Audited, db.Model):
    """A campaign with a period, its issues (watch terms) and three to seven key messages."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    side: Mapped[str] = mapped_column(String(16), default="ours")
    party: Mapped[str] = mapped_column(String(200), default="")  # the competitor, if one
    start_date: Mapped[date]
    end_date: Mapped[date]  # inclusive
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    terms: Mapped[list[WatchTerm]] = relationship(secondary=campaign_term,
                                                  order_by="WatchTerm.term")
    messages: Mapped[list[KeyMessage]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", passive_deletes=True,
        order_by="KeyMessage.position")

    @property
    def is_ours(self) -> bool:
        return self.side == Side.OURS.value


class KeyMessage(Audited, db.Model):
    """One key message: its canonical wording, accepted variants and key phrases (one per
    line), and optionally the spokespeople who should carry it."""

    __tablename__ = "key_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    wording: Mapped[str] = mapped_column(Text)
    variants: Mapped[str] = mapped_column(Text, default="")
    key_phrases: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship(back_populates="messages")
    spokespeople: Mapped[list[Contact]] = relationship(secondary=message_spokesperson,
                                                       order_by="Contact.sort_name")

    def audit_label(self) -> str:
        return self.wording[:100]

    @property
    def variant_list(self) -> list[str]:
        return [v for v in (self.variants or "").splitlines() if v.strip()]

    @property
    def phrase_list(self) -> list[str]:
        return [v for v in (self.key_phrases or "").splitlines() if v.strip()]


class CampaignArticle(db.Model):
    """An article examined for a campaign's current messages (its PullThrough rows are then
    complete: a message without a row is absent)."""

    __tablename__ = "campaign_article"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PullThrough(db.Model):
    """A key message found in an article: how (explicit or partial), where (title or
    summary), the words that showed it, and the message's spokesperson named in it, if any."""

    __tablename__ = "pull_through"
    __table_args__ = (UniqueConstraint("article_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"),
                                            index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("key_message.id", ondelete="CASCADE"),
                                            index=True)
    level: Mapped[str] = mapped_column(String(8))  # explicit or partial
    place: Mapped[str] = mapped_column(String(8), default="summary")  # title or summary
    score: Mapped[int] = mapped_column(default=100)  # 100 for a phrase hit, else similarity
    evidence: Mapped[str] = mapped_column(Text, default="")  # plain text
    spokesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    quoted: Mapped[bool] = mapped_column(default=False)

    message: Mapped[KeyMessage] = relationship()
    spokesperson: Mapped[Contact | None] = relationship()
