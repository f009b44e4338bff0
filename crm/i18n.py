"""Locale and time-zone selection for Flask-Babel."""

from flask import current_app, has_request_context, request
from flask_login import current_user

LOCALES = ("nb", "en")


def select_locale() -> str:
    if not has_request_context():  # command line and scheduled jobs
        return current_app.config["CRM_DEFAULT_LANGUAGE"]
    if current_user and current_user.is_authenticated and current_user.language in LOCALES:
        return current_user.language
    return request.accept_languages.best_match(LOCALES) or \
        current_app.config["CRM_DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    return current_app.config["CRM_TIMEZONE"]
