"""Alert rules, the alerts they fired, who subscribed, and each subscriber's copy."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum
from crm.messages import Message, StoredMessage
from crm.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from crm.monitoring.models import WatchTerm

# An alert shows in its subscribers' banner on every page for this long after it fired.
BANNER_HOURS = 24


class RuleKind(LabelledEnum):
    SPIKE = "spike", _l("Spike")
    FIRST = "first", _l("First mention")


class AlertRule(db.Model):
    """What to watch (one term, or all terms of a group) and when to speak up.

    `target` is "term:<id>" or "group:<code>": unique per kind, so one term has at most one
    spike rule and its cool-down holds for everyone. `last_fired_at` is the claim: a process
    may fire only by moving it forward with a conditional UPDATE (crm.alerts.services).
    """

    __tablename__ = "alert_rule"
    __table_args__ = (UniqueConstraint("kind", "target", name="uq_alert_rule_kind_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="spike")
    target: Mapped[str] = mapped_column(String(40))
    term_id: Mapped[int | None] = mapped_column(
        ForeignKey("watch_term.id", ondelete="CASCADE"), index=True)
    group: Mapped[str | None] = mapped_column(String(16))
    factor: Mapped[float] = mapped_column(Float, default=3.0)
    min_count: Mapped[int] = mapped_column(default=5)
    window_hours: Mapped[int] = mapped_column(default=1)
    baseline_weeks: Mapped[int] = mapped_column(default=4)
    cooldown_hours: Mapped[int] = mapped_column(default=6)
    active: Mapped[bool] = mapped_column(default=True)
    # First mention: mentions of articles from this time on count (re-armed by an editor).
    armed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    term: Mapped[WatchTerm | None] = relationship()


class Alert(db.Model):
    """One alert a rule fired: the count that crossed the threshold and the articles."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("rule_id", "fired_at", name="uq_alert_rule_fired"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rule.id", ondelete="CASCADE"))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(default=0)
    baseline: Mapped[float] = mapped_column(Float, default=0.0)
    article_ids: Mapped[list] = mapped_column(JSON, default=list)

    rule: Mapped[AlertRule] = relationship()


class AlertSubscription(db.Model):
    """A user wants a rule's alerts (by email too unless `email` is off)."""

    __tablename__ = "alert_subscription"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("alert_rule.id", ondelete="CASCADE"), primary_key=True, index=True)
    email: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertReceipt(db.Model):
    """One subscriber's copy of an alert: its email (status pending, sending, sent, failed,
    off) and whether the banner was dismissed."""

    __tablename__ = "alert_receipt"
    __table_args__ = (Index("ix_alert_receipt_user_dismissed", "user_id", "dismissed_at"),
                      Index("ix_alert_receipt_status", "status"))

    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alert.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    claim_token: Mapped[str] = mapped_column(String(32), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[Message] = mapped_column(StoredMessage, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    alert: Mapped[Alert] = relationship()
