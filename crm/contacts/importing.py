"""Importing contacts from CSV: preview every row as it would be stored, then store all
chosen rows in one transaction or none.

    parsed = parse_csv(data)                       # crm.contacts.csv_reading
    preview = preview_import(parsed, guess_mapping(parsed.headers), "journalist")
    result = run_import(preview, skip_invalid=False, import_duplicates={7, 12})

Rows are numbered as in the spreadsheet (the header is row 1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError

from crm.contacts import duplicates
from crm.contacts.csv_reading import ParsedFile
from crm.contacts.import_fields import (
    FIELDS_BY_KEY,
    check_mapping,
    date_value,
    kind_value,
    language_value,
    lawful_basis_value,
    yes_no_value,
)
from crm.contacts.import_writer import insert_contacts
from crm.contacts.models import CONTACT_KINDS, Organisation, Tag
from crm.contacts.services import ContactData
from crm.contacts.validation import (
    normalise_email,
    normalise_labels,
    normalise_phone,
    split_items,
)
from crm.errors import UserError
from crm.extensions import db
from crm.spreadsheet import unguard
from crm.text import fold, name_key, normalise_space, sort_key

BATCH = 500
MAX_NOTES_PER_ROW = 5
ORGANISATION_KIND_FOR = {"journalist": "outlet", "politician": "party", "official": "agency"}


@dataclass
class DuplicateNote:
    reason: str  # "email", "phone" or "name"
    value: str
    contact_id: int | None = None  # an existing contact ...
    contact_name: str = ""
    row: int | None = None  # ... or an earlier row of the same file


@dataclass
class ImportRow:
    number: int
    data: ContactData | None
    organisation: str = ""
    errors: list[str] = field(default_factory=list)
    duplicates: list[DuplicateNote] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    mapping: list[str]
    kind: str
    source: str
    rows: list[ImportRow]
    problems: list[str] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def duplicate_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok and r.duplicates]


@dataclass
class ImportResult:
    committed: bool
    created: int = 0
    organisations_created: list[str] = field(default_factory=list)
    skipped_invalid: list[ImportRow] = field(default_factory=list)
    skipped_duplicates: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# Rows ------------------------------------------------------------------------------------

def clean_cell(value: str) -> str:
    """Strip a cell, undoing the quote our export puts before = + - @ (formula guard)."""
    return unguard((value or "").strip()).strip()


# Google Contacts puts several values in one cell ("ola@vg.no ::: ola@gmail.com") and marks
# its own groups with "* " ("* myContacts ::: Journalister").
GOOGLE_SEPARATOR = " ::: "


def _values(cells: list[str], mapping: list[str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for index, key in enumerate(mapping):
        if key and index < len(cells):
            for part in clean_cell(cells[index]).split(GOOGLE_SEPARATOR):
                value = clean_cell(part)
                if value and not (key == "tags" and value.startswith("* ")):
                    values[key].append(value)
    return values


def _too_long(key: str, value: str, errors: list[str]) -> str:
    limit = FIELDS_BY_KEY[key].limit
    if limit and len(value) > limit:
        errors.append(_("%(field)s is longer than %(max)d characters.",
                        field=FIELDS_BY_KEY[key].label, max=limit))
    return value


def _items(raw: list[str], normalise, message: str, errors: list[str]) -> list[str]:
    out = []
    for item in split_items("\n".join(raw)):
        try:
            value = normalise(item)
        except UserError:
            errors.append(message(item[:80]))
            continue
        if value not in out:
            out.append(value)
    return out


def _choice(values, key, convert, default, message, errors):
    raw = values[key][0] if values.get(key) else ""
    if not raw:
        return default
    value = convert(raw)
    if value is None:
        errors.append(message(raw[:40]))
        return default
    return value


# Messages are made only when a row has the error (gettext per row would cost seconds).
def _unknown_kind(value: str) -> str:
    return _("Unknown kind “%(value)s” (journalist, politician or official).", value=value)


def _bad_email(value: str) -> str:
    return _("“%(value)s” is not a valid email address.", value=value)


def _bad_phone(value: str) -> str:
    return _("“%(value)s” is not a valid phone number.", value=value)


def _unknown_language(value: str) -> str:
    return _("Unknown language “%(value)s” (nb, nn or en).", value=value)


def _unknown_basis(value: str) -> str:
    return _("Unknown lawful basis “%(value)s”.", value=value)


def _bad_date(value: str) -> str:
    return _("“%(value)s” is not a date (use 2026-11-23 or 23.11.2026).", value=value)


def _bad_yes_no(value: str) -> str:
    return _("“%(value)s” is not yes or no.", value=value)


def build_row(number: int, cells: list[str], mapping: list[str], header_count: int,
              default_kind: str, source: str = "") -> ImportRow:
    """One spreadsheet row as ContactData (organisation by name), with every error found."""
    errors: list[str] = []
    extra = [c for c in cells[header_count:] if c.strip()]
    if extra:
        errors.append(_("Columns in this row: %(count)d; in the header: %(header)d.",
                        count=len(cells), header=header_count))
    values = _values(cells, mapping)

    def one(key: str) -> str:
        return _too_long(key, normalise_space(values[key][0]) if values.get(key) else "",
                         errors)

    def joined(key: str, separator: str) -> str:
        return _too_long(key, separator.join(values.get(key, [])).strip(), errors)

    name = normalise_space(values["name"][0]) if values.get("name") else ""
    if not name:
        name = normalise_space(" ".join([one("first_name"), one("middle_name"),
                                         one("last_name")]))
    if not name:
        errors.append(_("The name is missing."))
    elif len(name) > 200:
        errors.append(_("The name is longer than %(max)d characters.", max=200))
    kind = _choice(values, "kind", kind_value, default_kind, _unknown_kind, errors)
    organisation = next((normalise_space(v) for v in values.get("organisation", [])), "")
    _too_long("organisation", organisation, errors)
    data = ContactData(
        kind=kind, name=name,
        title=one("title"), office=one("office"), constituency=one("constituency"),
        committee=one("committee"), region=one("region"),
        emails=_items(values.get("emails", []), normalise_email, _bad_email, errors),
        phones=_items(values.get("phones", []), normalise_phone, _bad_phone, errors),
        beats=normalise_labels("\n".join(values.get("beats", []))),
        tags=normalise_labels("\n".join(values.get("tags", []))),
        address=joined("address", "\n"), social=joined("social", "\n"),
        notes=joined("notes", "\n\n"),
        preferred_language=_choice(values, "preferred_language", language_value, "nb",
                                   _unknown_language, errors),
        lawful_basis=_choice(values, "lawful_basis", lawful_basis_value,
                             "legitimate_interest", _unknown_basis, errors),
        consent_date=_choice(values, "consent_date", date_value, None, _bad_date, errors),
        opted_out=_choice(values, "opted_out", yes_no_value, False, _bad_yes_no, errors),
        data_source=one("data_source") or normalise_space(source)[:300],
    )
    return ImportRow(number=number, data=None if errors else data, organisation=organisation,
                     errors=errors)


# Preview ---------------------------------------------------------------------------------

def _org_key(name: str) -> str:
    return normalise_space(name).casefold()


def existing_organisations() -> dict[str, int]:
    """Organisation ids by case-folded name."""
    rows = db.session.execute(db.select(Organisation.id, Organisation.name))
    return {_org_key(name): org_id for org_id, name in rows}


def _mark_duplicates(rows: list[ImportRow], organisations: dict[str, int]) -> None:
    valid = [r for r in rows if r.ok]

    def org_of(row: ImportRow):
        key = _org_key(row.organisation)
        if not key:
            return None
        return organisations.get(key, "new:" + key)

    name_keys = {r.number: (fold(r.data.name), org_of(r)) for r in valid}
    by_email = duplicates.existing_by_email(e for r in valid for e in r.data.emails)
    by_phone = duplicates.existing_by_phone(p for r in valid for p in r.data.phones)
    by_name = duplicates.existing_by_name(
        {k for k in name_keys.values() if not isinstance(k[1], str)})
    seen: dict[tuple[str, object], int] = {}
    for row in valid:
        keys = [("email", e, by_email.get(e)) for e in row.data.emails]
        keys += [("phone", p, by_phone.get(p)) for p in row.data.phones]
        if name_keys[row.number][0]:
            keys.append(("name", name_keys[row.number], by_name.get(name_keys[row.number])))
        for reason, value, match in keys:
            shown = row.data.name if reason == "name" else value
            if match is not None:
                note = DuplicateNote(reason, shown, match.contact_id, match.name)
            elif (reason, value) in seen:
                note = DuplicateNote(reason, shown, row=seen[(reason, value)])
            else:
                seen[(reason, value)] = row.number
                continue
            if len(row.duplicates) < MAX_NOTES_PER_ROW:
                row.duplicates.append(note)


def preview_import(parsed: ParsedFile, mapping: list[str], kind: str,
                   source: str = "") -> Preview:
    """Every row as it would be stored, its errors and its likely duplicates. Stores nothing."""
    mapping, problems = check_mapping(mapping, parsed.column_count)
    if kind not in CONTACT_KINDS:
        problems.append(_("Choose a kind: journalist, politician or official."))
        kind = "journalist"
    preview = Preview(mapping=mapping, kind=kind, source=normalise_space(source)[:300],
                      rows=[], problems=problems)
    if problems:
        return preview
    preview.rows = [build_row(number, cells, mapping, parsed.column_count, kind, source)
                    for number, cells in parsed.rows]
    organisations = existing_organisations()
    _mark_duplicates(preview.rows, organisations)
    new: dict[str, str] = {}
    for row in preview.valid_rows:
        key = _org_key(row.organisation)
        if key and key not in organisations:
            new.setdefault(key, row.organisation)
    preview.new_organisations = sorted(new.values(), key=sort_key)
    return preview


# Storing ---------------------------------------------------------------------------------

def _organisation_kind(contact_kind: str, name: str) -> str:
    if contact_kind == "official" and "departement" in fold(name):
        return "ministry"
    return ORGANISATION_KIND_FOR.get(contact_kind, "other")


def _ensure_organisations(rows: list[ImportRow]) -> tuple[dict[str, int], list[str]]:
    organisations = existing_organisations()
    created: dict[str, Organisation] = {}
    for row in rows:
        key = _org_key(row.organisation)
        if key and key not in organisations and key not in created:
            created[key] = Organisation(
                name=row.organisation, sort_name=sort_key(row.organisation),
                kind=_organisation_kind(row.data.kind, row.organisation))
            db.session.add(created[key])
    db.session.flush()
    organisations.update({key: org.id for key, org in created.items()})
    return organisations, [org.name for org in created.values()]


def _organisation_names(organisations: dict[str, int]) -> dict[str, str]:
    """The stored name of each organisation by case-folded key."""
    names = dict(db.session.execute(db.select(Organisation.id, Organisation.name)).all())
    return {key: names.get(org_id, "") for key, org_id in organisations.items()}


def _ensure_tags(rows: list[ImportRow]) -> dict[str, Tag]:
    """The tag of every name in the rows, by name; "Viktig" and "viktig" are one tag."""
    names = sorted({t for row in rows for t in row.data.tags})
    keys = {name: name_key(name)[:80] for name in names}
    by_key: dict[str, Tag] = {}
    unique_keys = sorted(set(keys.values()))
    for start in range(0, len(unique_keys), BATCH):
        chunk = unique_keys[start:start + BATCH]
        by_key.update({t.name_key: t for t in db.session.scalars(
            db.select(Tag).where(Tag.name_key.in_(chunk)))})
    for name in names:
        if keys[name] not in by_key:
            by_key[keys[name]] = Tag(name=name)
            db.session.add(by_key[keys[name]])
    db.session.flush()
    return {name: by_key[keys[name]] for name in names}


def _chosen(row: ImportRow, import_duplicates: Collection[int] | bool) -> bool:
    if not row.duplicates:
        return True
    if isinstance(import_duplicates, bool):
        return import_duplicates
    return row.number in import_duplicates


def run_import(preview: Preview, *, skip_invalid: bool = False,
               import_duplicates: Collection[int] | bool = (), user_id: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Store the preview's rows in one transaction: all of them or, on any error, none.

    Rows with errors make the whole import refuse unless `skip_invalid` is given; rows with
    likely duplicates are skipped unless their number is in `import_duplicates` (or it is
    True). `user_id` is who the audit log names."""
    result = ImportResult(committed=False, problems=list(preview.problems))
    if result.problems:
        return result
    result.skipped_invalid = preview.invalid_rows
    if result.skipped_invalid and not skip_invalid:
        result.problems.append(ngettext(
            "%(num)d row has errors, so nothing was imported. Correct it, or choose to "
            "import the valid rows and skip it.",
            "%(num)d rows have errors, so nothing was imported. Correct them, or choose to "
            "import the valid rows and skip these.", len(result.skipped_invalid)))
        return result
    rows = [r for r in preview.valid_rows if _chosen(r, import_duplicates)]
    result.skipped_duplicates = [r for r in preview.duplicate_rows if r not in rows]
    try:
        organisations, result.organisations_created = _ensure_organisations(rows)
        names = _organisation_names(organisations)
        tag_ids = {name: tag.id for name, tag in _ensure_tags(rows).items()}
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            items = []
            for row in batch:
                key = _org_key(row.organisation)
                items.append((row.data, organisations.get(key), names.get(key, "")))
            insert_contacts(items, tag_ids, user_id=user_id)
            if progress:
                progress(start + len(batch), len(rows))
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        result.problems.append(_("The import failed and nothing was stored: %(detail)s",
                                 detail=str(exc).splitlines()[0][:300]))
        result.organisations_created = []
        return result
    result.committed = True
    result.created = len(rows)
    return result
