from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from crm.audit.models import Audited
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum
from crm.text import name_key
from crm.timeutil import UTCDateTime, utcnow


class ContactKind(LabelledEnum):
    JOURNALIST = "journalist", _l("Journalist"), _l("Journalists")
    POLITICIAN = "politician", _l("Politician"), _l("Politicians")
    OFFICIAL = "official", _l("Official"), _l("Officials")


class OrganisationKind(LabelledEnum):
    OUTLET = "outlet", _l("Media outlet"), _l("Media outlets")
    PARTY = "party", _l("Party"), _l("Parties")
    MINISTRY = "ministry", _l("Ministry"), _l("Ministries")
    AGENCY = "agency", _l("Agency"), _l("Agencies")
    OTHER = "other", _l("Other"), _l("Other")


class LawfulBasis(LabelledEnum):
    LEGITIMATE_INTEREST = "legitimate_interest", _l("Legitimate interest")
    CONSENT = "consent", _l("Consent")
    PUBLIC_TASK = "public_task", _l("Public task")
    CONTRACT = "contract", _l("Contract")
    LEGAL_OBLIGATION = "legal_obligation", _l("Legal obligation")
    NONE = "none", _l("None recorded")


class ContactLanguage(LabelledEnum):
    """The language a contact prefers (releases are written in one of these)."""
    NB = "nb", _l("Bokmål")
    NN = "nn", _l("Nynorsk")
    EN = "en", _l("English")


CONTACT_KINDS = ContactKind.values()
ORGANISATION_KINDS = OrganisationKind.values()
LAWFUL_BASES = LawfulBasis.values()
CONTACT_LANGUAGES = ("nb", "nn", "en")

# Byte order in both databases ("C" collation on PostgreSQL), so the sort key decides.
SortKey = String(300).with_variant(String(300, collation="C"), "postgresql")

contact_tag = Table(
    "contact_tag",
    db.Model.metadata,
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Organisation(Audited, db.Model):
    __tablename__ = "organisation"
    __table_args__ = (Index("uq_organisation_name_key", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # crm.text.name_key(name), set with the name: "Østlandets Blad" = "østlandets blad".
    # A unique index (not a constraint): SQLite can add one without rebuilding the table.
    name_key: Mapped[str] = mapped_column(String(200), server_default="")
    sort_name: Mapped[str] = mapped_column(SortKey, index=True)
    kind: Mapped[str] = mapped_column(String(16), default="outlet", index=True)
    website: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contacts: Mapped[list[Contact]] = relationship(back_populates="organisation",
                                                   passive_deletes=True)

    @validates("name")
    def _set_key(self, _field, value):
        self.name_key = name_key(value)[:type(self).__table__.c.name_key.type.length]
        return value


class Tag(db.Model):
    __tablename__ = "tag"
    __table_args__ = (Index("uq_tag_name_key", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_key: Mapped[str] = mapped_column(String(80), server_default="")  # crm.text.name_key

    @validates("name")
    def _set_key(self, _field, value):
        self.name_key = name_key(value)[:type(self).__table__.c.name_key.type.length]
        return value


class Contact(Audited, db.Model):
    __tablename__ = "contact"
    __audit_secret__ = ("search_text",)
    __table_args__ = (
        # The register's usual questions, live (not erased) contacts in alphabetical order, of
        # one kind or all, and how many: answered from these indexes alone, without sorting or
        # reading every row. Partial rather than led by erased_at, whose "IS NULL" would look
        # selective to SQLite's planner (no statistics) and beat the search index.
        # On PostgreSQL the index also carries search_text: a search's page is then picked by
        # walking the index alone, with no visit to the table for every contact it passes over
        # (crm.contacts.services.contacts_page; SQLite searches its FTS table instead).
        Index("ix_contact_live", "sort_name", "id", "erased_at",
              sqlite_where=text("erased_at IS NULL"), postgresql_where=text("erased_at IS NULL"),
              postgresql_include=["search_text"]),
        Index("ix_contact_live_kind", "kind", "sort_name", "id", "erased_at",
              sqlite_where=text("erased_at IS NULL"), postgresql_where=text("erased_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(SortKey, index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")  # role or job title
    region: Mapped[str] = mapped_column(String(100), default="", index=True)
    office: Mapped[str] = mapped_column(String(100), default="")  # MP, minister, mayor ...
    constituency: Mapped[str] = mapped_column(String(100), default="")
    committee: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    social: Mapped[str] = mapped_column(Text, default="")  # one handle or URL per line
    notes: Mapped[str] = mapped_column(Text, default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="nb")
    lawful_basis: Mapped[str] = mapped_column(String(32), default="legitimate_interest")
    consent_date: Mapped[date | None]
    data_source: Mapped[str] = mapped_column(String(300), default="")  # GDPR Art. 14
    # When the person was told that we hold data from that source (the Art. 14 notice).
    source_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opted_out: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Folded text of name, emails, phones, organisation, beats and notes: the search index.
    search_text: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation | None] = relationship(back_populates="contacts")
    emails: Mapped[list[ContactEmail]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactEmail.position")
    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPhone.position")
    beats: Mapped[list[ContactBeat]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactBeat.name")
    tags: Mapped[list[Tag]] = relationship(secondary=contact_tag, order_by="Tag.name")

    @property
    def primary_email(self) -> str:
        return self.emails[0].email if self.emails else ""

    @property
    def primary_phone(self) -> str:
        return self.phones[0].number if self.phones else ""

    @property
    def may_be_contacted(self) -> bool:
        return not self.opted_out and self.lawful_basis != "none" and self.erased_at is None


class ContactEmail(db.Model):
    __tablename__ = "contact_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="emails")


class ContactPhone(db.Model):
    __tablename__ = "contact_phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[str] = mapped_column(String(32), index=True)  # E.164, e.g. +4791234567
    position: Mapped[int] = mapped_column(default=0)

    contact: Mapped[Contact] = relationship(back_populates="phones")


class ContactBeat(db.Model):
    __tablename__ = "contact_beat"
    __table_args__ = (Index("ix_contact_beat_name_contact", "name", "contact_id"),)

    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            primary_key=True)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)

    contact: Mapped[Contact] = relationship(back_populates="beats")


class MediaList(Audited, db.Model):
    __tablename__ = "media_list"
    __table_args__ = (Index("uq_media_list_name_key", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = mapped_column(String(200), server_default="")  # crm.text.name_key
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    members: Mapped[list[MediaListMember]] = relationship(
        back_populates="media_list", cascade="all, delete-orphan",
        order_by="MediaListMember.position")

    @validates("name")
    def _set_key(self, _field, value):
        self.name_key = name_key(value)[:type(self).__table__.c.name_key.type.length]
        return value


class MediaListMember(db.Model):
    __tablename__ = "media_list_member"

    media_list_id: Mapped[int] = mapped_column(
        ForeignKey("media_list.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    media_list: Mapped[MediaList] = relationship(back_populates="members")
    contact: Mapped[Contact] = relationship()


class SavedFilter(db.Model):
    """A contact-list filter a user saved under a name; shared ones the whole team sees."""

    __tablename__ = "saved_filter"
    __table_args__ = (Index("ix_saved_filter_owner", "user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000), default="")  # the list's URL query string
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The search index (FTS5 triggers, pg_trgm index) is created with the tables: its DDL events
# must be known wherever the models are.
from crm.contacts import search  # noqa: E402,F401
