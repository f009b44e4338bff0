"""Exporting contacts: CSV for Excel (UTF-8 with BOM, semicolons, formula-safe) and vCard 3.0.

Both stream: contact ids are read first, then the contacts in batches, so memory stays flat
whether the selection holds ten contacts or a hundred thousand.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact
from crm.extensions import db
from crm.text import fold
from crm.timeutil import to_local, utcnow

BATCH = 500
CSV_DELIMITER = ";"  # what Excel expects on Norwegian Windows
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    ("name", _l("Name")), ("kind", _l("Kind")), ("organisation", _l("Organisation")),
    ("title", _l("Role or title")), ("office", _l("Office")),
    ("constituency", _l("Constituency")), ("committee", _l("Committee")),
    ("region", _l("Region")), ("emails", _l("Email")), ("phones", _l("Phone")),
    ("beats", _l("Beats / topics")), ("tags", _l("Tags")), ("address", _l("Address")),
    ("social", _l("Social media")), ("notes", _l("Notes")),
    ("preferred_language", _l("Preferred language")), ("lawful_basis", _l("Lawful basis")),
    ("consent_date", _l("Consent date")), ("opted_out", _l("Opted out of mailings")),
    ("data_source", _l("Source of the data")), ("created_at", _l("Created")),
    ("updated_at", _l("Updated")),
)


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula: = + - @ tab CR get a leading quote."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def contacts_in_batches(select: Select, batch: int = BATCH) -> Iterator[Contact]:
    """The contacts of a select over Contact, in its order, loaded `batch` at a time."""
    ids = list(db.session.scalars(select.with_only_columns(Contact.id)))
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        loaded = {c.id: c for c in db.session.scalars(
            db.select(Contact).where(Contact.id.in_(chunk)).options(
                joinedload(Contact.organisation), selectinload(Contact.emails),
                selectinload(Contact.phones), selectinload(Contact.beats),
                selectinload(Contact.tags)))}
        for contact_id in chunk:
            if contact_id in loaded:
                yield loaded[contact_id]
        for contact in loaded.values():
            db.session.expunge(contact)


def count_of(select: Select) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(select.order_by(None).subquery()))


def _local(value) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def csv_values(contact: Contact) -> list[str]:
    values = {
        "name": contact.name, "kind": contact.kind,
        "organisation": contact.organisation.name if contact.organisation else "",
        "title": contact.title, "office": contact.office,
        "constituency": contact.constituency, "committee": contact.committee,
        "region": contact.region, "emails": ", ".join(e.email for e in contact.emails),
        "phones": ", ".join(p.number for p in contact.phones),
        "beats": ", ".join(b.name for b in contact.beats),
        "tags": ", ".join(t.name for t in contact.tags), "address": contact.address,
        "social": contact.social, "notes": contact.notes,
        "preferred_language": contact.preferred_language,
        "lawful_basis": contact.lawful_basis,
        "consent_date": contact.consent_date.isoformat() if contact.consent_date else "",
        "opted_out": "yes" if contact.opted_out else "no",
        "data_source": contact.data_source, "created_at": _local(contact.created_at),
        "updated_at": _local(contact.updated_at),
    }
    return [safe_cell(values[key]) for key, _label in CSV_COLUMNS]


def export_csv(select: Select) -> Iterator[str]:
    """CSV text in pieces: a BOM and the header first, then one piece per batch of rows.

    The header is translated now, while the request's user and session are there: the rows
    are streamed after the view has returned, when a lazy label could no longer find them.
    """
    header = [safe_cell(str(label)) for _key, label in CSV_COLUMNS]
    return _csv_pieces(select, header)


def _csv_pieces(select: Select, header: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    yield "\ufeff" + take()
    for count, contact in enumerate(contacts_in_batches(select), start=1):
        writer.writerow(csv_values(contact))
        if count % BATCH == 0:
            yield take()
    rest = take()
    if rest:
        yield rest


# vCard 3.0 (RFC 2426) -------------------------------------------------------------------

_CONTROL = {c: None for c in range(32) if chr(c) not in "\n"} | {0x7f: None}


def vcard_escape(value: str) -> str:
    """Text value escaping: backslash, comma, semicolon, newline; other controls dropped."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)
    return (value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def fold_line(line: str, limit: int = 75) -> str:
    """Split a content line into physical lines of at most `limit` octets (UTF-8), never
    inside a character; continuation lines start with a space."""
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def _name_parts(name: str) -> tuple[str, str]:
    """(family, given): the last word is taken as the family name."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    return words[-1], " ".join(words[:-1])


def _phone_type(number: str) -> str:
    if number.startswith("+47") and len(number) == 11 and number[3] in "49":
        return "CELL,VOICE"
    return "VOICE"


def vcard_lines(contact: Contact) -> list[str]:
    family, given = _name_parts(contact.name)
    lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Pressdesk//Pressdesk CRM//EN",
             f"N:{vcard_escape(family)};{vcard_escape(given)};;;",
             f"FN:{vcard_escape(contact.name)}"]
    if contact.organisation is not None:
        lines.append(f"ORG:{vcard_escape(contact.organisation.name)}")
    title = ", ".join(dict.fromkeys(t for t in (contact.title, contact.office) if t))
    if title:
        lines.append(f"TITLE:{vcard_escape(title)}")
    for index, email in enumerate(contact.emails):
        pref = ",PREF" if index == 0 else ""
        lines.append(f"EMAIL;TYPE=INTERNET{pref}:{vcard_escape(email.email)}")
    for index, phone in enumerate(contact.phones):
        pref = ",PREF" if index == 0 else ""
        lines.append(f"TEL;TYPE={_phone_type(phone.number)}{pref}:{vcard_escape(phone.number)}")
    if contact.address:
        lines.append(f"ADR;TYPE=WORK:;;{vcard_escape(contact.address)};;;;")
    categories = [b.name for b in contact.beats] + [t.name for t in contact.tags]
    if categories:
        lines.append("CATEGORIES:" + ",".join(vcard_escape(c) for c in dict.fromkeys(categories)))
    if contact.notes:
        lines.append(f"NOTE:{vcard_escape(contact.notes)}")
    if contact.updated_at:
        lines.append("REV:" + contact.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    lines.append(f"UID:urn:pressdesk:contact:{contact.id}")
    lines.append("END:VCARD")
    return lines


def vcard(contact: Contact) -> str:
    return "".join(fold_line(line) + "\r\n" for line in vcard_lines(contact))


def export_vcards(select: Select) -> Iterator[str]:
    """One vCard after another, a batch of contacts per piece."""
    pieces = []
    for count, contact in enumerate(contacts_in_batches(select), start=1):
        pieces.append(vcard(contact))
        if count % BATCH == 0:
            yield "".join(pieces)
            pieces = []
    if pieces:
        yield "".join(pieces)


def export_filename(stem: str, extension: str, dated: bool = False) -> str:
    """An ASCII file name: "Åse Ødegård" -> "ase-odegard.vcf"."""
    base = "-".join(fold(stem).split())[:60] or "contact"
    if dated:
        base += "-" + to_local(utcnow()).date().isoformat()
    return f"{base}.{extension}"


def record_export(fmt: str, count: int, filters: dict, user_id: int | None) -> None:
    """Note a bulk export of personal data in the audit log (and commit)."""
    db.session.add(AuditEntry(
        user_id=user_id, action="export", entity_type="contact", entity_id=None,
        label="",  # the entry's summary says it in the reader's language
        changes={"format": fmt, "count": count,
                 "filters": {k: v for k, v in filters.items() if v not in (None, "", False)}}))
    db.session.commit()
