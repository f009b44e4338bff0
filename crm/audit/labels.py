"""What the audit log calls its records and their fields, and how it shows stored values.

Entries store table and column names (they must outlive renamed labels); the log page shows
them with these labels in the reader's language. `tests/audit` checks that every column of
every audited model has a label, so a new column cannot reach the page as a raw name.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _

from crm.i18n import lazy_gettext as _l
from crm.messages import Message

RECORD_LABELS = {
    "contact": _l("Contact"), "organisation": _l("Organisation"), "media_list": _l("Media list"),
    "interaction": _l("Interaction"), "follow_up": _l("Follow-up"),
    "press_inquiry": _l("Press inquiry"), "release": _l("Press release"),
    "release_template": _l("Template"), "text_snippet": _l("Text snippet"),
    "distribution": _l("Distribution"), "feed": _l("Feed"), "watch_term": _l("Watch term"),
    "mention": _l("Mention"),
    "user_account": _l("User"), "address_bounce": _l("Bounce state of an address"),
    "campaign": _l("Campaign"), "key_message": _l("Key message"),
    "office_logo": _l("Letterhead logo"),
}

# Column names mean the same in every table, except where a table says otherwise below.
FIELD_LABELS = {
    "id": _l("Id"), "name": _l("Name"), "kind": _l("Kind"), "title": _l("Title"),
    "organisation_id": _l("Organisation"), "region": _l("Region"), "office": _l("Office"),
    "constituency": _l("Constituency"), "committee": _l("Committee"), "address": _l("Address"),
    "social": _l("Social media"), "notes": _l("Notes"),
    "preferred_language": _l("Preferred language"), "lawful_basis": _l("Lawful basis"),
    "consent_date": _l("Consent date"), "data_source": _l("Source of the data"),
    "source_notice_at": _l("Told about the source"), "name_key": _l("Name for comparison"),
    "opted_out": _l("Opted out of mailings"), "created_at": _l("Created"),
    "updated_at": _l("Changed"), "erased_at": _l("Erased"), "sort_name": _l("Sort name"),
    "search_text": _l("Search text"), "description": _l("Description"),
    "website": _l("Website"), "language": _l("Language"), "status": _l("Status"),
    "direction": _l("Direction"), "occurred_at": _l("When"), "staff_id": _l("Staff member"),
    "subject": _l("Subject"), "outcome": _l("Outcome"), "interaction_id": _l("Interaction"),
    "assignee_id": _l("Assigned to"), "due_at": _l("Due"), "note": _l("Note"),
    "done_at": _l("Done"), "deadline": _l("Deadline"), "answer": _l("Answer"),
    "answered_at": _l("Answered"), "lead": _l("Lead"), "body": _l("Text"),
    "release_at": _l("Publication time"), "embargo_until": _l("Embargo until"),
    "template_id": _l("Template"), "spokesperson_id": _l("Contact person"),
    "version": _l("Version"), "created_by_id": _l("Created by"),
    "updated_by_id": _l("Changed by"), "approved_by_id": _l("Approved by"),
    "approved_at": _l("Approved"), "published_at": _l("Published"),
    "withdrawn_at": _l("Withdrawn"), "filename": _l("File name"), "content": _l("Content"),
    "size": _l("Size"), "sha256": _l("Checksum"), "variables": _l("Placeholders"),
    "is_default": _l("Default"), "retired_at": _l("Retired"), "retired": _l("Retired"),
    "uploaded_by_id": _l("Uploaded by"), "release_id": _l("Press release"),
    "scheduled_for": _l("Scheduled for"), "media_list_names": _l("Media lists"),
    "claimed_at": _l("Started"), "finished_at": _l("Finished"), "last_error": _l("Last error"),
    "url": _l("Address (URL)"), "interval_minutes": _l("Interval (minutes)"),
    "active": _l("Active"), "feed_title": _l("Title of the feed"), "etag": _l("ETag"),
    "last_modified": _l("Last modified"), "content_hash": _l("Content checksum"),
    "last_polled_at": _l("Last polled"), "last_success_at": _l("Last success"),
    "last_error_at": _l("Last error at"), "last_warning": _l("Last warning"),
    "consecutive_failures": _l("Failures in a row"), "next_poll_at": _l("Next poll"),
    "entries_seen": _l("Entries seen"), "last_entry_count": _l("Entries in the last read"),
    "check_requested_at": _l("Check asked for"), "check_finished_at": _l("Check finished"),
    "check_result": _l("Result of the check"),
    "term": _l("Term"), "variants": _l("Variants"), "group": _l("Group"),
    "contact_id": _l("Contact"), "exclusions": _l("Exclusions"),
    "case_mode": _l("Upper and lower case"), "tone": _l("Tone"),
    "mimetype": _l("File type"), "width": _l("Width"), "height": _l("Height"),
    "shown": _l("Parts of the release it shows"),
    "approved_digest": _l("Checksum of what was approved"), "review_note": _l("Review note"),
    "wave": _l("Wave"), "first_wave_id": _l("First wave"),
    "contact_user_id": _l("Contact person (staff)"), "attach_pdf": _l("Attach a PDF as well"),
    "email": _l("Email"), "soft_in_a_row": _l("Soft bounces in a row"),
    "undeliverable_at": _l("Undeliverable since"), "reason": _l("Reason"),
    "last_bounce_at": _l("Last bounce"),
    "side": _l("Whose campaign"), "party": _l("Competitor"), "start_date": _l("First day"),
    "end_date": _l("Last day"), "campaign_id": _l("Campaign"), "position": _l("Position"),
    "wording": _l("Wording"), "key_phrases": _l("Key phrases"),
    # Summary entries (merges, exports, bulk work)
    "merged_contact_id": _l("Merged contact"), "merged_contact_name": _l("Merged contact"),
    "format": _l("Format"), "count": _l("Count"), "filters": _l("Filters"),
    "operation": _l("Operation"), "list": _l("Media list"), "tag": _l("Tag"),
    # Recorded filters of exports
    "q": _l("Search"), "ids": _l("Selected contacts"), "sort": _l("Sort order"),
    "media_list_id": _l("Media list"), "beat": _l("Beat"), "include_erased": _l("Erased too"),
}
TABLE_FIELD_LABELS: dict[str, dict[str, object]] = {
    "contact": {"title": _l("Role or title")},
    "interaction": {"kind": _l("Kind of interaction")},
}

_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def record_label(entity_type: str) -> str:
    label = RECORD_LABELS.get(entity_type)
    return str(label) if label is not None else entity_type


def field_label(entity_type: str, name: str) -> str:
    label = TABLE_FIELD_LABELS.get(entity_type, {}).get(name) or FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def shown_value(value) -> str:
    """A stored value as the reader expects it: local times, dates in their language, yes/no."""
    from crm.templating import localdate, localtime
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, str):
        try:
            if _ISO_TIME.match(value):
                return localtime(datetime.fromisoformat(value))
            if _ISO_DATE.match(value):
                return localdate(date.fromisoformat(value))
        except ValueError:
            pass
        return value if len(value) <= 300 else value[:299] + "…"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(shown_value(v) for v in value)
    return str(value)


def entry_rows(entry) -> list[tuple[str, str, str | None]]:
    """(field label, value, new value or None) per recorded change of an audit entry: an
    update shows old and new, other entries their values."""
    rows = []
    for key, value in entry.readable_changes().items():
        label = field_label(entry.entity_type, key)
        if entry.action == "update" and isinstance(value, list) and len(value) == 2:
            rows.append((label, shown_value(value[0]), shown_value(value[1])))
        elif isinstance(value, dict) and key == "filters":
            shown = ", ".join(f"{field_label('contact', k)}: {shown_value(v)}"
                              for k, v in value.items())
            rows.append((label, shown or "–", None))
        else:
            rows.append((label, shown_value(value), None))
    return rows
