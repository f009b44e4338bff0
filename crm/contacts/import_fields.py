"""The contact fields a CSV column can be mapped to, guessing them from headers, and turning
spreadsheet words (kinds, languages, yes/no, dates) into stored values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.text import fold


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object  # lazy string
    synonyms: tuple[str, ...]
    multi: bool = False  # several columns may feed it (their values are combined)
    limit: int = 0  # longest value accepted (characters); 0: no text limit of its own


IMPORT_FIELDS: tuple[ImportField, ...] = (
    ImportField("name", _l("Name"), (
        "navn", "name", "fulltnavn", "fullname", "kontakt", "kontaktperson", "contact",
        "contactname", "displayname", "visningsnavn"), limit=200),
    ImportField("first_name", _l("First name"), ("fornavn", "firstname", "givenname"),
                limit=200),
    ImportField("last_name", _l("Last name"), (
        "etternavn", "lastname", "surname", "familyname"), limit=200),
    ImportField("kind", _l("Kind (journalist, politician, official)"), (
        "type", "kind", "kategori", "category", "kontakttype", "contacttype")),
    ImportField("organisation", _l("Organisation"), (
        "organisasjon", "organisation", "organization", "org", "redaksjon", "medium", "media",
        "mediehus", "outlet", "avis", "publikasjon", "publication", "arbeidsgiver",
        "employer", "firma", "company", "selskap", "parti", "party", "departement",
        "ministry", "etat", "agency", "virksomhet"), multi=True, limit=200),
    ImportField("title", _l("Role or title"), (
        "stilling", "tittel", "title", "jobtitle", "rolle", "role", "position",
        "stillingstittel"), limit=200),
    ImportField("office", _l("Office"), ("verv", "office", "embete"), limit=100),
    ImportField("constituency", _l("Constituency"), (
        "valgkrets", "constituency", "valgdistrikt"), limit=100),
    ImportField("committee", _l("Committee"), ("komite", "committee", "komiteer"), limit=200),
    ImportField("region", _l("Region"), ("region", "fylke", "county", "landsdel", "sted"),
                limit=100),
    ImportField("emails", _l("Email"), (
        "epost", "email", "mail", "emailaddress", "epostadresse", "eposter", "emails",
        "epostadresser"), multi=True),
    ImportField("phones", _l("Phone"), (
        "telefon", "tlf", "mobil", "mobile", "phone", "telephone", "mobiltelefon",
        "phonenumber", "telefonnummer", "mobilnummer", "mob", "tel", "cell", "cellphone",
        "phones", "telefoner"), multi=True),
    ImportField("beats", _l("Beats / topics"), (
        "stoffomrade", "stoffomrader", "beat", "beats", "tema", "temaer", "topic", "topics",
        "fagomrade", "fagomrader", "fagfelt"), multi=True),
    ImportField("tags", _l("Tags"), (
        "tags", "tag", "stikkord", "etiketter", "etikett", "labels", "label", "nokkelord",
        "keywords"), multi=True),
    ImportField("address", _l("Address"), (
        "adresse", "address", "postadresse", "besoksadresse"), multi=True, limit=20000),
    ImportField("social", _l("Social media"), (
        "sosialemedier", "socialmedia", "social", "twitter", "x", "linkedin", "instagram",
        "facebook", "mastodon", "bluesky", "threads"), multi=True, limit=20000),
    ImportField("notes", _l("Notes"), (
        "merknad", "merknader", "notes", "note", "notat", "notater", "kommentar",
        "kommentarer", "comment", "comments", "beskrivelse", "description"), multi=True,
        limit=20000),
    ImportField("preferred_language", _l("Preferred language"), (
        "sprak", "language", "malform", "foretrukketsprak", "preferredlanguage")),
    ImportField("lawful_basis", _l("Lawful basis"), (
        "behandlingsgrunnlag", "rettsliggrunnlag", "lawfulbasis", "grunnlag")),
    ImportField("consent_date", _l("Consent date"), (
        "samtykkedato", "consentdate", "samtykke", "consent")),
    ImportField("opted_out", _l("Opted out of mailings"), (
        "reservert", "reservasjon", "avmeldt", "optedout", "optout", "unsubscribed")),
    ImportField("data_source", _l("Source of the data"), (
        "kilde", "source", "datakilde", "datasource"), limit=300),
)
FIELDS_BY_KEY = {f.key: f for f in IMPORT_FIELDS}
# Headers such as "Telefon jobb" or "E-post privat" still say what they hold.
_PREFIX_FIELDS = ("emails", "phones")
_TRAILING_DIGITS = re.compile(r"\d+$")
LABEL_LOCALES = ("en", "nb")


def header_key(header: str) -> str:
    """"E-post 2" -> "epost": folded, without spaces and a trailing number."""
    return _TRAILING_DIGITS.sub("", fold(header).replace(" ", ""))


_SYNONYMS = {header_key(s): f.key for f in IMPORT_FIELDS for s in f.synonyms}


def _label_keys() -> dict[str, str]:
    """The fields' own labels in every UI language: our exports' headers import back."""
    keys: dict[str, str] = {}
    if not has_app_context():
        return keys
    for locale in LABEL_LOCALES:
        with force_locale(locale):
            for f in IMPORT_FIELDS:
                keys.setdefault(header_key(str(f.label)), f.key)
    return keys


def guess_field(header: str, labels: dict[str, str] | None = None) -> str:
    key = header_key(header)
    if not key:
        return ""
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    if labels and key in labels:
        return labels[key]
    for field_key in _PREFIX_FIELDS:
        for synonym in FIELDS_BY_KEY[field_key].synonyms:
            if len(synonym) >= 4 and key.startswith(header_key(synonym)):
                return field_key
    return ""


def guess_mapping(headers: list[str]) -> list[str]:
    """One field key (or "" to ignore) per column; a single-value field is used once."""
    used: set[str] = set()
    mapping = []
    labels = _label_keys()
    for header in headers:
        key = guess_field(header, labels)
        if key and not FIELDS_BY_KEY[key].multi and key in used:
            key = ""
        used.add(key)
        mapping.append(key)
    return mapping


def check_mapping(mapping: list[str], column_count: int) -> tuple[list[str], list[str]]:
    """The mapping cleaned to known keys and `column_count` entries, and what is wrong."""
    cleaned = [(k if k in FIELDS_BY_KEY else "") for k in mapping[:column_count]]
    cleaned += [""] * (column_count - len(cleaned))
    problems = []
    if not {"name", "first_name", "last_name"} & set(cleaned):
        problems.append(_("Choose the column that holds the name (or first and last name)."))
    for f in IMPORT_FIELDS:
        if not f.multi and cleaned.count(f.key) > 1:
            problems.append(_("%(field)s is chosen for more than one column; choose it once.",
                              field=f.label))
    return cleaned, problems


# Values ---------------------------------------------------------------------------------

_KIND_WORDS = {
    "journalist": ("journalist", "journalister", "journalists", "reporter", "reportere",
                   "reporters", "redaktor", "redaktorer", "editor", "presse", "press"),
    "politician": ("politician", "politicians", "politiker", "politikere", "politikar",
                   "politikarar", "folkevalgt", "folkevalgte"),
    "official": ("official", "officials", "byrakrat", "byrakrater", "tjenestemann",
                 "tjenestemenn", "tenesteperson", "embetsmann", "embetsverk", "embetsperson",
                 "forvaltning", "civil servant", "byraakrat"),
}
_LANGUAGE_WORDS = {
    "nb": ("nb", "no", "nob", "bokmal", "norsk", "norwegian", "norsk bokmal"),
    "nn": ("nn", "nno", "nynorsk", "norsk nynorsk"),
    "en": ("en", "eng", "english", "engelsk"),
}
_BASIS_WORDS = {
    "legitimate_interest": ("legitimate interest", "berettiget interesse",
                            "berettiga interesse", "legitim interesse"),
    "consent": ("consent", "samtykke"),
    "public_task": ("public task", "offentlig oppgave", "allmennhetens interesse",
                    "offentlig myndighet"),
    "contract": ("contract", "avtale", "kontrakt"),
    "legal_obligation": ("legal obligation", "rettslig forpliktelse", "lovpalagt"),
    "none": ("none", "ingen", "none recorded"),
}
_YES = {"yes", "ja", "true", "sant", "1", "x", "y", "j"}
_NO = {"no", "nei", "false", "usant", "0", "n"}


def _lookup(words: dict[str, tuple[str, ...]], raw: str) -> str | None:
    folded = fold(raw)
    for code, options in words.items():
        if folded == fold(code) or folded in {fold(o) for o in options}:
            return code
    return None


def kind_value(raw: str) -> str | None:
    return _lookup(_KIND_WORDS, raw)


def language_value(raw: str) -> str | None:
    return _lookup(_LANGUAGE_WORDS, raw)


def lawful_basis_value(raw: str) -> str | None:
    return _lookup(_BASIS_WORDS, raw.replace("_", " "))


def yes_no_value(raw: str) -> bool | None:
    folded = fold(raw)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


def date_value(raw: str) -> date | None:
    """2026-11-23, 23.11.2026 or 23/11/2026 (the time of day, if any, is ignored)."""
    text = raw.strip().split(" ")[0].split("T")[0]
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
