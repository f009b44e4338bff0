from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    exists,
    or_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from crm.audit.models import Audited
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.jobs.claims import stale_after
from crm.labels import LabelledEnum
from crm.messages import Message, StoredMessage, msg
from crm.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.contacts.models import Contact, Organisation, Tag
    from crm.monitoring.models import Article



class ReleaseLanguage(LabelledEnum):
    """The language a release is written in, named in itself."""
    NB = "nb", "Bokmål"
    NN = "nn", "Nynorsk"
    EN = "en", "English"


class TemplateLanguage(LabelledEnum):
    """Templates exist in these; nynorsk releases use the bokmål template unless one exists."""
    NB = "nb", "Norsk"
    EN = "en", "English"


class ReleaseStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    IN_REVIEW = "in_review", _l("In review")
    APPROVED = "approved", _l("Approved")
    PUBLISHED = "published", _l("Published")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class RecipientStatus(LabelledEnum):
    """One recipient of a distribution. "unknown" was left by older versions when the process
    died while the mail server had the message (migration sender1 makes those "failed"); now
    such a recipient is sent again with its Message-ID (crm/releases/distribution.py)."""
    PENDING = "pending", _l("waiting")
    SENDING = "sending", _l("sending")
    SENT = "sent", _l("sent")
    FAILED = "failed", _l("failed")
    SKIPPED = "skipped", _l("skipped")
    UNKNOWN = "unknown", _l("unknown")


RELEASE_LANGUAGES = ReleaseLanguage.values()
TEMPLATE_LANGUAGES = TemplateLanguage.values()
STATUSES = ReleaseStatus.values()
EDITABLE_STATUSES = ("draft", "in_review", "approved")
SENDABLE_STATUSES = ("approved", "published")
DISTRIBUTION_STATUSES = ("scheduled", "sending", "done", "cancelled")
RECIPIENT_STATUSES = RecipientStatus.values()

release_tag = Table(
    "release_tag",
    db.Model.metadata,
    Column("release_id", ForeignKey("release.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ReleaseTemplate(Audited, db.Model):
    """An uploaded (or the built-in default) .docx template, stored in the database."""

    __tablename__ = "release_template"
    __audit_secret__ = ("content",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="nb")
    filename: Mapped[str] = mapped_column(String(255), default="template.docx")
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    variables: Mapped[list] = mapped_column(JSON, default=list)  # placeholders it uses
    # the parts of a release its trial render showed (docx.SHOWN_PARTS); None: not checked yet
    shown: Mapped[list | None] = mapped_column(JSON)
    is_default: Mapped[bool] = mapped_column(default=False)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class OfficeLogo(Audited, db.Model):
    """The press office's logo (PNG or JPEG) for the letterhead of rendered releases; the
    newest row is the one in use."""

    __tablename__ = "office_logo"
    __audit_secret__ = ("content",)

    id: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    mimetype: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int] = mapped_column(Integer, default=0)  # pixels
    height: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()

    def audit_label(self) -> str:
        return self.filename or "logo"


class TextSnippet(Audited, db.Model):
    """Reusable boilerplate ("About the party", a contact block) a release can include."""

    __tablename__ = "text_snippet"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="nb")
    body: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Release(Audited, db.Model):
    __tablename__ = "release"
    __table_args__ = (Index("ix_release_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="nb")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    release_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("release_template.id", ondelete="SET NULL"))
    spokesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    # The contact person may be one of the staff instead (replies go to them: Reply-To).
    contact_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=0)  # number of the latest ReleaseVersion
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(  # the last editor (four eyes)
        ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Four eyes: a digest of all that goes out (workflow.content_digest), taken at approval;
    # a send whose content differs sends the release back to review instead.
    approved_digest: Mapped[str] = mapped_column(String(64), default="")
    # Why it went back to review without its own edit (a snippet or template changed).
    review_note: Mapped[Message] = mapped_column(StoredMessage, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    template: Mapped[ReleaseTemplate | None] = relationship()
    spokesperson: Mapped[Contact | None] = relationship(foreign_keys=[spokesperson_id])
    contact_user: Mapped[User | None] = relationship(foreign_keys=[contact_user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    tags: Mapped[list[Tag]] = relationship(secondary=release_tag, order_by="Tag.name")
    quotes: Mapped[list[ReleaseQuote]] = relationship(
        back_populates="release", cascade="all, delete-orphan", order_by="ReleaseQuote.position")
    snippet_links: Mapped[list[ReleaseSnippet]] = relationship(
        back_populates="release", cascade="all, delete-orphan",
        order_by="ReleaseSnippet.position")
    versions: Mapped[list[ReleaseVersion]] = relationship(
        back_populates="release", cascade="all, delete-orphan",
        order_by="ReleaseVersion.number.desc()", passive_deletes=True)
    distributions: Mapped[list[Distribution]] = relationship(
        back_populates="release", cascade="all, delete-orphan",
        order_by="Distribution.id.desc()", passive_deletes=True)

    @property
    def snippets(self) -> list[TextSnippet]:
        return [link.snippet for link in self.snippet_links]

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_sendable(self) -> bool:
        return self.status in SENDABLE_STATUSES

    @property
    def publish_moment(self) -> datetime | None:
        """When it is published openly: the chosen time, else the embargo's lift (None: at
        the first send)."""
        return self.release_at or self.embargo_until

    def under_embargo(self, at: datetime) -> bool:
        return self.embargo_until is not None and at < self.embargo_until

    def audit_label(self) -> str:
        return self.title[:300]


class ReleaseQuote(db.Model):
    """A quote in a release, attributed to a contact (usually one of our politicians)."""

    __tablename__ = "release_quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")

    release: Mapped[Release] = relationship(back_populates="quotes")
    contact: Mapped[Contact | None] = relationship()


class ReleaseSnippet(db.Model):
    __tablename__ = "release_snippet"

    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"),
                                            primary_key=True)
    snippet_id: Mapped[int] = mapped_column(ForeignKey("text_snippet.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    release: Mapped[Release] = relationship(back_populates="snippet_links")
    snippet: Mapped[TextSnippet] = relationship()


class ReleaseVersion(db.Model):
    """A snapshot of a release's content, kept on every save."""

    __tablename__ = "release_version"
    __table_args__ = (UniqueConstraint("release_id", "number",
                                       name="uq_release_version_release_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    release: Mapped[Release] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


class Distribution(Audited, db.Model):
    """One sending of a release to a set of recipients, now or at a time: one wave.

    A distribution in two waves (trusted journalists under embargo now, everyone else at the
    lift) is two rows: the first wave, and a later one pointing to it by `first_wave_id`,
    each with its own send time, claim and recipients (nobody in both).
    """

    __tablename__ = "distribution"
    __table_args__ = (Index("ix_distribution_due", "status", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"),
                                            index=True)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    media_list_names: Mapped[list] = mapped_column(JSON, default=list)  # what was chosen
    wave: Mapped[int] = mapped_column(default=1)
    first_wave_id: Mapped[int | None] = mapped_column(
        ForeignKey("distribution.id", ondelete="CASCADE"), index=True)
    attach_pdf: Mapped[bool] = mapped_column(default=False)  # a PDF beside the .docx
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[Message] = mapped_column(StoredMessage, default="")

    release: Mapped[Release] = relationship(back_populates="distributions")
    created_by: Mapped[User | None] = relationship()
    recipients: Mapped[list[DistributionRecipient]] = relationship(
        back_populates="distribution", cascade="all, delete-orphan",
        order_by="DistributionRecipient.id", passive_deletes=True)
    first_wave: Mapped[Distribution | None] = relationship(
        remote_side=[id], back_populates="later_waves")
    later_waves: Mapped[list[Distribution]] = relationship(
        back_populates="first_wave", order_by="Distribution.wave", passive_deletes=True)

    def audit_label(self) -> str:
        return f"distribution of release {self.release_id}"

    @property
    def waves(self) -> list[Distribution]:
        """All waves of the distribution this one belongs to, the first first."""
        first = self.first_wave or self
        return [first, *first.later_waves]

    @property
    def is_held(self) -> bool:
        """Scheduled, but the release is no longer approved (edited, withdrawn, a snippet or
        template changed): it waits until the release is approved again."""
        return self.status == "scheduled" and not self.release.is_sendable

    def under_embargo(self) -> bool:
        """Whether this wave goes out (or went out: its claim's time) before the embargo
        lifts, so that it states the embargo."""
        return self.release.under_embargo(self.claimed_at or self.scheduled_for)

    def count(self, status: str) -> int:
        return sum(1 for r in self.recipients if r.status == status)

    @hybrid_method
    def is_due(self, now: datetime) -> bool:
        """Whether it may be sent at `now` (the rule is the SQL expression below, only)."""
        session = object_session(self)
        return session is not None and session.scalar(select(Distribution.id).where(
            Distribution.id == self.id, Distribution.is_due(now))) is not None

    @is_due.expression
    def is_due(cls, now: datetime):
        """Due: scheduled and its time has come, or "sending" under a claim gone stale, and
        the release approved or published. An embargo does not hold it back: sending under
        embargo, before the lift, is the point of one (the message states it)."""
        release_ready = exists().where(
            Release.id == cls.release_id, Release.status.in_(SENDABLE_STATUSES))
        return and_(or_(and_(cls.status == "scheduled", cls.scheduled_for <= now),
                        and_(cls.status == "sending", cls.claimed_at < now - stale_after())),
                    release_ready)

    def retry_refusal(self) -> Message | None:
        """Why the failed recipients cannot be sent to again now, or None if they can."""
        if self.release.status not in SENDABLE_STATUSES:
            return msg("Only an approved or published release can be sent.")
        if self.status not in ("done", "scheduled"):
            return msg("This distribution is being sent or was cancelled.")
        if not self.count("failed") and not self.count("unknown"):
            return msg("No recipient failed.")
        return None

    @property
    def can_retry(self) -> bool:
        return self.retry_refusal() is None


class DistributionRecipient(db.Model):
    """One recipient of a distribution and what happened: sent, failed (why), skipped (why)."""

    __tablename__ = "distribution_recipient"
    __table_args__ = (
        UniqueConstraint("distribution_id", "contact_id",
                         name="uq_distribution_recipient_distribution_id_contact"),
        Index("ix_distribution_recipient_status", "distribution_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("distribution.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # why skipped, or the last error
    reason: Mapped[Message] = mapped_column(StoredMessage, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(String(300), default="")
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="SET NULL"))

    distribution: Mapped[Distribution] = relationship(back_populates="recipients")
    contact: Mapped[Contact | None] = relationship()


class EmbargoBreach(db.Model):
    """A possible breach: an article like a release under embargo, published before the lift
    (found by crm.releases.breach when monitoring stores articles)."""

    __tablename__ = "embargo_breach"
    __table_args__ = (UniqueConstraint("release_id", "article_id",
                                       name="uq_embargo_breach_release_id_article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"),
                                            index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"),
                                            index=True)
    outlet_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"))
    similarity: Mapped[float] = mapped_column(default=0.0)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    release: Mapped[Release] = relationship()
    article: Mapped[Article] = relationship()
    outlet: Mapped[Organisation | None] = relationship()
