"""Interactions with contacts, follow-ups and press inquiries."""

from flask import Blueprint

bp = Blueprint("interactions", __name__)

from crm.interactions import hooks, views, views_follow_ups  # noqa: E402,F401
