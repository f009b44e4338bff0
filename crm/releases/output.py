"""A release as the plain data a template renders, as email text and HTML, and its file name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from markupsafe import Markup

from crm.contacts.validation import format_phone
from crm.releases import markup
from crm.releases.logo import logo_bytes, solid_png
from crm.releases.models import Release
from crm.releases.wording import (
    embargo_short,
    embargo_statement,
    format_date,
    format_moment,
    format_time,
    words,
)
from crm.text import fold
from crm.timeutil import utcnow


def _attribution(contact) -> str:
    if contact is None:
        return ""
    return contact.name + (f", {contact.title}" if contact.title else "")


def quote_markup(text: str, contact, language: str) -> str:
    """«Text», sier Navn, tittel. / “Text,” says Name, title."""
    text = markup.clean(text).strip()
    who = _attribution(contact)
    if not who:
        return f"«{text}»" if language != "en" else f"“{text}”"
    says = words(language)["says"]
    text = text.rstrip(".")
    sep = "" if text.endswith(("?", "!")) else ","
    if language == "en":
        return f"“{text}{sep}” {says} {who}."
    return f"«{text}»{sep} {says} {who}."


def quotes_markup(release: Release) -> list[str]:
    return [quote_markup(q.text, q.contact, release.language)
            for q in release.quotes if q.text.strip()]


def _spokesperson(release: Release) -> dict:
    user = release.contact_user
    if user is not None:  # a staff member: chosen instead of a register contact
        return {"name": user.display_name, "title": "", "email": user.email, "phone": "",
                "organisation": ""}
    contact = release.spokesperson
    if contact is None:
        return {}
    return {"name": contact.name, "title": contact.title, "email": contact.primary_email,
            "phone": format_phone(contact.primary_phone) if contact.primary_phone else "",
            "organisation": contact.organisation.name if contact.organisation else ""}


def release_moment(release: Release):
    return release.release_at or release.embargo_until or utcnow()


def embargo_at(release: Release, at: datetime | None = None) -> datetime | None:
    """The embargo to state in what is sent (or shown) at `at` (default now): the lift while it
    is ahead, None once it has passed (a release sent after the lift states no embargo)."""
    return release.embargo_until if release.under_embargo(at or utcnow()) else None


def document_data(release: Release, at: datetime | None = None) -> dict:
    """Everything a template may use, as plain strings and dicts (no models), as sent at `at`
    (default now): the embargo only while it is ahead."""
    language = release.language
    embargo = embargo_at(release, at)
    moment = release_moment(release)
    quotes = quotes_markup(release)
    return {
        "title": markup.clean(release.title),
        "lead": markup.clean(release.lead).strip(),
        "body": release.body,
        "quotes": "\n\n".join(quotes),
        "quote": markup.to_text(quotes[0]) if quotes else "",
        "snippets": "\n\n".join(s.body for s in release.snippets),
        "date": format_date(moment, language),
        "time": format_time(moment),
        "embargo": embargo_statement(embargo, language),
        "embargo_until": format_moment(embargo, language),
        "spokesperson": _spokesperson(release),
        "language": language,
        "tags": ", ".join(t.name for t in release.tags),
        "release_number": str(release.id or ""),
        "logo": logo_bytes(),
    }


def sample_data(language: str = "nb") -> dict:
    """Data for trial renders of an uploaded template: every placeholder filled, æøå and &."""
    body = ("Første avsnitt med **fet** og *kursiv* tekst og en [lenke](https://example.no).\n\n"
            "- Ap & Høyre\n- Sp <og> KrF")
    return {"title": "Prøve: Ap & Høyre", "lead": "Ingress «æøå»", "body": body,
            "quotes": "«Sitat», sier Åse Ødegård.", "quote": "«Sitat», sier Åse Ødegård.",
            "snippets": "**Om partiet**\n\nTekst.", "date": "23.11.2026", "time": "07:00",
            "embargo": "SPERREFRIST: 23.11.2026 kl. 07:00", "embargo_until": "23.11.2026 kl. 07:00",
            "spokesperson": {"name": "Åse Ødegård", "title": "pressesjef",
                             "email": "ase@example.no", "phone": "+47 912 34 567",
                             "organisation": "Partiet"},
            "language": language, "tags": "helse, økonomi", "release_number": "1",
            "logo": solid_png(8, 4)}


def filename(release: Release) -> str:
    """pressemelding-2026-11-23-ap-og-hoyre.docx: ASCII, no path characters."""
    slug = "-".join(fold(release.title).split())[:60].strip("-") or "release"
    prefix = "press-release" if release.language == "en" else "pressemelding"
    day = release_moment(release).strftime("%Y-%m-%d")
    return f"{prefix}-{day}-{slug}.docx"


@dataclass(frozen=True)
class EmailBody:
    subject: str
    text: str
    html: str


def email_body(release: Release, at: datetime | None = None) -> EmailBody:
    """Subject, plain text and HTML of the email carrying a release, as sent at `at` (default
    now): under embargo the embargo comes first in both and starts the subject."""
    language = release.language
    embargo = embargo_at(release, at)
    quotes = quotes_markup(release)
    snippets = "\n\n".join(s.body for s in release.snippets)
    context = {
        "release": release, "w": words(language),
        "embargo": embargo_statement(embargo, language),
        "date": format_date(release_moment(release), language),
        "spokesperson": _spokesperson(release),
        "body_text": markup.to_text(release.body),
        "body_html": markup.to_html(release.body),
        "quotes_text": [markup.to_text(q) for q in quotes],
        "quotes_html": [markup.to_html(q) for q in quotes],
        "snippets_text": markup.to_text(snippets),
        "snippets_html": markup.to_html(snippets) if snippets else Markup(""),
    }
    subject = markup.clean(release.title).replace("\n", " ").strip()
    if embargo:
        subject = f"{embargo_short(embargo, language)}: {subject}"
    return EmailBody(subject=subject[:250],
                     text=render_template("releases/email.txt", **context),
                     html=render_template("releases/email.html", **context))
