"""Sending a release: one email per recipient, the .docx attached, never before the embargo.

A distribution lists its recipients when it is created: contacts who opted out, have no
lawful basis or no email address are recorded as skipped, with the reason. Sending claims the
distribution (so two runners never send it at once) and then each recipient in its own
committed step: pending -> sending -> sent | failed. A recipient marked sent is never sent
again; a retry only goes to those that failed. If a process dies between the server accepting
a message and the commit, that recipient stays "sending"; the next run marks it "unknown",
which no retry touches: a person checks, rather than the release going out twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, update

from crm.contacts.lists import list_recipients
from crm.contacts.models import Contact, MediaList
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.mail import (
    Attachment,
    MailConfigError,
    SendError,
    SmtpSender,
    SmtpSettings,
    build_message,
)
from crm.releases.export import ExportError, render_docx
from crm.releases.models import SENDABLE_STATUSES, Distribution, DistributionRecipient, Release
from crm.releases.output import email_body
from crm.timeutil import utcnow

STALE_CLAIM = timedelta(minutes=15)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNKNOWN_OUTCOME = ("The sending process stopped while this message was with the mail server: "
                   "it may or may not have arrived. It is not retried automatically.")


class DistributionError(ValueError):
    """The distribution cannot be created or changed now; the message says why."""


def skip_reason(contact: Contact) -> str:
    """Why a contact gets no release email, or "" if it may get one."""
    if contact.erased_at is not None:
        return "Erased contact."
    if contact.opted_out:
        return "Opted out of mailings."
    if contact.lawful_basis == "none":
        return "No lawful basis recorded."
    if not contact.primary_email:
        return "No email address."
    return ""


def _recipient_rows(media_lists: list[MediaList], contacts: list[Contact]) -> list[dict]:
    rows, seen_contacts, seen_emails = [], set(), set()
    for contact in [c for ml in media_lists for c in list_recipients(ml)] + contacts:
        if contact.id in seen_contacts:
            continue
        seen_contacts.add(contact.id)
        reason = skip_reason(contact)
        email = contact.primary_email
        if not reason and email.lower() in seen_emails:
            reason = "Same address as another recipient."
        seen_emails.add(email.lower())
        rows.append({"contact_id": contact.id, "name": contact.name[:200], "email": email,
                     "status": "skipped" if reason else "pending", "reason": reason})
    return rows


def preview_recipients(list_ids: list[int], contact_ids: list[int]) -> list[dict]:
    """Who would get it and who would be skipped (and why), without storing anything."""
    return _recipient_rows(*_load(list_ids, contact_ids))


def _load(list_ids, contact_ids) -> tuple[list[MediaList], list[Contact]]:
    lists = [ml for ml in (db.session.get(MediaList, i) for i in dict.fromkeys(list_ids)) if ml]
    contacts = [c for c in (db.session.get(Contact, i) for i in dict.fromkeys(contact_ids))
                if c is not None and c.erased_at is None]
    return lists, contacts


def earliest_send(release: Release, wanted: datetime | None, now: datetime) -> datetime:
    """The send time: as wanted, but never before now nor before the embargo."""
    moments = [now] + [m for m in (wanted, release.embargo_until) if m is not None]
    return max(moments)


def create_distribution(release: Release, *, list_ids: list[int], contact_ids: list[int],
                        send_at: datetime | None, user_id: int | None,
                        now: datetime | None = None) -> Distribution:
    """Record a distribution and its recipients (skipped ones with reasons) and commit.

    It is sent by `send_distribution` once due: at `send_at`, at the embargo, or now.
    Raises DistributionError (nothing stored).
    """
    now = now or utcnow()
    if release.status not in SENDABLE_STATUSES:
        raise DistributionError("Only an approved release can be sent.")
    if send_at is not None and send_at.tzinfo is None:
        raise DistributionError("A send time without a time zone.")
    media_lists, contacts = _load(list_ids, contact_ids)
    rows = _recipient_rows(media_lists, contacts)
    if not rows:
        raise DistributionError("Choose at least one media list or contact.")
    distribution = Distribution(
        release=release, status="scheduled", created_by_id=user_id,
        scheduled_for=earliest_send(release, send_at, now),
        media_list_names=[ml.name for ml in media_lists])
    distribution.recipients = [DistributionRecipient(**row) for row in rows]
    db.session.add(distribution)
    db.session.commit()
    return distribution


def is_due(distribution: Distribution, now: datetime) -> bool:
    release = distribution.release
    return (distribution.status == "scheduled" and distribution.scheduled_for <= now
            and release.status in SENDABLE_STATUSES
            and (release.embargo_until is None or release.embargo_until <= now))


def _claim(distribution: Distribution, now: datetime) -> bool:
    """Take the distribution for sending; False if it is not due or another runner has it."""
    release = distribution.release
    if release.status not in SENDABLE_STATUSES or (
            release.embargo_until is not None and release.embargo_until > now):
        return False
    result = db.session.execute(
        update(Distribution).where(
            Distribution.id == distribution.id,
            or_(and_(Distribution.status == "scheduled", Distribution.scheduled_for <= now),
                and_(Distribution.status == "sending",
                     Distribution.claimed_at < now - STALE_CLAIM)))
        .values(status="sending", claimed_at=now))
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
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.sent} sent, {self.failed} failed, {self.skipped} skipped"
        return text + ("; " + self.errors[-1] if self.errors else "")


def _set(recipient: DistributionRecipient, **values) -> None:
    for key, value in values.items():
        setattr(recipient, key, value)
    db.session.flush()


def _claim_recipient(recipient: DistributionRecipient, at: datetime) -> bool:
    """Mark the recipient "sending" and commit that (with the previous one's outcome) before
    anything is sent: one commit per message. It also renews the distribution's claim, so a
    long run is never taken for a dead one."""
    result = db.session.execute(
        update(DistributionRecipient)
        .where(DistributionRecipient.id == recipient.id, DistributionRecipient.status == "pending")
        .values(status="sending", attempts=DistributionRecipient.attempts + 1))
    db.session.execute(update(Distribution).where(
        Distribution.id == recipient.distribution_id).values(claimed_at=at))
    db.session.commit()
    return result.rowcount == 1


def _record_interaction(contact: Contact, email: str, about: dict, now: datetime) -> int:
    interaction = Interaction(
        kind="release", direction="outbound", occurred_at=now, staff_id=about["staff_id"],
        subject=about["title"][:300],
        notes=f"Press release sent by email to {email} (distribution {about['id']}).",
        contacts=[contact])
    db.session.add(interaction)
    db.session.flush()
    return interaction.id


def _fail_all_pending(distribution: Distribution, reason: str, report: SendReport) -> None:
    for recipient in distribution.recipients:
        if recipient.status == "pending":
            recipient.status, recipient.reason = "failed", reason[:2000]
            report.failed += 1
    distribution.last_error = reason[:2000]
    db.session.commit()


def send_distribution(distribution: Distribution, now: datetime | None = None) -> SendReport | None:
    """Send a due distribution to its pending recipients; None if not due or taken.

    Recipients who opted out (or lost their lawful basis) since it was created are skipped
    now. Failures are recorded per recipient; the connection is re-opened after a drop, and
    when the server cannot be reached twice in a row the rest are marked failed (not sent).
    """
    now = now or utcnow()
    if not _claim(distribution, now):
        return None
    report = SendReport()
    stale = [r for r in distribution.recipients if r.status == "sending"]
    for recipient in stale:  # left by a runner that died mid-send
        _set(recipient, status="unknown", reason=UNKNOWN_OUTCOME)
    db.session.commit()
    try:
        name, content = render_docx(distribution.release)
        body = email_body(distribution.release)
        settings = SmtpSettings.from_url(current_app.config["CRM_SMTP_URL"])
    except (ExportError, MailConfigError) as exc:
        _fail_all_pending(distribution, str(exc), report)
    else:
        attachment = Attachment(name, content, DOCX_MIME)
        with SmtpSender(settings) as sender:
            try:
                _send_each(distribution, sender, body, attachment, report, now)
            finally:
                _commit_what_is_known()
    distribution.status, distribution.finished_at = "done", utcnow()
    if report.errors:
        distribution.last_error = report.errors[-1][:2000]
    release = distribution.release
    if report.sent and release.status == "approved":
        release.status, release.published_at = "published", now
    db.session.commit()
    return report


def _commit_what_is_known() -> None:
    """Keep the outcome of the last message even when the loop stopped with an exception."""
    try:
        db.session.commit()
    except Exception:  # the original exception matters more; this one is logged by it
        db.session.rollback()


def _send_each(distribution, sender, body, attachment, report: SendReport,
               now: datetime) -> None:
    sender_address = current_app.config["CRM_MAIL_SENDER"]
    started = time.monotonic()
    # Read once: every commit below expires the ORM objects.
    about = {"id": distribution.id, "title": distribution.release.title,
             "staff_id": distribution.created_by_id,
             "release_id": str(distribution.release_id)}
    lost_in_a_row = 0
    for recipient in list(distribution.recipients):
        if recipient.status != "pending":
            continue
        contact = recipient.contact
        reason = skip_reason(contact) if contact is not None else "The contact was deleted."
        if reason:
            _set(recipient, status="skipped", reason=reason)
            report.skipped += 1
            continue
        if lost_in_a_row >= 2:
            _fail_all_pending(distribution, "Not attempted: " + report.errors[-1], report)
            return
        if not _claim_recipient(recipient, now + timedelta(seconds=time.monotonic() - started)):
            continue
        email, name = recipient.email, recipient.name
        message = build_message(
            sender=sender_address, to_email=email, to_name=name, subject=body.subject,
            text=body.text, html=body.html, attachments=[attachment],
            headers={"X-Pressdesk-Release": about["release_id"]})
        try:
            sender.send(message, email)
        except SendError as exc:
            lost_in_a_row = lost_in_a_row + 1 if exc.connection_lost else 0
            report.failed += 1
            report.errors.append(f"{email}: {exc}")
            _set(recipient, status="failed", reason=str(exc)[:2000])
            continue
        lost_in_a_row = 0
        sent_at = utcnow()
        interaction_id = _record_interaction(contact, email, about, sent_at)
        _set(recipient, status="sent", sent_at=sent_at, reason="",
             message_id=str(message["Message-ID"])[:300], interaction_id=interaction_id)
        report.sent += 1


def retry_failed(distribution: Distribution, now: datetime | None = None) -> SendReport | None:
    """Send again to the recipients that failed (never to those already sent) and commit."""
    now = now or utcnow()
    if distribution.release.status not in SENDABLE_STATUSES:
        raise DistributionError("Only an approved or published release can be sent.")
    if distribution.status not in ("done", "scheduled"):
        raise DistributionError("This distribution is being sent or was cancelled.")
    failed = [r for r in distribution.recipients if r.status == "failed"]
    if not failed:
        raise DistributionError("No recipient failed.")
    for recipient in failed:
        recipient.status = "pending"
    distribution.status = "scheduled"
    distribution.scheduled_for = min(distribution.scheduled_for, now)
    db.session.commit()
    return send_distribution(distribution, now)


def cancel(distribution: Distribution) -> None:
    if distribution.status != "scheduled":
        raise DistributionError("Only a scheduled distribution can be cancelled.")
    distribution.status, distribution.finished_at = "cancelled", utcnow()
    db.session.commit()


def due_distributions(now: datetime) -> list[Distribution]:
    return list(db.session.scalars(
        db.select(Distribution).join(Release).where(
            or_(and_(Distribution.status == "scheduled", Distribution.scheduled_for <= now),
                and_(Distribution.status == "sending",
                     Distribution.claimed_at < now - STALE_CLAIM)),
            Release.status.in_(SENDABLE_STATUSES),
            or_(Release.embargo_until.is_(None), Release.embargo_until <= now))
        .order_by(Distribution.scheduled_for)))


class DistributionFailure(RuntimeError):
    """Some recipients failed; the run is shown as failed on the jobs page."""


def send_due_distributions(now: datetime | None = None) -> str:
    """The scheduled job: send every distribution whose time and embargo have come.

    Raises DistributionFailure (after sending everything it could) when a recipient failed,
    so the job's run is marked failed for admins; the failures wait for a retry by a person.
    """
    now = now or utcnow()
    reports = [r for r in (send_distribution(d, now) for d in due_distributions(now)) if r]
    total = SendReport()
    for report in reports:
        total.sent += report.sent
        total.failed += report.failed
        total.skipped += report.skipped
        total.errors.extend(report.errors)
    summary = f"{len(reports)} distributions: {total}"
    if total.failed:
        raise DistributionFailure(summary)
    return summary
