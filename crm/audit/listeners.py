"""Writes an AuditEntry for every flushed insert, update and delete of an Audited model."""

from __future__ import annotations

import datetime as dt
import decimal
import enum

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from crm.audit.models import Audited, AuditEntry
from crm.messages import Message
from crm.timeutil import utcnow

_SECRET = "(changed)"


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Message):  # kept as id and parameters: shown in the reader's language
        return value.to_dict()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | enum.Enum):
        return str(value)
    return str(value)


def _acting_user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _column_changes(obj: Audited, action: str) -> dict:
    state = inspect(obj)
    secret = set(obj.__audit_secret__)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        hist = state.attrs[key].history
        if action == "update" and not hist.has_changes():
            continue
        if action == "create":
            new = getattr(obj, key)
            if new is None or key == "id":
                continue
            changes[key] = _SECRET if key in secret else _jsonable(new)
        elif action == "update":
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old == new:
                continue
            changes[key] = _SECRET if key in secret else [_jsonable(old), _jsonable(new)]
    return changes


def _pending_entries(session: Session) -> list[dict]:
    rows = []
    now = utcnow()
    user_id = _acting_user_id()
    plan = [("create", session.new), ("update", session.dirty), ("delete", session.deleted)]
    for action, objs in plan:
        for obj in objs:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = {} if action == "delete" else _column_changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append({"obj": obj, "action": action, "changes": changes,
                         "label": obj.audit_label()[:300], "user_id": user_id,
                         "created_at": now, "entity_type": obj.__tablename__})
    return rows


def _before_flush(session: Session, _ctx, _instances) -> None:
    session.info.setdefault("audit_pending", []).extend(_pending_entries(session))


def _after_flush(session: Session, _ctx) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    values = []
    for row in pending:
        obj = row.pop("obj")
        # New objects have no identity key yet in after_flush, but their primary key is set.
        state = inspect(obj)
        row["entity_id"] = state.identity[0] if state.identity else \
            state.mapper.primary_key_from_instance(obj)[0]
        values.append(row)
    session.connection().execute(insert(AuditEntry.__table__), values)


def install() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
