from flask import render_template, request

from crm.audit import bp
from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.auth.roles import admin_required
from crm.extensions import db
from crm.view_helpers import id_arg, page_arg

PAGE_SIZE = 100  # entries are one line each: twice the usual list page


@bp.route("/")
@admin_required
def index():
    """The audit log, newest first, filterable by record type and id."""
    query = db.select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.user_id)
    entity_type = request.args.get("type", "").strip()[:64]
    entity_id = id_arg("id")
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    page = page_arg()
    rows = db.session.execute(
        query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("audit/index.html", rows=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE, entity_type=entity_type,
                           entity_id=entity_id)
