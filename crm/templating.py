"""Template filters and globals shared by every blueprint."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

from crm import navigation
from crm.timeutil import to_local


def localtime(value: datetime | None, fmt: str = "short") -> str:
    """A UTC datetime shown in the configured zone: 23.11.2026 07:00 in Norwegian."""
    if value is None:
        return ""
    local = to_local(value)
    if fmt == "time":
        return local.strftime("%H:%M")
    if str(get_locale()) == "nb":
        return local.strftime("%d.%m.%Y %H:%M" if fmt == "short" else "%d.%m.%Y")
    return format_datetime(value, "short") if fmt == "short" else format_date(local.date())


def localdate(value: date | None) -> str:
    if value is None:
        return ""
    if str(get_locale()) == "nb":
        return value.strftime("%d.%m.%Y")
    return format_date(value)


def code_label(value: str, kind: str) -> str:
    """The translated label of a stored code (a role, a lawful basis, a language)."""
    from crm.auth.forms import LANGUAGE_CHOICES, ROLE_CHOICES
    from crm.contacts.forms import CONTACT_LANGUAGE_CHOICES, LAWFUL_BASIS_CHOICES
    tables = {"role": ROLE_CHOICES, "lawful_basis": LAWFUL_BASIS_CHOICES,
              "ui_language": LANGUAGE_CHOICES, "contact_language": CONTACT_LANGUAGE_CHOICES}
    return str(dict(tables[kind]).get(value, value))


def register(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
    app.add_template_filter(code_label, "label")
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["nav_items"] = navigation.nav_items
    app.jinja_env.globals["admin_items"] = navigation.admin_items
    for name in ("contact_actions", "contact_panels", "contact_sections"):
        app.jinja_env.globals[name] = getattr(navigation, name)
