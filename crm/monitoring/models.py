"""Feeds, the articles found in them, watch terms and the mentions they produce."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import Audited
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum
from crm.messages import Message, StoredMessage
from crm.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.contacts.models import Contact, Organisation



class TermGroup(LabelledEnum):
    """What a watch term is about; the plural heads digest sections and coverage charts."""
    PARTY = "party", _l("Party"), _l("Party")
    POLITICIAN = "politician", _l("Politician"), _l("Politicians")
    ISSUE = "issue", _l("Issue"), _l("Issues")
    COMPETITOR = "competitor", _l("Competitor"), _l("Competitors")


class CaseMode(LabelledEnum):
    AUTO = "auto", _l("Automatic (Ap, SV, Høyre, Rødt exactly; longer names in any case)")
    SENSITIVE = "sensitive", _l("Exactly as written (Høyre, not høyre)")
    INSENSITIVE = "insensitive", _l("Ignore upper/lower case")


class FeedHealth(LabelledEnum):
    NEW = "new", _l("not polled yet")
    OK = "ok", _l("ok")
    WARNING = "warning", _l("warning")
    FAILING = "failing", _l("failing")


class Tone(LabelledEnum):
    """How a mention treats the party, from the party's point of view; set by hand."""
    POSITIVE = "positive", _l("Positive")
    NEUTRAL = "neutral", _l("Neutral")
    NEGATIVE = "negative", _l("Negative")


TERM_GROUPS = TermGroup.values()
TONES = Tone.values()
CASE_MODES = CaseMode.values()
MENTION_STATUSES = ("unset", "relevant", "noise")
MENTION_PLACES = ("title", "summary")


class Feed(Audited, db.Model):
    """An RSS/Atom feed we poll. Settings are audited; health columns are written by the poller
    with bulk UPDATEs, which the audit log does not see (no entry per poll)."""

    __tablename__ = "feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    interval_minutes: Mapped[int] = mapped_column(default=15)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Health and conditional GET state.
    feed_title: Mapped[str] = mapped_column(String(300), default="")
    etag: Mapped[str] = mapped_column(String(500), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Shown to readers of either language: a Message (crm.messages), stored as JSON.
    last_error: Mapped[Message] = mapped_column(StoredMessage, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_warning: Mapped[Message] = mapped_column(StoredMessage, default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    entries_seen: Mapped[int] = mapped_column(default=0)  # new sources, all time
    last_entry_count: Mapped[int] = mapped_column(default=0)  # entries in the last feed read
    # A check asked for from the web ("Add feed", "Poll now"), run outside the request
    # (crm.monitoring.checks): when it was asked for (None once done), when it finished and
    # what it found, shown on the feed page.
    check_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_result: Mapped[Message] = mapped_column(StoredMessage, default="")

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def health(self) -> FeedHealth:
        if self.consecutive_failures:
            return FeedHealth.FAILING
        if self.last_success_at is None:
            return FeedHealth.NEW
        return FeedHealth.WARNING if self.last_warning else FeedHealth.OK


class Article(db.Model):
    """One story, however many feeds carried it (see ArticleSource, ArticleKey)."""

    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")  # plain text
    link: Mapped[str] = mapped_column(String(2000), default="")  # http(s) only
    summary_html: Mapped[str] = mapped_column(Text, default="")  # nh3-cleaned
    summary: Mapped[str] = mapped_column(Text, default="")  # plain text, matched
    author: Mapped[str] = mapped_column(String(300), default="")  # byline as given
    author_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    # The byline was linked by name alone (the feed has no outlet): shown as "probably".
    author_guess: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # published_at if plausible, else seen_at: what lists sort and filter by.
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    author_contact: Mapped[Contact | None] = relationship()
    sources: Mapped[list[ArticleSource]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ArticleSource.id")
    mentions: Mapped[list[Mention]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True)


class ArticleKey(db.Model):
    """An identity of an article: a hashed GUID (feed-scoped unless a permalink) or link.

    Every key a story was seen under points to its one article, so a syndicated copy found
    under any of them joins the existing article.
    """

    __tablename__ = "article_key"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"),
                                            index=True)


class ArticleSketch(db.Model):
    """A content band of an article (crm.monitoring.dedupe): near-duplicate candidates.

    Unlike ArticleKey, many articles may share a band; candidates are verified by text.
    """

    __tablename__ = "article_sketch"

    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)


class ArticleSource(db.Model):
    """An article as carried by one feed: that copy's own link, title, text and time, so that
    every differing text is matched (a wrong merge cannot hide a mention)."""

    __tablename__ = "article_source"
    __table_args__ = (UniqueConstraint("article_id", "feed_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(1000), default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    title: Mapped[str] = mapped_column(Text, default="")  # plain text
    summary: Mapped[str] = mapped_column(Text, default="")  # plain text, matched
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="sources")
    feed: Mapped[Feed] = relationship()


class WatchTerm(Audited, db.Model):
    """A name, abbreviation or issue to look for, with its other forms and exclusions."""

    __tablename__ = "watch_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(200), unique=True)
    variants: Mapped[str] = mapped_column(Text, default="")  # other forms, one per line
    group: Mapped[str] = mapped_column(String(16), default="party", index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    exclusions: Mapped[str] = mapped_column(Text, default="")  # phrases, one per line
    case_mode: Mapped[str] = mapped_column(String(16), default="auto")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contact: Mapped[Contact | None] = relationship()

    def audit_label(self) -> str:
        return self.term

    @property
    def forms(self) -> list[str]:
        return [self.term] + [v for v in (self.variants or "").splitlines() if v.strip()]

    @property
    def exclusion_list(self) -> list[str]:
        return [v for v in (self.exclusions or "").splitlines() if v.strip()]


class Mention(db.Model):
    """A watch term found in an article: where, the text around it, and what we made of it."""

    __tablename__ = "mention"
    __table_args__ = (
        UniqueConstraint("article_id", "term_id"),
        Index("ix_mention_term_sort", "term_id", "sort_at"),
        # The spike check (crm.alerts.check) counts every term's mentions in a few hour
        # windows at once: a range on sort_at, read from the index alone.
        Index("ix_mention_sort_term_status", "sort_at", "term_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(ForeignKey("watch_term.id", ondelete="CASCADE"))
    place: Mapped[str] = mapped_column(String(8), default="title")  # title or summary
    snippet: Mapped[str] = mapped_column(Text, default="")  # plain text
    mark_start: Mapped[int] = mapped_column(default=0)  # the hit within the snippet
    mark_end: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(8), default="unset", index=True)
    is_read: Mapped[bool] = mapped_column(default=False)
    # "" until someone sets it (crm.monitoring.tone); who and when, for the coverage report.
    tone: Mapped[str] = mapped_column(String(8), default="")
    tone_set_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    tone_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="mentions")
    term: Mapped[WatchTerm] = relationship()
    tone_set_by: Mapped[User | None] = relationship()

    @property
    def snippet_parts(self) -> tuple[str, str, str]:
        """(before, hit, after) for highlighting; the template escapes each part."""
        start = max(0, min(self.mark_start, len(self.snippet)))
        end = max(start, min(self.mark_end, len(self.snippet)))
        return self.snippet[:start], self.snippet[start:end], self.snippet[end:]
