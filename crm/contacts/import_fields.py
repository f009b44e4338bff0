"""The contact fields a CSV column can be mapped to, guessing them from headers, and turning
spreadsheet words (kinds, languages, yes/no, dates) into stored values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _

from crm.i18n import lazy_gettext as _l
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
    ImportField("middle_name", _l("Middle name"), (
        "mellomnavn", "middlename", "additionalname"), limit=200),
    ImportField("last_name", _l("Last name"), (
        "etternavn", "lastname", "surname", "familyname"), limit=200),
    ImportField("kind", _l("Kind (journalist, politician, official)"), (
        "type", "kind", "kategori", "category", "kontakttype", "contacttype")),
    ImportField("organisation", _l("Organisation"), (
        "organisasjon", "organisation", "organization", "org", "redaksjon", "medium", "media",
        "mediehus", "outlet", "avis", "publikasjon", "publication", "arbeidsgiver",
        "employer", "firma", "company", "selskap", "parti", "party", "departement",
        "ministry", "etat", "agency", "virksomhet", "organizationname", "organisationname",
        "companyname"), multi=True, limit=200),
    # "Title" alone is the courtesy title (Mr, Dr) in Outlook: a weak synonym (see _WEAK).
    ImportField("title", _l("Role or title"), (
        "stilling", "tittel", "title", "jobtitle", "rolle", "role", "position",
        "stillingstittel", "organizationtitle", "organisationtitle"), limit=200),
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
        "keywords", "categories", "groupmembership", "groups", "grupper"), multi=True),
    # Outlook has no one address column at work: its parts are joined line by line.
    ImportField("address", _l("Address"), (
        "adresse", "address", "postadresse", "besoksadresse", "addressformatted",
        "formattedaddress", "businessaddress", "businessstreet", "businesscity",
        "businesspostalcode", "businesscountryregion", "jobbadresse", "arbeidsadresse"),
        multi=True, limit=20000),
    # LinkedIn's "URL" is the profile; Google's and Outlook's web pages go here too.
    ImportField("social", _l("Social media"), (
        "sosialemedier", "socialmedia", "social", "twitter", "x", "linkedin", "instagram",
        "facebook", "mastodon", "bluesky", "threads", "url", "profileurl", "linkedinurl",
        "website", "webpage", "nettside", "hjemmeside"), multi=True, limit=20000),
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
_TRAILING_DIGITS = re.compile(r"\d+$")
LABEL_LOCALES = ("en", "nb")
# Google's, Outlook's and LinkedIn's exports, matched by whole header words:
# "E-mail 1 - Value" holds the address, "E-mail 1 - Label" / "E-mail Type" / "E-mail Display
# Name" / "Phonetic First Name" describe another column and hold no contact data.
_DESCRIBING = {"label", "type", "display", "phonetic", "yomi", "prefix", "suffix", "initials",
               "pronunciation"}
# Columns about someone else, or numbers nobody calls.
_NOT_THE_CONTACT = {"assistant", "assistants", "manager", "managers", "spouse", "children",
                    "referred", "fax", "pager", "telex", "isdn", "callback"}
_FILLER_WORDS = {"value", "nummer"}
# Headers such as "Telefon jobb", "E-post privat" (first word) or "Mobile Phone", "Business
# Phone", "Company Main Phone" (last word) still say what they hold.
_PREFIX_FIELDS = ("emails", "phones")
_LAST_WORD_FIELDS = {"phone": "phones", "telefon": "phones", "mobil": "phones",
                     "mobile": "phones", "email": "emails", "epost": "emails"}
# Synonyms that give way to a more specific column for the same field.
_WEAK = {"title"}


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


def _words(header: str) -> list[str]:
    """Folded words without numbers and fillers: "E-mail 2 - Value" -> ["e", "mail"]."""
    words = [w for w in fold(header).split() if not w.isdigit() and w not in _FILLER_WORDS]
    # "e mail" and "e post" are one word.
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] == "e" and word in ("mail", "post"):
            joined[-1] = "e" + word
        else:
            joined.append(word)
    return joined


def _guess(header: str, labels: dict[str, str] | None = None) -> tuple[str, int]:
    """(field key or "", strength): 2 a specific header, 1 a weak one ("Title")."""
    key = header_key(header)
    if not key:
        return "", 0
    words = _words(header)
    if len(words) > 1 and _DESCRIBING.intersection(words):
        return "", 0
    if _NOT_THE_CONTACT.intersection(words):
        return "", 0
    compact = "".join(words)
    for candidate in (key, compact):
        if candidate in _SYNONYMS:
            return _SYNONYMS[candidate], 1 if candidate in _WEAK else 2
        if labels and candidate in labels:
            return labels[candidate], 2
    for field_key in _PREFIX_FIELDS:
        for synonym in FIELDS_BY_KEY[field_key].synonyms:
            if len(synonym) >= 4 and compact.startswith(header_key(synonym)):
                return field_key, 2
    if len(words) > 1 and words[-1] in _LAST_WORD_FIELDS:
        return _LAST_WORD_FIELDS[words[-1]], 2
    return "", 0


def guess_field(header: str, labels: dict[str, str] | None = None) -> str:
    return _guess(header, labels)[0]


def guess_mapping(headers: list[str]) -> list[str]:
    """One field key (or "" to ignore) per column; a single-value field goes to its most
    specific column ("Job Title" over Outlook's courtesy "Title"), else the first."""
    labels = _label_keys()
    guesses = [_guess(header, labels) for header in headers]
    best: dict[str, int] = {}
    for index, (key, strength) in enumerate(guesses):
        if key and not FIELDS_BY_KEY[key].multi:
            if key not in best or strength > guesses[best[key]][1]:
                best[key] = index
    return [key if key and (FIELDS_BY_KEY[key].multi or best[key] == index) else ""
            for index, (key, _strength) in enumerate(guesses)]


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
