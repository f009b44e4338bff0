"""Logging and changing interactions, their follow-ups and press inquiries.

Plain functions shared by views, commands and jobs. Each validates what it is given, raises
UserError (naming the form field) before anything is stored, and owns its commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.errors import UserError
from crm.extensions import db
from crm.interactions.labels import InquiryStatus
from crm.interactions.models import (
    DIRECTIONS,
    INQUIRY_STATUSES,
    INTERACTION_KINDS,
    FollowUp,
    Interaction,
    PressInquiry,
)
from crm.messages import msg
from crm.text import normalise_space
from crm.timeutil import local_day_bounds, to_local, utcnow

SUBJECT_MAX = 300
NOTES_MAX = 20000
OUTCOME_MAX = 5000
FOLLOW_UP_NOTE_MAX = 500
ANSWER_MAX = 20000
MAX_CONTACTS = 500
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
_UNCHANGED = object()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class FollowUpData:
    due_at: datetime  # aware
    assignee_id: int | None
    note: str = ""


@dataclass
class InquiryData:
    deadline: datetime | None = None  # aware
    assignee_id: int | None = None  # the spokesperson; None: not yet assigned
    status: str = "new"
    answer: str = ""
    acting_user_id: int | None = None  # who saves: "in progress" with nobody assigns them


@dataclass
class InteractionData:
    """What a form or a script gives to log or change an interaction."""

    kind: str
    occurred_at: datetime  # aware
    contact_ids: list[int]
    direction: str = "outbound"
    staff_id: int | None = None
    subject: str = ""
    notes: str = ""
    outcome: str = ""
    follow_up: FollowUpData | None = None  # only when logging
    inquiry: InquiryData | None = None  # only for kind "inquiry"


# Validation helpers ----------------------------------------------------------------------

def check_moment(field_name: str, value: datetime | None, required: bool = True) -> None:
    if value is None:
        if required:
            raise UserError(msg("A date and time is required."), field=field_name)
        return
    if value.tzinfo is None:
        raise ValueError("naive datetime given to an interaction service")
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise UserError(msg("Give a date between %(a)d and %(b)d.",
                            a=EARLIEST_YEAR, b=LATEST_YEAR), field=field_name)


def _text(field_name: str, value: str | None, limit: int, *, one_line: bool = False) -> str:
    value = _CONTROL.sub("", value or "")  # PostgreSQL refuses NUL; no one means the others
    value = normalise_space(value) if one_line else value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise UserError(msg("At most %(n)d characters.", n=limit), field=field_name)
    return value


def _user(field_name: str, user_id: int | None, *, allow: int | None = None) -> User | None:
    """An active user (or the inactive one already stored, `allow`)."""
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or (not user.active and user_id != allow):
        raise UserError(msg("Choose an active user."), field=field_name)
    return user


def _contacts(ids: list[int], keep: set[int]) -> list[Contact]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise UserError(msg("Choose at least one contact."), field="contact_ids")
    if len(wanted) > MAX_CONTACTS:
        raise UserError(msg("At most %(n)d contacts.", n=MAX_CONTACTS), field="contact_ids")
    found = {c.id: c for c in db.session.scalars(db.select(Contact).where(Contact.id.in_(wanted)))}
    missing = [cid for cid in wanted if cid not in found
               or (found[cid].erased_at is not None and cid not in keep)]
    if missing:
        raise UserError(msg("Unknown contact: %(ids)s.",
                            ids=", ".join(str(i) for i in missing[:10])), field="contact_ids")
    return [found[cid] for cid in wanted]


# Interactions ----------------------------------------------------------------------------

def _apply(interaction: Interaction, data: InteractionData) -> None:
    if data.kind not in INTERACTION_KINDS:
        raise UserError(msg("Unknown kind of interaction."), field="kind")
    if data.direction not in DIRECTIONS:
        raise UserError(msg("Unknown direction."), field="direction")
    check_moment("occurred_at", data.occurred_at)
    keep = {c.id for c in interaction.contacts}
    contacts = _contacts(data.contact_ids, keep)
    staff = _user("staff_id", data.staff_id, allow=interaction.staff_id)
    subject = _text("subject", data.subject, SUBJECT_MAX, one_line=True)
    notes = _text("notes", data.notes, NOTES_MAX)
    outcome = _text("outcome", data.outcome, OUTCOME_MAX)
    inquiry = None
    if data.kind == "inquiry":
        inquiry = interaction.inquiry or PressInquiry()
        _apply_inquiry(inquiry, data.inquiry or InquiryData())
    interaction.kind = data.kind
    # A press inquiry is by definition a request that came in.
    interaction.direction = "inbound" if data.kind == "inquiry" else data.direction
    interaction.occurred_at = data.occurred_at
    interaction.contacts = contacts
    interaction.staff = staff
    interaction.subject, interaction.notes, interaction.outcome = subject, notes, outcome
    interaction.inquiry = inquiry  # a former inquiry is deleted (delete-orphan)


def _apply_inquiry(inquiry: PressInquiry, data: InquiryData, now: datetime | None = None) -> None:
    check_moment("deadline", data.deadline, required=False)
    if data.status not in INQUIRY_STATUSES:
        raise UserError(msg("Unknown status."), field="status")
    assignee = _user("inquiry_assignee_id", _taken_by(data.status, data.assignee_id,
                                                      data.acting_user_id),
                     allow=inquiry.assignee_id)
    answer = _text("answer", data.answer, ANSWER_MAX)
    inquiry.deadline = data.deadline
    _assign(inquiry, assignee)
    inquiry.answer = answer
    _set_status(inquiry, data.status, now)


def _assign(inquiry: PressInquiry, user: User | None) -> None:
    # The column too, not only the relationship: the audit log reads column changes before
    # the flush would copy the key over.
    inquiry.assignee = user
    inquiry.assignee_id = user.id if user is not None else None


def _taken_by(status: str, assignee_id: int | None, acting_user_id: int | None) -> int | None:
    """Whoever sets an inquiry "in progress" without a spokesperson becomes it."""
    if status == InquiryStatus.IN_PROGRESS.value and assignee_id is None:
        return acting_user_id
    return assignee_id


def _set_status(inquiry: PressInquiry, status: str, now: datetime | None) -> None:
    if status == "answered" and (inquiry.status != "answered" or inquiry.answered_at is None):
        inquiry.answered_at = now or utcnow()
    elif status != "answered":
        inquiry.answered_at = None
    inquiry.status = status


def _new_follow_up(data: FollowUpData) -> FollowUp:
    follow_up = FollowUp()
    _apply_follow_up(follow_up, data)
    return follow_up


def _apply_follow_up(follow_up: FollowUp, data: FollowUpData) -> None:
    check_moment("follow_up_due", data.due_at)
    if data.assignee_id is None:
        raise UserError(msg("Choose who will follow up."), field="follow_up_assignee_id")
    assignee = _user("follow_up_assignee_id", data.assignee_id, allow=follow_up.assignee_id)
    note = _text("follow_up_note", data.note, FOLLOW_UP_NOTE_MAX, one_line=True)
    follow_up.due_at, follow_up.assignee, follow_up.note = data.due_at, assignee, note


def _commit_or_undo(change) -> None:
    """Run `change` (which may raise UserError) then commit; on error store nothing."""
    try:
        with db.session.no_autoflush:
            change()
    except UserError:
        db.session.rollback()
        raise
    db.session.commit()


def log_interaction(data: InteractionData) -> Interaction:
    """Log an interaction (with its follow-up and inquiry) and commit. Raises UserError."""
    interaction = Interaction()

    def change():
        _apply(interaction, data)
        if data.follow_up is not None:
            interaction.follow_ups = [_new_follow_up(data.follow_up)]
        db.session.add(interaction)

    _commit_or_undo(change)
    return interaction


def update_interaction(interaction: Interaction, data: InteractionData) -> Interaction:
    """Change an interaction and commit (follow-ups are changed on their own)."""
    _commit_or_undo(lambda: _apply(interaction, data))
    return interaction


def delete_interaction(interaction: Interaction) -> None:
    """Delete an interaction with its follow-ups and inquiry (contacts stay)."""
    db.session.delete(interaction)
    db.session.commit()


# Follow-ups ------------------------------------------------------------------------------

def add_follow_up(interaction: Interaction, data: FollowUpData) -> FollowUp:
    follow_up = FollowUp()

    def change():
        _apply_follow_up(follow_up, data)
        interaction.follow_ups.append(follow_up)

    _commit_or_undo(change)
    return follow_up


def update_follow_up(follow_up: FollowUp, data: FollowUpData) -> FollowUp:
    _commit_or_undo(lambda: _apply_follow_up(follow_up, data))
    return follow_up


def delete_follow_up(follow_up: FollowUp) -> None:
    db.session.delete(follow_up)
    db.session.commit()


def complete_follow_up(follow_up: FollowUp, now: datetime | None = None) -> FollowUp:
    """Mark done (keeps the first completion time if already done)."""
    if follow_up.done_at is None:
        follow_up.done_at = now or utcnow()
        db.session.commit()
    return follow_up


def reopen_follow_up(follow_up: FollowUp) -> FollowUp:
    if follow_up.done_at is not None:
        follow_up.done_at = None
        db.session.commit()
    return follow_up


def follow_up_state(follow_up: FollowUp, now: datetime | None = None) -> str:
    """"done", "overdue" (due time passed), "today" (due later today, local) or "open"."""
    if follow_up.done_at is not None:
        return "done"
    now = now or utcnow()
    if follow_up.due_at < now:
        return "overdue"
    _start, end = local_day_bounds(to_local(now).date())
    return "today" if follow_up.due_at < end else "open"


# Press inquiries -------------------------------------------------------------------------

def set_inquiry_status(inquiry: PressInquiry, status: str, *, answer: str | None = None,
                       assignee_id=_UNCHANGED, by: User | None = None,
                       now: datetime | None = None) -> PressInquiry:
    """Change status (answered sets answered_at), and optionally answer and assignee.

    `by` is who makes the change: setting "in progress" with nobody assigned assigns them."""

    def change():
        if status not in INQUIRY_STATUSES:
            raise UserError(msg("Unknown status."), field="status")
        wanted = inquiry.assignee_id if assignee_id is _UNCHANGED else assignee_id
        wanted = _taken_by(status, wanted, by.id if by is not None else None)
        if wanted != inquiry.assignee_id or assignee_id is not _UNCHANGED:
            _assign(inquiry, _user("assignee_id", wanted, allow=inquiry.assignee_id))
        if answer is not None:
            inquiry.answer = _text("answer", answer, ANSWER_MAX)
        _set_status(inquiry, status, now)

    _commit_or_undo(change)
    return inquiry


def claim_inquiry(inquiry: PressInquiry, user: User,
                  now: datetime | None = None) -> PressInquiry:
    """"I'll take it": `user` becomes the spokesperson and a new inquiry is in progress.

    The change goes through set_inquiry_status, so it is audited like any other."""
    if not inquiry.is_open:
        raise UserError(msg("This inquiry is already closed."), field="status")
    status = InquiryStatus.IN_PROGRESS.value if inquiry.status == "new" else inquiry.status
    return set_inquiry_status(inquiry, status, assignee_id=user.id, by=user, now=now)


def inquiry_is_overdue(inquiry: PressInquiry, now: datetime | None = None) -> bool:
    return inquiry.is_open and inquiry.deadline is not None and inquiry.deadline < (now or utcnow())


# Read-only views of the data, kept in queries.py; re-exported for callers of services.
from crm.interactions.queries import (  # noqa: E402,F401
    follow_ups_ics,
    my_day,
)
