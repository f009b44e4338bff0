"""Sending a release: one email per recipient, the .docx attached, in one or two waves.

Three moments are separate: when a wave is sent (now or at a time), when the embargo lifts
(journalists may publish from then) and when the release is published openly (its chosen
time, else the lift). A wave sent before the lift states the embargo once, in the subject,
the body and the document; one sent after it states none. Two waves: e.g. trusted
journalists under embargo now, everyone else at the lift (`Wave`, `create_distribution`).

A distribution lists its recipients when it is created: contacts who opted out, have no
lawful basis or no email address are recorded as skipped, with the reason. Sending claims the
distribution (so two runners never send it at once) and then each recipient in its own
committed step: pending -> sending -> sent | failed. A recipient marked sent is never sent
again; a retry only goes to those that failed. The Message-ID is made and committed with the
"sending" mark, before the message goes to the server. If a process dies then (kill -9, power
cut), the distribution's heartbeat stops and once it is CRM_CLAIM_STALE_SECONDS old the next
run takes over: the recipient left "sending" is sent again with the same Message-ID (so the
only possible second copy is recognisably the same message), up to MAX_ATTEMPTS times; after
that it is "failed" with the reason, offered for resending like any failure.

Each message comes from the press office (CRM_RELEASE_FROM, CRM_RELEASE_FROM_EN for English
releases; CRM_MAIL_SENDER when unset), with Reply-To the release's contact person (a staff
user or a register contact) or else the staff member who sent it, and carries the recipient's
own opt-out link (crm/releases/unsubscribe.py). One address that cannot be written or
delivered fails that recipient only.

When a distribution is due is one SQL expression, `Distribution.is_due` (models.py): the
scheduler's query, the claim and the check of one distribution all use it. `distribute` is the
send policy for people: a small due distribution is sent at once, a large one left to the
scheduler's job, a later one waits. A scheduled wave of a release that is no longer approved
(edited, withdrawn, a snippet or template changed) is held (`Distribution.is_held`) until it is
approved again; a send that finds the content changed since the approval sends the release
back to review instead of sending (`workflow.is_as_approved`). The first recipient reached
publishes an approved release through the workflow at its publication moment. Reasons and
errors are stored as Messages, read in the reader's language.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import update

from crm.bounces import services as bounces
from crm.bounces import verp
from crm.contacts.lists import list_recipients
from crm.contacts.models import Contact, MediaList
from crm.errors import JobFailure, UserError
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.jobs.claims import heartbeat
from crm.mail import (
    AddressError,
    Attachment,
    MailConfigError,
    SendError,
    SmtpSender,
    SmtpSettings,
    address,
    build_message,
    message_id_for,
)
from crm.messages import Message, concerning, msg, nmsg
from crm.releases import pdf, unsubscribe, workflow
from crm.releases.export import ExportError, render_docx, send_refusal
from crm.releases.models import (
    SENDABLE_STATUSES,
    Distribution,
    DistributionRecipient,
    Release,
)
from crm.releases.output import email_body
from crm.timeutil import utcnow

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Larger distributions go to the scheduler's job (every minute) instead of holding the
# request; the config key CRM_RELEASE_INLINE_SEND_LIMIT changes it.
INLINE_SEND_LIMIT = 50
REASON_MAX = 2000
MAX_ATTEMPTS = 3  # a message whose sending process died this often is left to a person


def resumed_outcome() -> Message:
    return msg("The sending process stopped while this message was with the mail server; it "
               "was sent again with the same Message-ID and may have arrived twice.")


def abandoned_outcome() -> Message:
    return msg("The sending process stopped while this message was with the mail server, "
               "%(num)d times: it may or may not have arrived. Resend it if it did not.",
               num=MAX_ATTEMPTS)


def crashed_outcome() -> Message:
    """The reason of recipients left "unknown" by a crash before Pressdesk resumed sends (set
    by the migration sender1)."""
    return msg("The sending process stopped while this message was with the mail server: it "
               "may or may not have arrived. Resend it if it did not.")


def office_sender(language: str) -> str:
    """The press office as "Name <address>", in a language (English has its own setting)."""
    config = current_app.config
    if language == "en" and config.get("CRM_RELEASE_FROM_EN"):
        return config["CRM_RELEASE_FROM_EN"]
    return config.get("CRM_RELEASE_FROM") or config["CRM_MAIL_SENDER"]


def release_sender(release: Release) -> str:
    """The From of a release email: the press office, in the release's language."""
    return office_sender(release.language)


def _checked_sender(release: Release) -> str:
    """release_sender, or MailConfigError when the setting is no address (every message
    would fail the same way: say so once, and name the setting)."""
    sender = release_sender(release)
    try:
        address(*parseaddr(sender))
    except AddressError:
        raise MailConfigError(msg("The press office's sender address %(address)s "
                                  "(CRM_RELEASE_FROM) is not a valid email address.",
                                  address=sender)) from None
    return sender


def reply_to(release: Release, sent_by) -> tuple[str, str] | None:
    """Who answers replies, as (name, address): the release's contact person (a staff user
    or a register contact, if they have an address), else the staff member who sent it."""
    if release.contact_user is not None and release.contact_user.email:
        return release.contact_user.display_name, release.contact_user.email
    if release.spokesperson is not None and release.spokesperson.primary_email:
        return release.spokesperson.name, release.spokesperson.primary_email
    if sent_by is not None and sent_by.email:
        return sent_by.display_name, sent_by.email
    return None


class DistributionError(UserError):
    """The distribution cannot be created or changed now; the message says why."""


def check_sendable(release: Release) -> None:
    """Raise DistributionError unless the release may be sent (approved or published)."""
    if release.status not in SENDABLE_STATUSES:
        raise DistributionError(msg("Only an approved release can be sent."))
    refusal = send_refusal(release)
    if refusal is not None:
        raise DistributionError(refusal)


def skip_reason(contact: Contact, bounced: dict | None = None) -> Message | None:
    """Why a contact gets no release email, or None if it may get one.

    `bounced`: bounces.undeliverable_marks of the contacts at hand (else one query)."""
    if contact.erased_at is not None:
        return msg("Erased contact.")
    if contact.opted_out:
        return msg("Opted out of mailings.")
    if contact.lawful_basis == "none":
        return msg("No lawful basis recorded.")
    if not contact.primary_email:
        return msg("No email address.")
    return bounces.undeliverable_reason(contact, contact.primary_email, bounced)


def _recipient_rows(media_lists: list[MediaList], contacts: list[Contact]) -> list[dict]:
    rows, seen_contacts, seen_emails = [], set(), set()
    everyone = [c for ml in media_lists for c in list_recipients(ml)] + contacts
    bounced = bounces.undeliverable_marks(c.id for c in everyone)
    for contact in everyone:
        if contact.id in seen_contacts:
            continue
        seen_contacts.add(contact.id)
        reason = skip_reason(contact, bounced)
        email = contact.primary_email
        if not reason and email.lower() in seen_emails:
            reason = msg("Same address as another recipient.")
        seen_emails.add(email.lower())
        rows.append({"contact_id": contact.id, "name": contact.name[:200], "email": email,
                     "status": "skipped" if reason else "pending",
                     "reason": reason or Message("")})
    return rows


def _load(list_ids, contact_ids) -> tuple[list[MediaList], list[Contact]]:
    lists = [ml for ml in (db.session.get(MediaList, i) for i in dict.fromkeys(list_ids)) if ml]
    contacts = [c for c in (db.session.get(Contact, i) for i in dict.fromkeys(contact_ids))
                if c is not None and c.erased_at is None]
    return lists, contacts


def preview_recipients(list_ids: list[int], contact_ids: list[int]) -> list[dict]:
    """Who would get it and who would be skipped (and why), without storing anything."""
    return _recipient_rows(*_load(list_ids, contact_ids))


def earliest_send(wanted: datetime | None, now: datetime) -> datetime:
    """The send time: as wanted, but never before now. An embargo does not delay it."""
    return max(now, wanted) if wanted is not None else now


def _check_send_at(send_at: datetime | None, field_name: str = "send_at") -> None:
    if send_at is not None and send_at.tzinfo is None:
        raise DistributionError(msg("A send time without a time zone."), field=field_name)


@dataclass
class Wave:
    """A later wave: more lists and contacts, sent at `send_at` (None: at the embargo's lift).
    Whoever is in the first wave is not sent it again."""

    list_ids: list[int] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)
    send_at: datetime | None = None

    def when(self, release: Release, first: datetime, now: datetime) -> datetime:
        """Its send time; raises DistributionError when there is none or it is not later."""
        _check_send_at(self.send_at, "later_send_at")
        wanted = self.send_at or release.embargo_until
        if wanted is None:
            raise DistributionError(msg("Choose when the second wave goes: without an embargo "
                                        "there is no lift to send it at."),
                                    field="later_send_at")
        when = earliest_send(wanted, now)
        if when <= first:
            raise DistributionError(msg("The second wave must go after the first."),
                                    field="later_send_at")
        return when


def _already_in_first_wave() -> Message:
    return msg("Gets it in the first wave.")


@dataclass
class Preview:
    """What sending would do: each recipient (skipped ones with why) and when it goes, for the
    first wave and the later one (if any)."""

    recipients: list[dict]
    send_at: datetime
    later: list[dict] = field(default_factory=list)
    later_at: datetime | None = None


def _rows_of_waves(release: Release, list_ids: list[int], contact_ids: list[int],
                   send_at: datetime | None, later: Wave | None, now: datetime):
    """Both waves' lists and recipient rows and send times, checked. Raises
    DistributionError."""
    check_sendable(release)
    _check_send_at(send_at)
    first_at = earliest_send(send_at, now)
    media_lists, contacts = _load(list_ids, contact_ids)
    rows = _recipient_rows(media_lists, contacts)
    later_lists, later_rows, later_at = [], [], None
    if later is not None:
        later_at = later.when(release, first_at, now)
        later_lists, later_contacts = _load(later.list_ids, later.contact_ids)
        first = {row["contact_id"] for row in rows} | {row["email"].lower() for row in rows
                                                         if row["status"] == "pending"}
        later_rows = _recipient_rows(later_lists, later_contacts)
        for row in later_rows:
            if row["status"] == "pending" and (row["contact_id"] in first
                                               or row["email"].lower() in first):
                row["status"], row["reason"] = "skipped", _already_in_first_wave()
        if not later_rows:
            raise DistributionError(msg("Choose at least one media list or contact for the "
                                        "second wave."), field="later_list_ids")
    if not rows:
        raise DistributionError(msg("Choose at least one media list or contact."))
    return (media_lists, rows, first_at), (later_lists, later_rows, later_at)


def preview(release: Release, *, list_ids: list[int], contact_ids: list[int],
            send_at: datetime | None, later: Wave | None = None,
            now: datetime | None = None) -> Preview:
    """The preview shown before a distribution is confirmed; stores nothing.

    Raises DistributionError for a release that may not be sent or a wave without anyone.
    """
    (_lists, rows, first_at), (_later_lists, later_rows, later_at) = _rows_of_waves(
        release, list_ids, contact_ids, send_at, later, now or utcnow())
    return Preview(rows, first_at, later_rows, later_at)


def create_distribution(release: Release, *, list_ids: list[int], contact_ids: list[int],
                        send_at: datetime | None, user_id: int | None,
                        later: Wave | None = None,
                        now: datetime | None = None, attach_pdf: bool = False) -> Distribution:
    """Record a distribution (its first wave, and a `later` one if given) and the recipients
    (skipped ones with reasons) and commit; return the first wave.

    Each wave is sent by `send_distribution` once due, at its own time (now if none is
    given; the later wave at the embargo's lift unless another time is given), with a PDF
    beside the .docx if `attach_pdf` (only where LibreOffice is installed). Raises
    DistributionError (nothing stored).
    """
    now = now or utcnow()
    if attach_pdf and (reason := pdf.unavailable_reason()) is not None:
        raise DistributionError(reason, field="attach_pdf")
    (lists, rows, first_at), (later_lists, later_rows, later_at) = _rows_of_waves(
        release, list_ids, contact_ids, send_at, later, now)
    distribution = Distribution(
        release=release, status="scheduled", created_by_id=user_id, scheduled_for=first_at,
        attach_pdf=attach_pdf, media_list_names=[ml.name for ml in lists])
    distribution.recipients = [DistributionRecipient(**row) for row in rows]
    db.session.add(distribution)
    if later is not None:
        second = Distribution(
            release=release, status="scheduled", created_by_id=user_id, wave=2,
            first_wave=distribution, scheduled_for=later_at, attach_pdf=attach_pdf,
            media_list_names=[ml.name for ml in later_lists])
        second.recipients = [DistributionRecipient(**row) for row in later_rows]
        db.session.add(second)
    db.session.commit()
    return distribution


@dataclass
class Outcome:
    """What `distribute` did: sent at once (`report`), left to the scheduler although due
    (`background`), or scheduled for later."""

    distribution: Distribution
    report: SendReport | None = None
    background: int = 0  # recipients the scheduler's job sends within a minute

    @property
    def message(self) -> Message:
        if self.report is not None:
            return self.report.message()
        if self.background:
            return nmsg("Sending to %(num)d recipient in the background (within a minute); "
                        "this page shows the progress.",
                        "Sending to %(num)d recipients in the background (within a minute); "
                        "this page shows the progress.", self.background)
        if self.distribution.status == "scheduled":
            return msg("Scheduled.")
        return msg("Waiting for the send time.")

    @property
    def ok(self) -> bool:
        return self.report is None or not self.report.failed


def distribute(release: Release, *, list_ids: list[int], contact_ids: list[int],
               send_at: datetime | None, user_id: int | None, later: Wave | None = None,
               now: datetime | None = None, inline_limit: int | None = None,
               attach_pdf: bool = False) -> Outcome:
    """Create a distribution and, if it is due and small, send it at once.

    Up to `inline_limit` pending recipients (CRM_RELEASE_INLINE_SEND_LIMIT, default
    INLINE_SEND_LIMIT) are sent in the caller's time; a larger due distribution is left to
    the scheduler's send-releases job, and one for later (a send time, a second wave) waits
    for it. Raises DistributionError (nothing stored).
    """
    now = now or utcnow()
    if inline_limit is None:
        inline_limit = current_app.config.get("CRM_RELEASE_INLINE_SEND_LIMIT",
                                              INLINE_SEND_LIMIT)
    created = create_distribution(release, list_ids=list_ids, contact_ids=contact_ids,
                                  send_at=send_at, user_id=user_id, later=later, now=now,
                                  attach_pdf=attach_pdf)
    if not created.is_due(now):
        return Outcome(created)
    pending = created.count("pending")
    if pending > inline_limit:
        return Outcome(created, background=pending)
    return Outcome(created, report=send_distribution(created, now))


def _claim(distribution: Distribution, now: datetime) -> bool:
    """Take the distribution for sending; False if it is not due or another runner has it."""
    result = db.session.execute(
        update(Distribution).where(Distribution.id == distribution.id,
                                   Distribution.is_due(now))
        .values(status="sending", claimed_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.commit()
    db.session.refresh(distribution)
    return True


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[Message] = field(default_factory=list)

    def message(self) -> Message:
        """The counts, for the person who sent it."""
        return msg("%(sent)d sent, %(failed)d failed, %(skipped)d skipped.", sent=self.sent,
                   failed=self.failed, skipped=self.skipped)

    def summary(self) -> Message:
        """The counts and the last error, for the job's result."""
        counts = msg("%(sent)d sent, %(failed)d failed, %(skipped)d skipped", sent=self.sent,
                     failed=self.failed, skipped=self.skipped)
        if self.errors:
            return msg("%(counts)s; %(error)s", counts=counts, error=self.errors[-1])
        return counts

    def __str__(self) -> str:
        return str(self.summary())


def _set(recipient: DistributionRecipient, **values) -> None:
    for key, value in values.items():
        setattr(recipient, key, value)
    db.session.flush()


def _claim_recipient(recipient: DistributionRecipient, message_id: str, at: datetime) -> bool:
    """Mark the recipient "sending" with the Message-ID it goes out with, and commit that
    (with the previous one's outcome) before anything is sent: one commit per message. It also
    renews the distribution's claim, so a long run is never taken for a dead one."""
    result = db.session.execute(
        update(DistributionRecipient)
        .where(DistributionRecipient.id == recipient.id, DistributionRecipient.status == "pending")
        .values(status="sending", attempts=DistributionRecipient.attempts + 1,
                message_id=message_id[:300]))
    db.session.execute(update(Distribution).where(
        Distribution.id == recipient.distribution_id).values(claimed_at=at))
    db.session.commit()
    return result.rowcount == 1


def _office_language(message: Message) -> str:
    """A note people edit later is plain text: written in the office's configured language."""
    from flask_babel import force_locale
    with force_locale(current_app.config["CRM_DEFAULT_LANGUAGE"]):
        return str(message)


def _record_interaction(contact: Contact, email: str, about: dict, now: datetime) -> int:
    interaction = Interaction(
        kind="release", direction="outbound", occurred_at=now, staff_id=about["staff_id"],
        subject=about["title"][:300],
        notes=_office_language(msg("Press release sent by email to %(email)s (distribution "
                                   "%(id)d).", email=email, id=about["id"])),
        contacts=[contact])
    db.session.add(interaction)
    db.session.flush()
    return interaction.id


def _fail_all_pending(distribution: Distribution, reason: Message, report: SendReport) -> None:
    reason = reason.truncated(REASON_MAX)
    for recipient in distribution.recipients:
        if recipient.status == "pending":
            recipient.status, recipient.reason = "failed", reason
            report.failed += 1
    distribution.last_error = reason
    db.session.commit()


def send_distribution(distribution: Distribution, now: datetime | None = None) -> SendReport | None:
    """Send a due distribution to its pending recipients; None if not due or taken.

    Recipients who opted out (or lost their lawful basis) since it was created are skipped
    now. Failures are recorded per recipient; the connection is re-opened after a drop, and
    when the server cannot be reached twice in a row the rest are marked failed (not sent).
    """
    now = now or utcnow()
    if not _as_approved(distribution.release):
        return None
    started = time.monotonic()

    def clock() -> datetime:
        """`now` moved on by the time since: the claim's times must be the real ones, or a
        slow render would make a live claim look stale to another runner."""
        return now + timedelta(seconds=time.monotonic() - started)

    if not _claim(distribution, now):
        return None
    report = SendReport()
    _resume_in_flight(distribution)
    try:
        name, content = render_docx(distribution.release, at=now, for_send=True)
        attachments = [Attachment(name, content, DOCX_MIME)]
        if distribution.attach_pdf:
            attachments.append(Attachment(*pdf.to_pdf(name, content), pdf.PDF_MIME))
        body = email_body(distribution.release, at=now)
        settings = SmtpSettings.from_url(current_app.config["CRM_SMTP_URL"])
        _checked_sender(distribution.release)
    except (ExportError, MailConfigError) as exc:
        _fail_all_pending(distribution, exc.msg, report)
    else:
        with SmtpSender(settings) as sender:
            # The claim's heartbeat (claimed_at) beats while the messages go out, also during
            # a slow server's minutes for one of them; a silent one means this runner died.
            try:
                with heartbeat(Distribution.claimed_at, Distribution.id == distribution.id,
                               Distribution.status == "sending", now=clock()):
                    _send_each(distribution, sender, body, attachments, report, clock)
            finally:
                _commit_what_is_known()
    distribution.status, distribution.finished_at = "done", utcnow()
    if report.errors:
        distribution.last_error = report.errors[-1].truncated(REASON_MAX)
    if report.sent:
        workflow.mark_published(distribution.release, now)
    db.session.commit()
    return report


def _as_approved(release: Release) -> bool:
    """False (and the release back in review, committed) when what would go out is not what
    was approved: a part changed by a path that did not reopen the review itself."""
    if workflow.is_as_approved(release):
        return True
    workflow.reopen_review(release, None, msg(
        "What would be sent differs from what was approved (a snippet, the template or the "
        "text changed); its distributions are held until it is approved again."))
    db.session.commit()
    return False


def _resume_in_flight(distribution: Distribution) -> None:
    """Recipients left "sending" by a runner that died: sent again (same Message-ID), or
    after MAX_ATTEMPTS failed for a person to resend; committed."""
    for recipient in distribution.recipients:
        if recipient.status != "sending":
            continue
        if recipient.attempts >= MAX_ATTEMPTS:
            _set(recipient, status="failed", reason=abandoned_outcome())
        else:
            _set(recipient, status="pending", reason=resumed_outcome())
    db.session.commit()


def _commit_what_is_known() -> None:
    """Keep the outcome of the last message even when the loop stopped with an exception."""
    try:
        db.session.commit()
    except Exception:  # the original exception matters more; this one is logged by it
        db.session.rollback()


def _send_each(distribution, sender, body, attachments, report: SendReport,
               clock) -> None:
    release = distribution.release
    sender_address = release_sender(release)
    answer_to = reply_to(release, distribution.created_by)
    # Read once: every commit below expires the ORM objects.
    about = {"id": distribution.id, "title": release.title,
             "staff_id": distribution.created_by_id, "language": release.language,
             "release_id": str(distribution.release_id)}
    lost_in_a_row = 0
    for recipient in list(distribution.recipients):
        if recipient.status != "pending":
            continue
        contact = recipient.contact
        reason = skip_reason(contact) if contact is not None else msg("The contact was deleted.")
        if reason:
            _set(recipient, status="skipped", reason=reason)
            report.skipped += 1
            continue
        if lost_in_a_row >= 2:
            _fail_all_pending(distribution, msg("Not attempted: %(reason)s",
                                                reason=report.errors[-1]), report)
            return
        resumed = recipient.reason == resumed_outcome()
        message_id = recipient.message_id if resumed and recipient.message_id else \
            message_id_for(sender_address)
        if not _claim_recipient(recipient, message_id, clock()):
            continue
        email, name = recipient.email, recipient.name
        opt_out = unsubscribe.for_recipient(contact.id,
                                            contact.preferred_language or about["language"])
        try:
            message = build_message(
                sender=sender_address, to_email=email, to_name=name, subject=body.subject,
                text=body.text + opt_out.text, html=_with_line(body.html, opt_out.html),
                attachments=attachments, message_id=message_id, reply_to=answer_to,
                headers={"X-Pressdesk-Release": about["release_id"], **opt_out.headers})
            sender.send(message, email, envelope_from=verp.envelope_sender(recipient.id))
        except SendError as exc:  # AddressError too: an address that cannot be written
            lost_in_a_row = lost_in_a_row + 1 if exc.connection_lost else 0
            report.failed += 1
            report.errors.append(concerning(email, exc.msg))
            _set(recipient, status="failed", reason=exc.msg.truncated(REASON_MAX))
            continue
        lost_in_a_row = 0
        bounces.sent_ok(recipient.contact_id, email)
        sent_at = utcnow()
        interaction_id = _record_interaction(contact, email, about, sent_at)
        _set(recipient, status="sent", sent_at=sent_at,
             reason=resumed_outcome() if resumed else Message(""),
             interaction_id=interaction_id)
        report.sent += 1


def _with_line(html: str, line: str) -> str:
    """The release's HTML with the recipient's opt-out line at the end of its body."""
    head, found, tail = html.rpartition("</body>")
    return f"{head}{line}\n{found}{tail}" if found else html + line


def retry_failed(distribution: Distribution, now: datetime | None = None) -> SendReport | None:
    """Send again to the recipients that failed (never to those already sent) and commit.

    Raises DistributionError when `Distribution.can_retry` is false (the page shows the
    button only when it is true).
    """
    now = now or utcnow()
    refusal = distribution.retry_refusal()
    if refusal is not None:
        raise DistributionError(refusal)
    for recipient in distribution.recipients:
        if recipient.status in ("failed", "unknown"):  # "unknown": left by older versions
            recipient.status = "pending"
    distribution.status = "scheduled"
    distribution.scheduled_for = min(distribution.scheduled_for, now)
    db.session.commit()
    return send_distribution(distribution, now)


def cancel(distribution: Distribution) -> None:
    """Cancel a scheduled distribution and commit."""
    if distribution.status != "scheduled":
        raise DistributionError(msg("Only a scheduled distribution can be cancelled."))
    distribution.status, distribution.finished_at = "cancelled", utcnow()
    db.session.commit()


def due_distributions(now: datetime) -> list[Distribution]:
    return list(db.session.scalars(db.select(Distribution).where(Distribution.is_due(now))
                                   .order_by(Distribution.scheduled_for)))


def publish_due(now: datetime) -> int:
    """Publish the approved releases that reached someone and whose publication moment (the
    chosen time, else the embargo's lift) has come; commit and return how many."""
    sent = db.select(DistributionRecipient.id).join(Distribution).where(
        Distribution.release_id == Release.id, DistributionRecipient.status == "sent")
    moment = db.func.coalesce(Release.release_at, Release.embargo_until)
    releases = db.session.scalars(db.select(Release).where(
        Release.status == "approved", moment.is_not(None), moment <= now,
        sent.exists())).all()
    for release in releases:
        workflow.mark_published(release, now)
    db.session.commit()
    return len(releases)


class DistributionFailure(JobFailure):
    """Some recipients failed; the run is shown as failed on the jobs page."""


def send_due_distributions(now: datetime | None = None) -> Message:
    """The scheduled job: send every distribution (wave) whose time has come, and publish the
    releases whose publication moment has come.

    Returns what it did (the job's result, read in the reader's language). Raises
    DistributionFailure (after sending everything it could) when a recipient failed, so the
    job's run is marked failed for admins; the failures wait for a retry by a person.
    """
    now = now or utcnow()
    reports = [r for r in (send_distribution(d, now) for d in due_distributions(now)) if r]
    publish_due(now)
    total = SendReport()
    for report in reports:
        total.sent += report.sent
        total.failed += report.failed
        total.skipped += report.skipped
        total.errors.extend(report.errors)
    summary = nmsg("%(num)d distribution: %(report)s", "%(num)d distributions: %(report)s",
                   len(reports), report=total.summary())
    if total.failed:
        raise DistributionFailure(summary)
    return summary
