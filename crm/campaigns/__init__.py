"""Campaigns and their key messages: which messages got through in the coverage (pull-through),
for our campaigns and the competitors', measured the same way."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

from crm.campaigns import views  # noqa: E402,F401
