"""The register: contacts (journalists, politicians, officials), organisations, media lists."""

from flask import Blueprint

bp = Blueprint("contacts", __name__)

from crm.contacts import (  # noqa: E402,F401
    views,
    views_bulk,
    views_lists,
    views_merge,
    views_organisations,
    views_transfer,
)
