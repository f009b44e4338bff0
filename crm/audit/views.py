from flask import render_template, request

from crm.audit import bp
from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.auth.roles import admin_required
from crm.extensions import db

PAGE_SIZE = 100


@bp.route("/")
@admin_required
def index():
    """The audit log, newest first, filterable by record type and id."""
    query = db.select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.user_id)
    entity_type = request.args.get("type", "").strip()[:64]
    entity_id = request.args.get("id", type=int)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.execute(
        query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("audit/index.html", rows=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE, entity_type=entity_type,
                           entity_id=entity_id)
