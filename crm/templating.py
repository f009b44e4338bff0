"""Template filters and globals shared by every blueprint."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from types import SimpleNamespace

from babel import dates
from flask import Flask, g, url_for
from flask.globals import _cv_app
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from crm import navigation
from crm.timeutil import to_local

# Babel patterns where the locale's own short formats are not what the press office writes:
# Babel's nb short datetime is "23.11.2026, 07:00", and its "en" is American
# ("8/16/26, 7:33 PM"), which a Norwegian office reading English misreads as 8 June. English
# says "16 Aug 2026, 19:33": the month in words, the 24-hour clock of the office's zone.
_PATTERNS = {"nb": {"short": "dd.MM.y HH:mm", "date": "dd.MM.y"},
             "en": {"short": "d MMM y, HH:mm", "date": "d MMM y"}}
_TIME = "HH:mm"


def date_patterns() -> tuple[object, dict]:
    locale = get_locale()
    return locale, _PATTERNS.get(str(locale), {})


def localtime(value: datetime | None, fmt: str = "short") -> str:
    """A UTC datetime shown in the configured zone: 23.11.2026 07:00 in Norwegian."""
    if value is None:
        return ""
    local = to_local(value)
    locale, patterns = date_patterns()
    if fmt == "time":
        return dates.format_time(local, _TIME, locale=locale)
    if fmt == "short":
        return dates.format_datetime(local, patterns.get("short", "short"), locale=locale)
    return dates.format_date(local.date(), patterns.get("date", "medium"), locale=locale)


def localdate(value: date | None) -> str:
    """A calendar date in the reader's language: 23.11.2026 in Norwegian."""
    if value is None:
        return ""
    locale, patterns = date_patterns()
    return dates.format_date(value, patterns.get("date", "medium"), locale=locale)


@cache
def code_sets() -> SimpleNamespace:
    """Every labelled code set by the name templates use: `code_sets.contact_kind`."""
    from crm.auth.models import Role, UILanguage
    from crm.contacts.duplicates import DuplicateReason
    from crm.contacts.models import ContactKind, ContactLanguage, LawfulBasis, OrganisationKind
    from crm.interactions.labels import Direction, InquiryStatus, InteractionKind
    from crm.monitoring.models import FeedHealth, TermGroup, Tone
    from crm.releases.models import RecipientStatus, ReleaseLanguage, ReleaseStatus
    return SimpleNamespace(
        role=Role, ui_language=UILanguage, contact_kind=ContactKind,
        organisation_kind=OrganisationKind, lawful_basis=LawfulBasis,
        contact_language=ContactLanguage, interaction_kind=InteractionKind,
        direction=Direction, inquiry_status=InquiryStatus, release_status=ReleaseStatus,
        release_language=ReleaseLanguage, recipient_status=RecipientStatus,
        feed_health=FeedHealth, term_group=TermGroup, duplicate_reason=DuplicateReason,
        tone=Tone)


def code_label(value: str | None, kind: str) -> str:
    """The translated label of a stored code: `contact.kind|label('contact_kind')`."""
    return getattr(code_sets(), kind).label_of(value)


# A number no row's id reaches (ids are 32-bit): it marks where url_pattern's id goes.
_PLACEHOLDER = 918273645546372819


class UrlPattern:
    """One endpoint's URL for any id: `pattern(7)` is `url_for(endpoint, name=7, **values)`."""

    __slots__ = ("head", "tail")

    def __init__(self, head: str, tail: str):
        self.head, self.tail = head, tail

    def __call__(self, value: int) -> str:
        return f"{self.head}{int(value)}{self.tail}"


def url_pattern(endpoint: str, name: str, **values) -> UrlPattern:
    """url_for for rows: a page linking to one endpoint for every row (a form per mention)
    builds the URL once, with a placeholder for the id, and puts each row's id in its place;
    url_for per row was a tenth of the mentions page's time. Kept for the request (in g), so a
    macro called per row asks for it each time. `name` takes integers only (an id)."""
    key = (endpoint, name, *sorted(values.items())) if values else (endpoint, name)
    patterns = _cv_app.get().g.__dict__.setdefault("_crm_url_patterns", {})
    pattern = patterns.get(key)
    if pattern is None:
        url = url_for(endpoint, **{name: _PLACEHOLDER}, **values)
        head, found, tail = url.partition(str(_PLACEHOLDER))
        if not found or str(_PLACEHOLDER) in tail:
            raise ValueError(f"{endpoint}: {name} does not appear once in {url}")
        pattern = patterns[key] = UrlPattern(head, tail)
    return pattern


def csrf_token() -> str:
    """Flask-WTF's csrf_token(), which keeps the request's token in g, read from g first: a
    page with a form per row asks for it hundreds of times."""
    token = g.get("csrf_token")
    return token if token is not None else generate_csrf()


def register(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
    app.add_template_filter(code_label, "label")
    app.jinja_env.globals["code_sets"] = code_sets()
    app.jinja_env.globals["url_pattern"] = url_pattern
    if app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") == "csrf_token":
        # Flask-WTF puts its own in the globals (macros) and the context (pages).
        app.jinja_env.globals["csrf_token"] = csrf_token
        app.context_processor(lambda: {"csrf_token": csrf_token})
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["nav_items"] = navigation.nav_items
    app.jinja_env.globals["admin_items"] = navigation.admin_items
    from crm.dateinput import date_input  # it reads this module's patterns
    app.jinja_env.globals["date_input"] = date_input
