from flask import render_template, request

from crm.audit import bp
from crm.audit.labels import RECORD_LABELS, entry_rows, record_label
from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.auth.roles import admin_required
from crm.extensions import db
from crm.timeutil import local_day_bounds
from crm.view_helpers import date_arg, id_arg, page_arg

PAGE_SIZE = 100  # entries are one line each: twice the usual list page


@bp.route("/")
@admin_required
def index():
    """The audit log, newest first, filterable by user, record type and id, and dates."""
    query = db.select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.user_id)
    entity_type = request.args.get("type", "").strip()[:64]
    entity_id = id_arg("id")
    user_id = id_arg("user")
    since, until = date_arg("from"), date_arg("to")
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if since is not None:
        query = query.where(AuditEntry.created_at >= local_day_bounds(since)[0])
    if until is not None:
        query = query.where(AuditEntry.created_at < local_day_bounds(until)[1])
    page = page_arg()
    rows = db.session.execute(
        query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    users = db.session.scalars(db.select(User).order_by(User.email)).all()
    types = sorted(((name, str(label)) for name, label in RECORD_LABELS.items()),
                   key=lambda pair: pair[1])
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/index.html", rows=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE, entity_type=entity_type,
                           entity_id=entity_id, user_id=user_id, since=since, until=until,
                           users=users, types=types, args=args, entry_rows=entry_rows,
                           record_label=record_label)
