from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.messages import Message, StoredMessage
from crm.timeutil import UTCDateTime, utcnow

DIGEST_GROUPS = ("party", "politician", "issue", "competitor")
DEFAULT_WEEKDAYS = [0, 1, 2, 3, 4]  # Monday to Friday


class DigestSettings(db.Model):
    """A user's choice: digest on or off, at what local time, on which days, which groups."""

    __tablename__ = "digest_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    send_hour: Mapped[int] = mapped_column(default=7)
    send_minute: Mapped[int] = mapped_column(default=0)
    weekdays: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_WEEKDAYS))
    groups: Mapped[list] = mapped_column(JSON, default=lambda: list(DIGEST_GROUPS))
    # The weekly coverage report on Monday morning (crm.digest.weekly): asked for, not default.
    weekly_report: Mapped[bool] = mapped_column(default=False)


class DeliveryClaim:
    """Mixin: the columns of a once-only email claim (a row per user and day or week, under
    a unique constraint): status sending (claimed, in flight), sent, failed (retried at
    next_attempt_at) or skipped; the claim's token and heartbeat (crm/jobs/claims.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="sending")
    claim_token: Mapped[str] = mapped_column(String(64), default="")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Refreshed while the claiming process works on it (crm/jobs/claims.py): a silent one
    # means that process died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[Message] = mapped_column(StoredMessage, default="")  # for admins


class DigestDelivery(DeliveryClaim, db.Model):
    """The claim "digest for user U on local day D": at most one row, hence at most one email.

    status: sending (claimed, in flight), sent, failed (will be retried at next_attempt_at),
    skipped (nothing to send or switched off after the claim).
    """

    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_digest_delivery_user_day"),)

    day: Mapped[date]
    # What the digest covered, so the next one starts where this one ended.
    covered_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # counts per group, size


class ReportDelivery(DeliveryClaim, db.Model):
    """The claim "weekly report for user U for the week starting Monday W": at most one row,
    hence at most one email (the same scheme as DigestDelivery)."""

    __tablename__ = "report_delivery"
    __table_args__ = (UniqueConstraint("user_id", "week", name="uq_report_delivery_user_week"),)

    week: Mapped[date]  # the Monday (local) of the week the report is sent in
