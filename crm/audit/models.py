from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.messages import Message, nmsg
from crm.timeutil import UTCDateTime, utcnow


class Audited:
    """Mixin: flushes of these models are written to the audit log.

    `__audit_secret__` names fields whose values are never written (only that they changed).
    """

    __audit_secret__: tuple[str, ...] = ()

    def audit_label(self) -> str:
        return str(getattr(self, "name", "") or getattr(self, "id", ""))


# What an entry's action code says, in the reader's language.
ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted"),
                 "merge": _l("merged"), "export": _l("exported"), "bulk": _l("changed in bulk")}
# What a bulk entry did (crm/contacts/bulk.py), with its count and the list or tag.
BULK_SUMMARIES = {
    "add_to_list": lambda n, name: nmsg("%(num)d contact added to the media list %(name)s",
                                        "%(num)d contacts added to the media list %(name)s",
                                        n, name=name),
    "add_tag": lambda n, name: nmsg("tag %(name)s added to %(num)d contact",
                                    "tag %(name)s added to %(num)d contacts", n, name=name),
    "remove_tag": lambda n, name: nmsg("tag %(name)s removed from %(num)d contact",
                                       "tag %(name)s removed from %(num)d contacts", n,
                                       name=name),
    "delete": lambda n, name: nmsg("%(num)d contact deleted", "%(num)d contacts deleted", n),
}


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

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def summary(self) -> Message | str:
        """What the entry says beyond its record's label (exports have no record)."""
        if self.action == "export":
            changes = self.changes or {}
            return nmsg("%(format)s export of %(num)d contact",
                        "%(format)s export of %(num)d contacts",
                        int(changes.get("count") or 0),
                        format=str(changes.get("format", "")).upper())
        if self.action == "bulk":
            changes = self.changes or {}
            summary = BULK_SUMMARIES.get(str(changes.get("operation")))
            if summary:
                return summary(int(changes.get("count") or 0),
                               str(changes.get("list") or changes.get("tag") or ""))
        return self.label

    def readable_changes(self) -> dict:
        """The changes with stored messages (crm.messages) turned back into Messages."""
        return {key: _readable(value) for key, value in (self.changes or {}).items()}


def _readable(value):
    if isinstance(value, dict) and "msgid" in value:
        return Message.from_dict(value)
    if isinstance(value, list):
        return [_readable(item) for item in value]
    return value
