"""Building and sending digests exactly once per user and local day.

The scheduler calls `send_due_digests` every minute. For each user whose local send time has
passed today, it first claims "digest for U on day D" by inserting a DigestDelivery row under a
unique constraint, and only the process whose insert succeeded sends. A failed send is retried
with backoff. While a process builds and sends a digest, its claim carries a heartbeat
(crm/jobs/claims.py); a claim whose heartbeat has been silent for CRM_CLAIM_STALE_SECONDS
(default 2 minutes) was left by a process that died, and is taken over. The Message-ID is
derived from user and day, so in the one unavoidable window (the server accepted the mail, then
the process died before recording it) the user gets a second copy that mail clients see as the
same message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError

from crm.auth.models import User
from crm.digest.content import Digest, DigestContext, build_digest
from crm.digest.models import DEFAULT_WEEKDAYS, DIGEST_GROUPS, DigestDelivery, DigestSettings
from crm.digest.render import RenderedDigest, link_context, render_digest, user_locale
from crm.digest.schedule import is_due, previous_send_moment
from crm.errors import JobFailure
from crm.extensions import db
from crm.jobs.claims import heartbeat, stale_after
from crm.mail import SendError, SmtpSender, SmtpSettings, build_message
from crm.messages import Message, concerning, msg, nmsg
from crm.timeutil import utcnow

MAX_BACKOFF = timedelta(hours=1)


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CRM_TIMEZONE"])


def settings_for(user: User) -> DigestSettings:
    """The user's settings, or the defaults (on, 07:00, Monday to Friday, every group)."""
    settings = db.session.get(DigestSettings, user.id)
    if settings is None:
        settings = DigestSettings(user_id=user.id, enabled=True, send_hour=7, send_minute=0,
                                  weekdays=list(DEFAULT_WEEKDAYS), groups=list(DIGEST_GROUPS),
                                  weekly_report=False)
    return settings


def save_settings(user: User, *, enabled: bool, hour: int, minute: int, weekdays: list[int],
                  groups: list[str], weekly_report: bool | None = None) -> DigestSettings:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError("time")
    settings = db.session.get(DigestSettings, user.id) or DigestSettings(user_id=user.id)
    settings.enabled, settings.send_hour, settings.send_minute = enabled, hour, minute
    settings.weekdays = sorted({d for d in weekdays if 0 <= d <= 6})
    settings.groups = [g for g in DIGEST_GROUPS if g in groups]
    if weekly_report is not None:
        settings.weekly_report = bool(weekly_report)
    db.session.add(settings)
    db.session.commit()
    return settings


def _last_sent(user: User, before: date) -> DigestDelivery | None:
    return db.session.scalar(
        db.select(DigestDelivery)
        .where(DigestDelivery.user_id == user.id, DigestDelivery.status == "sent",
               DigestDelivery.day < before)
        .order_by(DigestDelivery.day.desc()).limit(1))


def digest_context(user: User, day: date, now: datetime) -> DigestContext:
    """New since the previous digest (or the previous scheduled time) until now."""
    settings = settings_for(user)
    previous = _last_sent(user, day)
    since = previous.covered_until if previous and previous.covered_until else \
        previous_send_moment(settings, day, zone())
    until = now
    since = min(since, until)
    return DigestContext(user=user, day=day, since=since, until=until,
                         groups=list(settings.groups or DIGEST_GROUPS),
                         previous_since=since - (until - since))


def compose(user: User, day: date, now: datetime | None = None) -> tuple[Digest, RenderedDigest]:
    """Build and render the user's digest in the user's language, links to CRM_BASE_URL."""
    now = now or utcnow()
    with user_locale(user), link_context():
        digest = build_digest(digest_context(user, day, now))
        return digest, render_digest(digest)


def new_sender() -> SmtpSender:
    """An SMTP sender for CRM_SMTP_URL (connects on first send)."""
    return SmtpSender(SmtpSettings.from_url(current_app.config["CRM_SMTP_URL"]))


def message_for(user: User, rendered: RenderedDigest, day: date, test: bool = False):
    email = build_message(
        sender=current_app.config["CRM_MAIL_SENDER"], to_email=user.email,
        to_name=user.name, subject=rendered.subject, text=rendered.text, html=rendered.html,
        headers={"Auto-Submitted": "auto-generated", "X-Pressdesk-Digest": day.isoformat()})
    # Derived from user and day: a copy sent again after a crash is the same message.
    suffix = f"test-{uuid.uuid4().hex[:8]}" if test else "daily"
    del email["Message-ID"]
    email["Message-ID"] = f"<digest-{user.id}-{day.isoformat()}-{suffix}@pressdesk>"
    return email


# Claims -----------------------------------------------------------------------------------

def claim_delivery(model, user: User, now: datetime, **key):
    """Claim the once-only email `model` (DigestDelivery, ReportDelivery: a DeliveryClaim)
    for the user and `key` (day=..., week=...) by inserting its row under the unique
    constraint; a failed one whose retry time has come, or one whose heartbeat went silent,
    is taken over. None if it is sent, in flight or waiting to retry."""
    token = uuid.uuid4().hex
    where = [model.user_id == user.id, *(getattr(model, k) == v for k, v in key.items())]
    try:
        db.session.add(model(user_id=user.id, **key, status="sending", claim_token=token,
                             claimed_at=now, heartbeat_at=now, attempts=1))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        result = db.session.execute(
            update(model)
            .where(*where,
                   or_((model.status == "failed") & (model.next_attempt_at <= now),
                       (model.status == "sending")
                       & (func.coalesce(model.heartbeat_at, model.claimed_at)
                          < now - stale_after())))
            .values(status="sending", claim_token=token, claimed_at=now, heartbeat_at=now,
                    attempts=model.attempts + 1))
        if result.rowcount != 1:
            db.session.rollback()
            return None
        db.session.commit()
    return db.session.scalar(db.select(model).where(*where, model.claim_token == token))


def claim(user: User, day: date, now: datetime) -> DigestDelivery | None:
    """Claim the digest for (user, day); None if it is sent, in flight or waiting to retry."""
    return claim_delivery(DigestDelivery, user, now, day=day)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[Message] | None = None

    def counts(self) -> Message:
        return nmsg("%(num)d digest sent, %(failed)d failed, %(waiting)d not due or already "
                    "sent", "%(num)d digests sent, %(failed)d failed, %(waiting)d not due or "
                    "already sent", self.sent, failed=self.failed, waiting=self.waiting)

    def message(self) -> Message:
        counts = self.counts()
        if not self.errors:
            return counts
        return msg("%(counts)s; last error: %(error)s", counts=counts, error=self.errors[-1])

    def __str__(self) -> str:
        return str(self.message())


def finish(delivery, **values) -> None:
    """Record the outcome of a claimed delivery (only while this process still holds it)."""
    model = type(delivery)
    db.session.execute(update(model).where(
        model.id == delivery.id, model.claim_token == delivery.claim_token).values(**values))
    db.session.commit()


def send_claimed(model, user: User, now: datetime, mailer: SmtpSender, build, **key):
    """Claim the once-only email `model` for the user and `key` (see claim_delivery), then
    under a heartbeat call `build()` -> (what was built, the EmailMessage) and send it. A
    failed send is recorded for a retry with backoff and raised. Returns (delivery, built),
    or (None, None) if the email is taken; the caller records it sent (`finish`)."""
    delivery = claim_delivery(model, user, now, **key)
    if delivery is None:
        return None, None
    try:
        with heartbeat(model.heartbeat_at, model.id == delivery.id,
                       model.claim_token == delivery.claim_token, now=now):
            built, email = build()
            mailer.send(email, user.email)
    except SendError as exc:
        finish(delivery, status="failed", last_error=exc.msg.truncated(2000),
               next_attempt_at=now + backoff(delivery.attempts))
        raise
    return delivery, built


def deliver(user: User, day: date, now: datetime, mailer: SmtpSender) -> str:
    """Claim, build, send and record one user's digest. Returns sent/failed/skipped/taken."""
    def build():
        digest, rendered = compose(user, day, now)
        return (digest, rendered), message_for(user, rendered, day)

    delivery, built = send_claimed(DigestDelivery, user, now, mailer, build, day=day)
    if delivery is None:
        return "taken"
    digest, rendered = built
    finish(delivery, status="sent", sent_at=utcnow(), last_error=Message(""),
           covered_until=digest.context.until,
           summary={"sections": {s.key: s.total for s in digest.sections},
                    "bytes": len(rendered.html.encode()) + len(rendered.text.encode())})
    return "sent"


def due_users(now: datetime) -> list[tuple[User, date]]:
    users = db.session.scalars(db.select(User).where(User.active).order_by(User.id)).all()
    due = []
    for user in users:
        day = is_due(settings_for(user), now, zone())
        if day is not None:
            due.append((user, day))
    return due


def send_each(pending: list[tuple[User, date]], deliver_one, now: datetime,
              result: RunResult) -> None:
    """Deliver each (user, day or week) with `deliver_one(user, key, now, mailer)` over one
    SMTP connection, counting into `result`; stops early when the server is unreachable."""
    mailer = new_sender()
    try:
        for user, key in pending:
            try:
                outcome = deliver_one(user, key, now, mailer)
            except SendError as exc:
                result.failed += 1
                result.errors.append(concerning(user.email, exc.msg))
                if exc.connection_lost:
                    # The server is unreachable: the others would fail the same way.
                    result.waiting += len(pending) - result.sent - result.failed
                    break
                continue
            if outcome == "sent":
                result.sent += 1
            else:
                result.waiting += 1
    finally:
        mailer.close()


def send_due_digests(now: datetime | None = None) -> RunResult:
    """The scheduled job: send every digest that is due and not yet sent (or claimed)."""
    now = now or utcnow()
    result = RunResult(errors=[])
    due = due_users(now)
    if not due:
        return result
    done = {(d.user_id, d.day) for d in db.session.scalars(db.select(DigestDelivery).where(
        DigestDelivery.status == "sent",
        DigestDelivery.day.in_({day for _, day in due})))}
    pending = [(u, d) for u, d in due if (u.id, d) not in done]
    result.waiting = len(due) - len(pending)
    if not pending:
        return result
    send_each(pending, deliver, now, result)
    if result.failed:
        raise DigestFailure(result.message())
    return result


class DigestFailure(JobFailure):
    """Some digests could not be sent; they are retried with backoff (admins see this)."""


def failing_deliveries() -> list[DigestDelivery]:
    """Deliveries waiting for a retry: shown to admins."""
    return list(db.session.scalars(db.select(DigestDelivery).where(
        DigestDelivery.status == "failed").order_by(DigestDelivery.day.desc()).limit(50)))


def send_test(user: User, now: datetime | None = None) -> None:
    """Send the user today's digest as a test, outside the once-a-day bookkeeping."""
    now = now or utcnow()
    day = now.astimezone(zone()).date()
    _digest, rendered = compose(user, day, now)
    with new_sender() as mailer:
        mailer.send(message_for(user, rendered, day, test=True), user.email)
