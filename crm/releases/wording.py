"""Words and date formats inside a release, in the release's own language.

The document and the email speak the release's language (bokmål, nynorsk or English), not the
language of whoever is logged in, so these are fixed strings per language rather than gettext.
"""

from __future__ import annotations

from datetime import datetime

from crm.timeutil import to_local

_NB = {
    "press_release": "Pressemelding",
    "embargo": "SPERREFRIST: {when}. Ikke for publisering før dette tidspunktet.",
    "embargo_short": "SPERREFRIST {when}",
    "says": "sier",
    "contact": "Kontaktperson",
    "attachment": "Pressemeldingen ligger vedlagt som Word-dokument.",
    "at": "kl.",
}
WORDS = {
    "nb": _NB,
    "nn": {**_NB, "embargo": "SPERREFRIST: {when}. Ikkje for publisering før dette tidspunktet.",
           "says": "seier",
           "attachment": "Pressemeldinga ligg ved som Word-dokument."},
    "en": {
        "press_release": "Press release",
        "embargo": "EMBARGOED UNTIL {when}. Not for publication before this time.",
        "embargo_short": "EMBARGOED UNTIL {when}",
        "says": "says",
        "contact": "Contact",
        "attachment": "The press release is attached as a Word document.",
        "at": "at",
    },
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def words(language: str) -> dict:
    return WORDS.get(language, WORDS["nb"])


def format_date(value: datetime | None, language: str) -> str:
    """23.11.2026 in Norwegian, 23 November 2026 in English (in the local zone)."""
    if value is None:
        return ""
    local = to_local(value)
    if language == "en":
        return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"
    return local.strftime("%d.%m.%Y")


def format_time(value: datetime | None) -> str:
    return to_local(value).strftime("%H:%M") if value else ""


def format_moment(value: datetime | None, language: str) -> str:
    """"23.11.2026 kl. 07:00" or "07:00 CET, 23 November 2026" (zone name for foreigners)."""
    if value is None:
        return ""
    if language == "en":
        return f"{format_time(value)} {to_local(value).tzname()}, {format_date(value, 'en')}"
    return f"{format_date(value, language)} {words(language)['at']} {format_time(value)}"


def embargo_statement(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    return words(language)["embargo"].format(when=format_moment(value, language))


def embargo_short(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    return words(language)["embargo_short"].format(when=format_moment(value, language))
