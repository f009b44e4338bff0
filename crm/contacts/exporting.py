"""Exporting contacts: CSV for Excel (UTF-8 with BOM, semicolons, formula-safe) and vCard 3.0.

Both stream: contact ids are read first, then the contacts in batches, so memory stays flat
whether the selection holds ten contacts or a hundred thousand.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import vobject
from icalendar.parser import Contentline
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from crm import spreadsheet
from crm.audit.models import AuditEntry
from crm.contacts.models import Contact
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.spreadsheet import safe_cell
from crm.text import fold, without_controls
from crm.timeutil import to_local, utcnow

BATCH = 500
CSV_DELIMITER = ";"  # what Excel expects on Norwegian Windows

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
    writer = spreadsheet.writer(buffer, delimiter=CSV_DELIMITER)

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
# vobject builds the card and escapes its values (structured N, ADR, ORG and CATEGORIES
# included). Its folding counts characters, not octets, on lines under 75 characters (a name
# of emoji would stay one 240-octet line), so it writes each line whole and icalendar's
# content-line folder, which keeps UTF-8 characters whole, folds them: RFC 2425 5.8.1 folds
# vCards exactly as RFC 5545 3.1 folds calendars.

_UNFOLDED = 1 << 30  # a line length vobject never reaches: it leaves folding to us


def _name_parts(name: str) -> tuple[str, str]:
    """(family, given): the last word is taken as the family name."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    return words[-1], " ".join(words[:-1])


def _phone_types(number: str) -> list[str]:
    if number.startswith("+47") and len(number) == 11 and number[3] in "49":
        return ["CELL", "VOICE"]
    return ["VOICE"]


def _add(card, name: str, value, types: list[str] | None = None) -> None:
    line = card.add(name)
    line.value = value
    if types:
        line.type_paramlist = types


def vcard_object(contact: Contact):
    """The contact as a vobject vCard 3.0 component."""
    text = without_controls
    card = vobject.vCard()
    _add(card, "prodid", "-//Pressdesk//Pressdesk CRM//EN")
    family, given = _name_parts(text(contact.name))
    _add(card, "n", vobject.vcard.Name(family=family, given=given))
    _add(card, "fn", text(contact.name))
    if contact.organisation is not None:
        _add(card, "org", [text(contact.organisation.name)])
    title = ", ".join(dict.fromkeys(t for t in (contact.title, contact.office) if t))
    if title:
        _add(card, "title", text(title))
    for index, email in enumerate(contact.emails):
        _add(card, "email", text(email.email), ["INTERNET"] + (["PREF"] if index == 0 else []))
    for index, phone in enumerate(contact.phones):
        _add(card, "tel", text(phone.number),
             _phone_types(phone.number) + (["PREF"] if index == 0 else []))
    if contact.address:
        _add(card, "adr", vobject.vcard.Address(street=text(contact.address)), ["WORK"])
    categories = [b.name for b in contact.beats] + [t.name for t in contact.tags]
    if categories:
        _add(card, "categories", [text(c) for c in dict.fromkeys(categories)])
    if contact.notes:
        _add(card, "note", text(contact.notes))
    if contact.updated_at:
        _add(card, "rev", contact.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    _add(card, "uid", f"urn:pressdesk:contact:{contact.id}")
    return card


def vcard(contact: Contact) -> str:
    """One vCard 3.0, CRLF line ends, lines folded at 75 octets."""
    # validate=False: the card always has VERSION, N and FN; validating costs a third of the time.
    text = vcard_object(contact).serialize(lineLength=_UNFOLDED, validate=False)
    lines = text.split("\r\n")[:-1]
    return "".join(Contentline(line).to_ical().decode("utf-8") + "\r\n" for line in lines)


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
