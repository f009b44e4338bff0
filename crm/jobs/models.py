from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.messages import Message, StoredMessage
from crm.timeutil import UTCDateTime, utcnow


class SchedulerLease(db.Model):
    """Who runs the periodic jobs: one row per lease, renewed while its holder lives."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """One run of a periodic job: when, how it ended, what it said."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ok: Mapped[bool | None]
    message: Mapped[Message] = mapped_column(StoredMessage, default="")  # in any language
    holder: Mapped[str] = mapped_column(String(200), default="")
