"""Processing the bounce mailbox, and what a bounce does to an address.

`process_bounces` is the scheduler's job and `crm bounces process`: it reads every unread
message of CRM_BOUNCE_MAILBOX_URL, records each failure it reports (once, however often the
message is read), ties it to its send and contact, and marks the message read. A hard
(permanent) bounce marks the address undeliverable on the contact at once; soft (temporary)
ones are counted, and CRM_BOUNCE_SOFT_LIMIT of them in a row (for consecutive sends to the
address, or consecutive bounces where no send is known) mark it too. A later send that did not
bounce breaks the row; the send loop resets the count when the server accepts a message
(`sent_ok`), and changing or removing the address on the contact deletes its state
(`crm/bounces/hooks.py`). Distribution skips undeliverable addresses with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from crm.bounces import verp
from crm.bounces.mailbox import MailboxError, open_mailbox
from crm.bounces.models import AddressBounce, BounceEvent
from crm.bounces.parse import Bounce, Failure, parse_bounce
from crm.contacts.models import Contact, ContactEmail
from crm.errors import JobFailure
from crm.extensions import db
from crm.messages import Message, literal, msg, nmsg
from crm.releases.models import DistributionRecipient
from crm.timeutil import utcnow

log = logging.getLogger(__name__)
DEFAULT_SOFT_LIMIT = 3
STREAK_LOOKBACK = 50  # sends looked at when counting soft bounces in a row


class BounceFailure(JobFailure):
    """The mailbox could not be read (or some messages not processed): the run failed."""


@dataclass
class BounceReport:
    """What one pass over the mailbox did."""

    messages: int = 0  # read
    not_bounces: int = 0  # no failure found (auto-replies, spam)
    hard: int = 0
    soft: int = 0
    matched: int = 0  # failures tied to a send
    unknown: int = 0  # failures of an address that is on no contact
    repeated: int = 0  # failures already recorded from an earlier reading
    undeliverable: int = 0  # addresses newly marked undeliverable
    errors: list[Message] = field(default_factory=list)

    def summary(self) -> Message:
        counts = nmsg(
            "%(num)d message read: hard bounces %(hard)d, soft %(soft)d, tied to a send "
            "%(matched)d, of unknown addresses %(unknown)d, not bounces %(not_bounces)d, "
            "addresses marked undeliverable %(marked)d.",
            "%(num)d messages read: hard bounces %(hard)d, soft %(soft)d, tied to a send "
            "%(matched)d, of unknown addresses %(unknown)d, not bounces %(not_bounces)d, "
            "addresses marked undeliverable %(marked)d.",
            self.messages, hard=self.hard, soft=self.soft, matched=self.matched,
            unknown=self.unknown, not_bounces=self.not_bounces, marked=self.undeliverable)
        if self.errors:
            return msg("%(counts)s; %(error)s", counts=counts, error=self.errors[-1])
        return counts


def soft_limit() -> int:
    return max(1, int(current_app.config.get("CRM_BOUNCE_SOFT_LIMIT", DEFAULT_SOFT_LIMIT)))


# Reading the mailbox ----------------------------------------------------------------------

def process_mailbox(url: str | None = None, *, now: datetime | None = None,
                    progress: Callable[[int, int], None] | None = None) -> BounceReport:
    """Read and process every unread message of the bounce mailbox (CRM_BOUNCE_MAILBOX_URL
    unless `url`), committing each message's outcome before marking it read.

    `progress(done, total)` is called after each message. Raises MailboxError when the
    mailbox cannot be opened; a message that cannot be processed is left unread and counted
    in `errors`.
    """
    url = url if url is not None else current_app.config.get("CRM_BOUNCE_MAILBOX_URL", "")
    if not url:
        raise MailboxError(msg("No bounce mailbox is set (CRM_BOUNCE_MAILBOX_URL)."))
    report = BounceReport()
    with open_mailbox(url) as box:
        keys = box.unread()
        for done, (key, raw) in enumerate(box.read(keys), start=1):
            try:
                process_message(raw, report, now=now)
            except Exception as exc:  # one bad message never stops the others
                db.session.rollback()
                log.exception("Bounce message %s not processed", key)
                report.errors.append(literal(f"{type(exc).__name__}: {exc}"[:300]))
            else:
                box.mark_read(key)
            if progress is not None:
                progress(done, len(keys))
    return report


def process_bounces() -> Message:
    """The scheduled job: process the bounce mailbox, if one is set.

    Returns the counts (the job's result). Raises BounceFailure when the mailbox cannot be
    read or a message could not be processed, so the run shows as failed to admins.
    """
    if not current_app.config.get("CRM_BOUNCE_MAILBOX_URL"):
        return msg("No bounce mailbox is set (CRM_BOUNCE_MAILBOX_URL).")
    try:
        report = process_mailbox()
    except MailboxError as exc:
        raise BounceFailure(exc.msg) from None
    if report.errors:
        raise BounceFailure(report.summary())
    return report.summary()


# One message ------------------------------------------------------------------------------

def process_message(raw: bytes, report: BounceReport | None = None, *,
                    now: datetime | None = None) -> list[BounceEvent]:
    """Record the failures one bounce message reports and apply them; commits.

    Returns the events recorded now (none for a message that is not a bounce, or one read
    before).
    """
    report = report if report is not None else BounceReport()
    now = now or utcnow()
    report.messages += 1
    bounce = parse_bounce(raw)
    if not bounce.failures:
        report.not_bounces += 1
        return []
    events = []
    for failure, recipient, matched_by in _tie(bounce):
        contact_ids = _contacts_for(failure.email, recipient)
        if not contact_ids:
            report.unknown += 1
        event = _record(bounce, failure, recipient, matched_by,
                        contact_ids[0] if len(contact_ids) == 1 else None, now)
        if event is None:
            report.repeated += 1
            continue
        events.append(event)
        report.hard += failure.kind == "hard"
        report.soft += failure.kind == "soft"
        report.matched += recipient is not None
        for contact_id in contact_ids:
            if _apply(contact_id, failure, recipient, now):
                report.undeliverable += 1
    db.session.commit()
    return events


def _tie(bounce: Bounce) -> list[tuple[Failure, DistributionRecipient | None, str]]:
    """Each failure with its send: by the envelope token, else the original's Message-ID,
    else the address's latest send. With a token the bounce is about that one recipient
    (whatever address a forwarding server reports), so it gives one failure."""
    for address in bounce.envelope:
        recipient_id = verp.recipient_of(address)
        recipient = db.session.get(DistributionRecipient, recipient_id) if recipient_id else None
        if recipient is not None:
            own = [f for f in bounce.failures if f.email == recipient.email.lower()]
            failure = (own or bounce.failures)[0]
            return [(Failure(recipient.email.lower(), failure.kind, failure.status,
                             failure.diagnostic), recipient, "token")]
    by_message_id = {}
    if bounce.message_ids:
        by_message_id = {r.email.lower(): r for r in db.session.scalars(
            db.select(DistributionRecipient)
            .where(DistributionRecipient.message_id.in_(bounce.message_ids)))}
    tied = []
    for failure in bounce.failures:
        recipient = by_message_id.get(failure.email)
        if recipient is None and len(by_message_id) == 1 and len(bounce.failures) == 1:
            recipient = next(iter(by_message_id.values()))  # forwarded: another address
        if recipient is not None:
            tied.append((failure, recipient, "message_id"))
            continue
        recipient = db.session.scalars(
            db.select(DistributionRecipient)
            .where(func.lower(DistributionRecipient.email) == failure.email,
                   DistributionRecipient.status == "sent")
            .order_by(DistributionRecipient.sent_at.desc(), DistributionRecipient.id.desc())
            .limit(1)).first()
        tied.append((failure, recipient, "address" if recipient is not None else ""))
    return tied


def _contacts_for(email: str, recipient: DistributionRecipient | None) -> list[int]:
    """The contacts a failure concerns: the send's contact, else every live contact with
    that address."""
    if recipient is not None and recipient.contact_id is not None:
        return [recipient.contact_id]
    return list(db.session.scalars(
        db.select(ContactEmail.contact_id).join(Contact, Contact.id == ContactEmail.contact_id)
        .where(func.lower(ContactEmail.email) == email, Contact.erased_at.is_(None))
        .distinct().order_by(ContactEmail.contact_id)))


def _record(bounce: Bounce, failure: Failure, recipient: DistributionRecipient | None,
            matched_by: str, contact_id: int | None, now: datetime) -> BounceEvent | None:
    """Store the event; None if this message's failure was recorded before."""
    event = BounceEvent(
        source=bounce.source, received_at=now, email=failure.email[:254], kind=failure.kind,
        status=failure.status, diagnostic=failure.diagnostic, matched_by=matched_by,
        recipient_id=recipient.id if recipient is not None else None, contact_id=contact_id)
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:
        return None
    return event


def _detail(failure: Failure) -> Message:
    # A DSN without a Diagnostic-Code gives its Status line as the diagnostic: not twice.
    words = failure.diagnostic
    if failure.status and not words.startswith(failure.status):
        words = f"{failure.status} {words}".strip()
    if words:
        return literal(words[:300])
    if failure.kind == "hard":
        return msg("the receiving server reported a permanent failure")
    return msg("the receiving server reported a temporary failure")


def _state(contact_id: int, email: str, now: datetime) -> AddressBounce:
    state = db.session.scalars(db.select(AddressBounce).where(
        AddressBounce.contact_id == contact_id, AddressBounce.email == email)).first()
    if state is None:
        state = AddressBounce(contact_id=contact_id, email=email, created_at=now)
        db.session.add(state)
    return state


def _soft_streak(state: AddressBounce, recipient: DistributionRecipient | None) -> int:
    """Soft bounces in a row: over the sends to this address up to the bounced one, the
    latest that all bounced soft; without a known send, one more than before."""
    if recipient is None or recipient.sent_at is None:
        return state.soft_in_a_row + 1
    sends = db.session.scalars(
        db.select(DistributionRecipient.id)
        .where(DistributionRecipient.contact_id == state.contact_id,
               func.lower(DistributionRecipient.email) == state.email,
               DistributionRecipient.status == "sent",
               DistributionRecipient.sent_at <= recipient.sent_at)
        .order_by(DistributionRecipient.sent_at.desc(), DistributionRecipient.id.desc())
        .limit(STREAK_LOOKBACK)).all()
    bounced = set(db.session.scalars(db.select(BounceEvent.recipient_id).where(
        BounceEvent.recipient_id.in_(sends), BounceEvent.kind == "soft")))
    streak = 0
    for send_id in sends:
        if send_id not in bounced:
            break
        streak += 1
    return max(streak, 1)


def _apply(contact_id: int, failure: Failure, recipient: DistributionRecipient | None,
           now: datetime) -> bool:
    """Update the address's state; True if it became undeliverable now."""
    state = _state(contact_id, failure.email, now)
    state.last_bounce_at = now
    if state.undeliverable_at is not None:
        return False
    if failure.kind == "hard":
        state.undeliverable_at = now
        state.reason = msg("Hard bounce: %(detail)s", detail=_detail(failure)).truncated(300)
        return True
    db.session.flush()
    state.soft_in_a_row = _soft_streak(state, recipient)
    if state.soft_in_a_row >= soft_limit():
        state.undeliverable_at = now
        state.reason = nmsg("%(num)d soft bounce in a row; the last: %(detail)s",
                            "%(num)d soft bounces in a row; the last: %(detail)s",
                            state.soft_in_a_row, detail=_detail(failure)).truncated(300)
        return True
    return False


# What the rest of Pressdesk asks ----------------------------------------------------------

def undeliverable_marks(contact_ids: Iterable[int]) -> dict[tuple[int, str], AddressBounce]:
    """(contact id, lower-case address) -> its undeliverable mark, in one query."""
    ids = list(dict.fromkeys(contact_ids))
    if not ids:
        return {}
    rows = db.session.scalars(db.select(AddressBounce).where(
        AddressBounce.contact_id.in_(ids), AddressBounce.undeliverable_at.is_not(None)))
    return {(row.contact_id, row.email): row for row in rows}


def undeliverable_reason(contact: Contact, email: str,
                         marks: dict[tuple[int, str], AddressBounce] | None = None
                         ) -> Message | None:
    """Why mail to `email` of `contact` is not sent (it bounced), or None."""
    if contact.id is None or not email:
        return None
    if marks is None:
        marks = undeliverable_marks([contact.id])
    mark = marks.get((contact.id, email.lower()))
    if mark is None:
        return None
    return msg("Undeliverable address (%(email)s) since %(when)s: %(reason)s", email=email,
               when=mark.undeliverable_at, reason=mark.reason)


def address_states(contact: Contact) -> list[AddressBounce]:
    """The contact's addresses with a bounce state (undeliverable or soft bounces)."""
    return list(db.session.scalars(
        db.select(AddressBounce).where(AddressBounce.contact_id == contact.id,
                                       (AddressBounce.undeliverable_at.is_not(None))
                                       | (AddressBounce.soft_in_a_row > 0))
        .order_by(AddressBounce.email)))


def recipient_bounces(recipient_ids: Iterable[int]) -> dict[int, BounceEvent]:
    """Recipient id -> its latest bounce, for the distribution page (one query)."""
    ids = list(recipient_ids)
    if not ids:
        return {}
    latest: dict[int, BounceEvent] = {}
    for event in db.session.scalars(db.select(BounceEvent).where(
            BounceEvent.recipient_id.in_(ids)).order_by(BounceEvent.id)):
        latest[event.recipient_id] = event
    return latest


def sent_ok(contact_id: int | None, email: str) -> None:
    """A message to the address was accepted: its soft bounces in a row start again (no
    commit; the send loop commits with the recipient's outcome)."""
    if contact_id is None:
        return
    db.session.execute(
        update(AddressBounce)
        .where(AddressBounce.contact_id == contact_id, AddressBounce.email == email.lower(),
               AddressBounce.soft_in_a_row > 0, AddressBounce.undeliverable_at.is_(None))
        .values(soft_in_a_row=0).execution_options(synchronize_session=False))
