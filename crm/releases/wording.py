"""Words and date formats inside a release, in the release's own language.

The document and the email speak the release's language (bokmål, nynorsk or English), not the
language of whoever is logged in, so these are fixed strings per language rather than gettext,
and dates go through Babel with the release's locale rather than the reader's.
"""

from __future__ import annotations

from datetime import datetime

from babel import dates

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
# Babel's patterns per release language: "23.11.2026" and "07:00" in Norwegian; British English
# for the English release, whose CLDR data names the zone ("07:00 CET, 23 November 2026").
_LOCALE = {"nb": "nb", "nn": "nn", "en": "en_GB"}
_DATE = {"en": "d MMMM y"}
_MOMENT = {"en": "HH:mm z, d MMMM y"}
_NUMERIC_DATE = "dd.MM.y"
_TIME = "HH:mm"


def words(language: str) -> dict:
    return WORDS.get(language, WORDS["nb"])


def _locale(language: str) -> str:
    return _LOCALE.get(language, "nb")


def format_date(value: datetime | None, language: str) -> str:
    """23.11.2026 in Norwegian, 23 November 2026 in English (in the local zone)."""
    if value is None:
        return ""
    return dates.format_date(to_local(value), _DATE.get(language, _NUMERIC_DATE),
                             locale=_locale(language))


def format_time(value: datetime | None) -> str:
    return dates.format_time(to_local(value), _TIME, locale="nb") if value else ""


def format_moment(value: datetime | None, language: str) -> str:
    """"23.11.2026 kl. 07:00" or "07:00 CET, 23 November 2026" (zone name for foreigners)."""
    if value is None:
        return ""
    if language in _MOMENT:
        return dates.format_datetime(to_local(value), _MOMENT[language], locale=_locale(language))
    return f"{format_date(value, language)} {words(language)['at']} {format_time(value)}"


def embargo_statement(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    return words(language)["embargo"].format(when=format_moment(value, language))


def embargo_short(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    return words(language)["embargo_short"].format(when=format_moment(value, language))
