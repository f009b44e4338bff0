"""Audit log: who created, changed or deleted which record, when, with the changed fields."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from crm.audit import views  # noqa: E402,F401
