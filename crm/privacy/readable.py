"""The subject-access export as a document a person can read (GDPR Art. 15), in their language.

The same data as the JSON export (`services.export_contact`), laid out as an HTML letter the
press office can send in answer to an access request: who holds the data and why, on what
basis, for how long, the person's rights, the source, and then every part the domains export,
with labels and local dates in the person's language (bokmål for nb and nn; English for en).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import force_locale

from crm.audit.labels import field_label, shown_value
from crm.contacts.models import Contact
from crm.i18n import lazy_gettext as _l
from crm.privacy.services import controller, export_contact
from crm.timeutil import utcnow

PART_LABELS = {
    "contact": _l("Personal details"), "interactions": _l("Contacts with the press office"),
    "follow_ups": _l("Follow-ups"), "press_inquiries": _l("Press inquiries"),
    "audit_entries": _l("Changes to the record"), "monitoring": _l("Media monitoring"),
    "releases": _l("Press releases"),
}
KEY_LABELS = {
    "emails": _l("Emails"), "phones": _l("Phones"), "beats": _l("Beats"), "tags": _l("Tags"),
    "media_lists": _l("Media lists"), "organisation": _l("Organisation"),
    "staff": _l("Staff member"), "other_contacts_involved": _l("Other people involved"),
    "articles_by_byline": _l("Articles under their byline"),
    "watch_terms": _l("Watch terms about them"), "releases_sent": _l("Press releases sent"),
    "quotes": _l("Quotes"), "contact_person_for": _l("Contact person for"),
    "changes": _l("Fields changed"), "action": _l("Action"),
}
# Stored codes shown by their label: (part, key) -> code set name in crm.templating.
CODED = {("contact", "kind"): "contact_kind", ("contact", "lawful_basis"): "lawful_basis",
         ("contact", "preferred_language"): "contact_language",
         ("interactions", "kind"): "interaction_kind", ("interactions", "direction"): "direction"}
HIDDEN_KEYS = {"id"}  # internal numbers say nothing to the person


def _language(contact: Contact) -> str:
    return "en" if contact.preferred_language == "en" else "nb"


def label(key: str) -> str:
    known = KEY_LABELS.get(key)
    return str(known) if known is not None else field_label("contact", key)


def value(part: str, key: str, raw) -> str:
    from crm.templating import code_sets, localtime
    if key == "changes" and isinstance(raw, dict):  # an audit entry: which fields, not values
        return ", ".join(field_label("contact", k) for k in raw) or "–"
    if key == "action" and isinstance(raw, str):
        from crm.audit.models import ACTION_LABELS
        return str(ACTION_LABELS.get(raw, raw))
    if (part, key) in CODED and isinstance(raw, str):
        return getattr(code_sets(), CODED[(part, key)]).label_of(raw)
    if isinstance(raw, datetime):
        return localtime(raw)
    if isinstance(raw, date):
        from crm.templating import localdate
        return localdate(raw)
    if isinstance(raw, dict):
        return ", ".join(value(part, k, v) for k, v in raw.items()
                         if k not in HIDDEN_KEYS and v not in (None, ""))
    if isinstance(raw, list):
        return ", ".join(value(part, key, item) for item in raw) or "–"
    return shown_value(raw)


def sections(data: dict) -> list[dict]:
    """The export's parts as headed lists (one record) or tables (many records)."""
    out = []
    for part, content in data.items():
        if part == "export":
            continue
        heading = PART_LABELS.get(part)
        heading = str(heading) if heading is not None else label(part)
        if isinstance(content, dict) and content and all(
                isinstance(v, list) for v in content.values()):
            for key, rows in content.items():  # a part of several lists (monitoring, ...)
                out.append(_section(part, f"{heading}: {label(key)}", rows))
        else:
            out.append(_section(part, heading, content))
    return out


def _section(part: str, heading: str, content) -> dict:
    if isinstance(content, list):
        rows = [r for r in content if isinstance(r, dict)]
        keys = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in HIDDEN_KEYS]
        return {"heading": heading, "columns": [label(k) for k in keys],
                "rows": [[value(part, k, r.get(k)) for k in keys] for r in rows]}
    if isinstance(content, dict):
        return {"heading": heading,
                "facts": [(label(k), value(part, k, v)) for k, v in content.items()
                          if k not in HIDDEN_KEYS]}
    return {"heading": heading, "facts": [("", value(part, "", content))]}


def access_document(contact: Contact) -> str:
    """The whole export as one HTML document in the contact's language."""
    data = export_contact(contact)
    with force_locale(_language(contact)):
        return render_template(
            "privacy/access_document.html", contact=contact, controller=controller(),
            retention_months=current_app.config.get("CRM_RETENTION_MONTHS", 24),
            sections=sections(data), exported_at=utcnow(), lang=_language(contact))


def access_document_filename(contact: Contact) -> str:
    from crm.timeutil import to_local
    return f"pressdesk-contact-{contact.id}-{to_local(utcnow()).date().isoformat()}.html"
