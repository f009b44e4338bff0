from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.timeutil import UTCDateTime, utcnow


class Audited:
    """Mixin: flushes of these models are written to the audit log.

    `__audit_secret__` names fields whose values are never written (only that they changed).
    """

    __audit_secret__: tuple[str, ...] = ()

    def audit_label(self) -> str:
        return str(getattr(self, "name", "") or getattr(self, "id", ""))


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))  # create, update, delete
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None]
    label: Mapped[str] = mapped_column(String(300), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
