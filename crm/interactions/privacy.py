"""What the interaction log holds about a contact, for export, erasure and retention.

Exports the contact's interactions, their follow-ups and press inquiries (other people
involved are counted, never named). Erasure blanks the free text of interactions only this
contact was part of and redacts the person's name, emails and phones from shared ones (see
`crm.privacy.services.erase_contact`), with Core statements so no audit entry copies the data.
The last interaction is the contact's activity for the retention report.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry, interaction_contact
from crm.privacy import redaction

# Free-text fields of the interaction log, blanked or redacted on erasure.
INTERACTION_TEXT = ("subject", "notes", "outcome")
FOLLOW_UP_TEXT = ("note",)
INQUIRY_TEXT = ("answer",)
TEXT_KEYS = frozenset(INTERACTION_TEXT + FOLLOW_UP_TEXT + INQUIRY_TEXT)


def _user_name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


# Export ----------------------------------------------------------------------------------

def _interaction_ids(contact_id: int):
    return select(interaction_contact.c.interaction_id).where(
        interaction_contact.c.contact_id == contact_id)


def export_interactions(contact: Contact) -> list[dict]:
    interactions = db.session.scalars(
        select(Interaction).where(Interaction.id.in_(_interaction_ids(contact.id)))
        .options(selectinload(Interaction.staff))
        .order_by(Interaction.occurred_at, Interaction.id)).all()
    # Other people involved are counted, never named: their data is not this subject's.
    involved = dict(db.session.execute(
        select(interaction_contact.c.interaction_id, func.count())
        .where(interaction_contact.c.interaction_id.in_(_interaction_ids(contact.id)))
        .group_by(interaction_contact.c.interaction_id)).all())
    return [{
        "id": i.id, "kind": i.kind, "direction": i.direction, "occurred_at": i.occurred_at,
        "staff": _user_name(i.staff), "subject": i.subject, "notes": i.notes,
        "outcome": i.outcome, "other_contacts_involved": involved.get(i.id, 1) - 1,
        "created_at": i.created_at, "updated_at": i.updated_at,
    } for i in interactions]


def export_follow_ups(contact: Contact) -> list[dict]:
    follow_ups = db.session.scalars(
        select(FollowUp).where(FollowUp.interaction_id.in_(_interaction_ids(contact.id)))
        .options(selectinload(FollowUp.assignee)).order_by(FollowUp.due_at, FollowUp.id)).all()
    return [{
        "id": f.id, "interaction_id": f.interaction_id, "due_at": f.due_at, "note": f.note,
        "assignee": _user_name(f.assignee), "done_at": f.done_at, "created_at": f.created_at,
    } for f in follow_ups]


def export_press_inquiries(contact: Contact) -> list[dict]:
    inquiries = db.session.scalars(
        select(PressInquiry)
        .where(PressInquiry.interaction_id.in_(_interaction_ids(contact.id)))
        .options(selectinload(PressInquiry.assignee))
        .order_by(PressInquiry.interaction_id)).all()
    return [{
        "interaction_id": q.interaction_id, "deadline": q.deadline, "status": q.status,
        "assignee": _user_name(q.assignee), "answer": q.answer, "answered_at": q.answered_at,
    } for q in inquiries]


# Erasure ---------------------------------------------------------------------------------

def split_interactions(contact_id: int) -> tuple[list[int], list[int]]:
    """The contact's interactions: (no other un-erased contact involved, others involved)."""
    linked = list(db.session.scalars(_interaction_ids(contact_id)))
    if not linked:
        return [], []
    # The ids as a list, not a subquery: PostgreSQL then plans index lookups, not a scan.
    shared = set(db.session.scalars(
        select(interaction_contact.c.interaction_id)
        .join(Contact, Contact.id == interaction_contact.c.contact_id)
        .where(interaction_contact.c.interaction_id.in_(linked),
               interaction_contact.c.contact_id != contact_id, Contact.erased_at.is_(None))))
    return sorted(i for i in linked if i not in shared), sorted(shared)


def _follow_up_ids(interaction_ids: list[int]) -> list[int]:
    if not interaction_ids:
        return []
    return list(db.session.scalars(
        select(FollowUp.id).where(FollowUp.interaction_id.in_(interaction_ids))))


def _audit_entries_of(interaction_ids: list[int]):
    follow_ups = _follow_up_ids(interaction_ids)
    return or_(
        and_(AuditEntry.entity_type.in_(("interaction", "press_inquiry")),
                AuditEntry.entity_id.in_(interaction_ids)),
        and_(AuditEntry.entity_type == "follow_up", AuditEntry.entity_id.in_(follow_ups)))


def _blank_interactions(interaction_ids: list[int]) -> None:
    """Blank the free text of interactions only this contact was part of; keep kind and date."""
    if not interaction_ids:
        return
    db.session.execute(update(Interaction).where(Interaction.id.in_(interaction_ids))
                       .values(subject="", notes="", outcome="")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(FollowUp).where(FollowUp.interaction_id.in_(interaction_ids))
                       .values(note="").execution_options(synchronize_session=False))
    db.session.execute(update(PressInquiry)
                       .where(PressInquiry.interaction_id.in_(interaction_ids))
                       .values(answer="").execution_options(synchronize_session=False))
    entries = db.session.execute(
        select(AuditEntry.id, AuditEntry.changes).where(_audit_entries_of(interaction_ids))).all()
    for entry_id, changes in entries:
        kept = {k: v for k, v in (changes or {}).items() if k not in TEXT_KEYS}
        db.session.execute(update(AuditEntry).where(AuditEntry.id == entry_id)
                           .values(changes=kept, label="")
                           .execution_options(synchronize_session=False))


def _redact_rows(model, key, ids: list[int], fields: tuple[str, ...], pattern) -> None:
    columns = [getattr(model, f) for f in fields]
    rows = db.session.execute(select(key, *columns).where(key.in_(ids))).all()
    for row_id, *texts in rows:
        values = {f: redaction.redact_text(t, pattern) for f, t in zip(fields, texts,
                                                                          strict=True)}
        if list(values.values()) != texts:
            db.session.execute(update(model).where(key == row_id).values(**values)
                               .execution_options(synchronize_session=False))


def _redact_interactions(interaction_ids: list[int], pattern) -> None:
    """Shared interactions keep their text, less the erased person's name, emails, phones."""
    if not interaction_ids or pattern is None:
        return
    _redact_rows(Interaction, Interaction.id, interaction_ids, INTERACTION_TEXT, pattern)
    _redact_rows(PressInquiry, PressInquiry.interaction_id, interaction_ids, INQUIRY_TEXT,
                 pattern)
    _redact_rows(FollowUp, FollowUp.id, _follow_up_ids(interaction_ids), FOLLOW_UP_TEXT,
                 pattern)
    entries = db.session.execute(select(AuditEntry.id, AuditEntry.label, AuditEntry.changes)
                                 .where(_audit_entries_of(interaction_ids))).all()
    for entry_id, label, changes in entries:
        new_label = redaction.redact_text(label, pattern)
        new_changes = redaction.redact_value(changes, pattern)
        if new_label != label or new_changes != changes:
            db.session.execute(update(AuditEntry).where(AuditEntry.id == entry_id)
                               .values(label=new_label, changes=new_changes)
                               .execution_options(synchronize_session=False))


def erase_interactions(contact: Contact) -> None:
    """See `crm.privacy.services.erase_contact` for what happens to the interaction log."""
    sole, shared = split_interactions(contact.id)
    _blank_interactions(sole)
    pattern = redaction.pattern_for(redaction.identifiers(
        contact.name, [e.email for e in contact.emails], [p.number for p in contact.phones]))
    _redact_interactions(shared, pattern)


# Activity --------------------------------------------------------------------------------

def interaction_activity(contact_ids) -> dict:
    """The last interaction per contact, one grouped query over `contact_ids`."""
    link = interaction_contact.c
    rows = db.session.execute(
        select(link.contact_id, func.max(Interaction.occurred_at))
        .join(Interaction, Interaction.id == link.interaction_id)
        .where(link.contact_id.in_(contact_ids)).group_by(link.contact_id)).all()
    return dict(rows)


def interaction_counts(contact_ids) -> dict[int, int]:
    """How many interactions each contact is part of, one grouped query."""
    link = interaction_contact.c
    return dict(db.session.execute(
        select(link.contact_id, func.count()).where(link.contact_id.in_(contact_ids))
        .group_by(link.contact_id)).all())
