"""Creating a contact from the interaction form: someone who calls and is not yet in the
register. Before anything is stored the likely existing contacts are looked up (the same email
or phone, or a similar name at the same organisation: crm.contacts.duplicates) so the user can
pick one instead.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from crm.contacts.duplicates import likely_duplicates
from crm.contacts.models import CONTACT_KINDS, Contact, Organisation
from crm.contacts.services import (
    ContactData,
    create_contact,
    save_organisation,
)
from crm.contacts.services import (
    _clean_name as clean_name,
)
from crm.contacts.validation import normalise_email, normalise_phone
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.text import name_key, normalise_space

ORGANISATION_MAX = 200
REACH_MAX = 254
MAX_SUGGESTIONS = 10


@dataclass
class NewContact:
    """What the form's "new contact" fields give."""

    name: str
    organisation: str = ""  # an outlet or organisation, by name (made if unknown)
    reach: str = ""  # a phone number or an email address
    kind: str = "journalist"


@dataclass
class Suggestion:
    contact: Contact
    reasons: list[str] = field(default_factory=list)


@dataclass
class CleanNewContact:
    name: str
    kind: str
    organisation_name: str
    organisation: Organisation | None
    email: str = ""
    phone: str = ""


@contextmanager
def _blame(field_name: str):
    """A contacts service's UserError, put on this form's field."""
    try:
        yield
    except UserError as exc:
        raise UserError(exc.msg, field=field_name) from exc


def clean(new: NewContact) -> CleanNewContact:
    """Validate the fields (the contact register's own rules); raises UserError naming the
    form field."""
    with _blame("new_name"):
        name = clean_name(_no_controls(new.name))
    if new.kind not in CONTACT_KINDS:
        raise UserError(msg("Unknown value “%(value)s”.", value=str(new.kind)[:80]),
                        field="new_kind")
    org_name = normalise_space(_no_controls(new.organisation))
    if len(org_name) > ORGANISATION_MAX:
        raise UserError(msg("At most %(n)d characters.", n=ORGANISATION_MAX),
                        field="new_organisation")
    reach = normalise_space(_no_controls(new.reach))
    if len(reach) > REACH_MAX:
        raise UserError(msg("At most %(n)d characters.", n=REACH_MAX), field="new_reach")
    with _blame("new_reach"):
        email = normalise_email(reach) if "@" in reach else ""
        phone = normalise_phone(reach) if reach and not email else ""
    return CleanNewContact(name=name, kind=new.kind, organisation_name=org_name,
                           organisation=find_organisation(org_name), email=email, phone=phone)


def _no_controls(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if ch >= " " or ch == "\t")


def find_organisation(name: str) -> Organisation | None:
    """The organisation of that name as the register compares names (crm.text.name_key:
    case, accents and spacing ignored, æ/ø/å kept), found through its unique index."""
    if not name:
        return None
    return db.session.scalar(db.select(Organisation).where(
        Organisation.name_key == name_key(name)[:200]))


def likely_existing(new: CleanNewContact) -> list[Suggestion]:
    """Contacts the new one probably is, with why (the register's own duplicate check: the
    same email or phone, or a similar name at the same organisation)."""
    hints = likely_duplicates(
        new.name, new.organisation.id if new.organisation is not None else None,
        emails=[new.email] if new.email else [], phones=[new.phone] if new.phone else [],
        limit=MAX_SUGGESTIONS)
    if not hints:
        return []
    contacts = {c.id: c for c in db.session.scalars(
        db.select(Contact).where(Contact.id.in_([h.contact_id for h in hints])))}
    return [Suggestion(contacts[h.contact_id], [h.reason]) for h in hints
            if h.contact_id in contacts]


def create_inline_contact(new: CleanNewContact, *, source: str = "") -> Contact:
    """Create the contact (and its outlet or organisation if unknown) and commit."""
    organisation = new.organisation
    data = ContactData(kind=new.kind, name=new.name,
                       emails=[new.email] if new.email else [],
                       phones=[new.phone] if new.phone else [], data_source=source)
    if organisation is None and new.organisation_name:
        kind = "outlet" if new.kind == "journalist" else "other"
        organisation = save_organisation(None, name=new.organisation_name, kind=kind)
    data.organisation_id = organisation.id if organisation is not None else None
    return create_contact(data)
