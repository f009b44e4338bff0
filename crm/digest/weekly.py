"""The weekly coverage report by email, on Monday morning, exactly once per user and week.

Users who subscribe (DigestSettings.weekly_report, under Digest → Settings) get the coverage
report of the week before (Monday to Sunday, Europe/Oslo) from 07:00 local on Monday. The
scheduler calls `send_due_reports` every minute; as with the morning digest
(crm/digest/services.py) each email is first claimed as a ReportDelivery row "user U, week of
Monday W" under a unique constraint, sent under a heartbeat, then marked sent; a failed send
is retried with backoff, a claim left by a dead process is taken over once its heartbeat is
silent. A scheduler that was down at 07:00 sends later that Monday, never on another day.
The Message-ID comes from user and week, so the one unavoidable second copy (the process
died after the server took the mail) is the same message to mail clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from crm.auth.models import User
from crm.digest.models import DigestSettings, ReportDelivery
from crm.digest.render import link_context, user_locale
from crm.digest.services import RunResult, finish, send_claimed, send_each, zone
from crm.errors import JobFailure
from crm.extensions import db
from crm.mail import SmtpSender, build_message
from crm.messages import Message, nmsg
from crm.monitoring.analytics import Period
from crm.monitoring.report import Report, ReportScope, build_report, cell_text
from crm.timeutil import utcnow

SEND_AT = time(7, 0)  # Monday, local wall-clock time
ROWS_IN_EMAIL = 10  # per table; the page and the downloads have them all


def due_week(now: datetime, tz: ZoneInfo) -> date | None:
    """The Monday whose report is due at `now`: on Mondays from 07:00 local, else None.

    07:00 is wall-clock time: 06:00 UTC in winter, 05:00 UTC in summer."""
    local = now.astimezone(tz)
    if local.weekday() != 0 or local.time() < SEND_AT:
        return None
    return local.date()


def week_before(monday: date) -> Period:
    """Monday to Sunday of the week before `monday`."""
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))


def subscribers() -> list[User]:
    return list(db.session.scalars(
        db.select(User).join(DigestSettings, DigestSettings.user_id == User.id)
        .where(User.active, DigestSettings.weekly_report).order_by(User.id)))


@dataclass
class RenderedReport:
    subject: str
    text: str
    html: str


def compose(user: User, week: date, now: datetime) -> tuple[Report, RenderedReport]:
    """The report of the week before `week`, built and rendered in the user's language."""
    with user_locale(user), link_context():
        period = week_before(week)
        report = build_report(ReportScope(period, now=now))
        subject = _("Pressdesk weekly report %(start)s – %(end)s",
                    start=cell_text(period.start), end=cell_text(period.end))
        values = {"report": report, "user": user, "subject": subject, "cell_text": cell_text,
                  "rows": ROWS_IN_EMAIL,
                  "report_url": url_for("monitoring.coverage_report", _external=True,
                                        **{"from": period.start.isoformat(),
                                           "to": period.end.isoformat()})}
        return report, RenderedReport(subject, render_template("digest/weekly.txt", **values),
                                      render_template("digest/weekly.html", **values))


def message_for(user: User, rendered: RenderedReport, week: date):
    email = build_message(
        sender=current_app.config["CRM_MAIL_SENDER"], to_email=user.email, to_name=user.name,
        subject=rendered.subject, text=rendered.text, html=rendered.html,
        headers={"Auto-Submitted": "auto-generated", "X-Pressdesk-Report": week.isoformat()})
    del email["Message-ID"]
    email["Message-ID"] = f"<weekly-report-{user.id}-{week.isoformat()}@pressdesk>"
    return email


def deliver(user: User, week: date, now: datetime, mailer: SmtpSender) -> str:
    """Claim, build, send and record one user's weekly report: "sent" or "taken"."""
    def build():
        _report, rendered = compose(user, week, now)
        return rendered, message_for(user, rendered, week)

    delivery, _rendered = send_claimed(ReportDelivery, user, now, mailer, build, week=week)
    if delivery is None:
        return "taken"
    finish(delivery, status="sent", sent_at=utcnow(), last_error=Message(""))
    return "sent"


class WeeklyResult(RunResult):
    def counts(self) -> Message:
        return nmsg("%(num)d weekly report sent, %(failed)d failed, %(waiting)d already sent",
                    "%(num)d weekly reports sent, %(failed)d failed, %(waiting)d already sent",
                    self.sent, failed=self.failed, waiting=self.waiting)


class WeeklyReportFailure(JobFailure):
    """Some weekly reports could not be sent; they are retried with backoff."""


def send_due_reports(now: datetime | None = None, week: date | None = None,
                     users: list[User] | None = None) -> RunResult:
    """The scheduled job: send every subscriber the weekly report due now (on Monday from
    07:00 local), once per user and week. `week` (a Monday) sends that week's by hand."""
    now = now or utcnow()
    week = week or due_week(now, zone())
    result = WeeklyResult(errors=[])
    if week is None:
        return result
    wanted = subscribers() if users is None else users
    done = set(db.session.scalars(db.select(ReportDelivery.user_id).where(
        ReportDelivery.week == week, ReportDelivery.status == "sent")))
    pending = [u for u in wanted if u.id not in done]
    result.waiting = len(wanted) - len(pending)
    if not pending:
        return result
    send_each([(user, week) for user in pending], deliver, now, result)
    if result.failed:
        raise WeeklyReportFailure(result.message())
    return result
