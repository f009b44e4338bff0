"""The register: contacts (journalists, politicians, officials), organisations, media lists."""

from flask import Blueprint

bp = Blueprint("contacts", __name__)

from crm.contacts import views, views_lists, views_organisations  # noqa: E402,F401
