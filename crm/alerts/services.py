"""Alert rules, subscriptions, the emails and the banner: what views, CLI and jobs call.

`after_poll` is the AFTER_POLL hook (crm/registry.py): it runs the check (crm.alerts.check)
once the poll's mentions are committed and mails what fired at once, so an alert reaches its
subscribers within a minute or two of the poll that crossed the threshold. Each subscriber's
copy is a receipt row claimed with a conditional UPDATE before it is mailed, so two processes
never mail one twice. The scheduler's "alerts" job (`scheduled_check`, every minute) runs the
same check for mentions that came in without a poll cycle and retries failed sends with backoff.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm.alerts.check import CheckResult, check, ensure_rules
from crm.alerts.detect import MAX_BASELINE_WEEKS, MAX_COOLDOWN_HOURS, MAX_WINDOW_HOURS
from crm.alerts.models import (
    BANNER_HOURS,
    Alert,
    AlertReceipt,
    AlertRule,
    AlertSubscription,
    RuleKind,
)
from crm.auth.models import User
from crm.errors import UserError
from crm.extensions import db
from crm.jobs.claims import stale_after
from crm.mail import SendError, SmtpSender, SmtpSettings, build_message
from crm.messages import concerning, msg
from crm.monitoring.models import Article, TermGroup, WatchTerm
from crm.timeutil import utcnow

MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 8


class AlertError(UserError):
    """Invalid rule settings; `field` names the form field."""


# --- rules and subscriptions ------------------------------------------------------------------

def target_label(rule: AlertRule) -> str:
    """The term, or the group's plural ("Competitors"), in the current language."""
    if rule.term_id is not None:
        return rule.term.term if rule.term is not None else "?"
    try:
        return str(TermGroup(rule.group).plural)
    except ValueError:
        return str(rule.group or "?")


@dataclass
class RuleData:
    kind: str = "spike"
    target: str = ""  # "term:<id>" or "group:<code>"
    factor: float = 3.0
    min_count: int = 5
    window_hours: int = 1
    baseline_weeks: int = 4
    cooldown_hours: int = 6
    active: bool = True


def _parse_target(target: str) -> tuple[int | None, str | None]:
    kind, _sep, value = (target or "").partition(":")
    if kind == "term" and value.isdigit() and len(value) < 19:
        term = db.session.get(WatchTerm, int(value))
        if term is not None:
            return term.id, None
    if kind == "group" and value in TermGroup.values():
        return None, value
    raise AlertError(msg("Choose a watch term or a group."), "target")


def _check_ranges(data: RuleData) -> None:
    checks = [("factor", 1.0 <= data.factor <= 100,
               msg("The factor must be between 1 and 100.")),
              ("min_count", 1 <= data.min_count <= 10000,
               msg("The minimum count must be between 1 and 10,000.")),
              ("window_hours", 1 <= data.window_hours <= MAX_WINDOW_HOURS,
               msg("The window must be between 1 and %(max)d hours.", max=MAX_WINDOW_HOURS)),
              ("baseline_weeks", 1 <= data.baseline_weeks <= MAX_BASELINE_WEEKS,
               msg("The baseline must cover between 1 and %(max)d weeks.",
                   max=MAX_BASELINE_WEEKS)),
              ("cooldown_hours", 1 <= data.cooldown_hours <= MAX_COOLDOWN_HOURS,
               msg("The cool-down must be between 1 and %(max)d hours.",
                   max=MAX_COOLDOWN_HOURS))]
    for name, ok, message in checks:
        if not ok:
            raise AlertError(message, name)


def save_rule(rule: AlertRule | None, data: RuleData) -> AlertRule:
    """Create or change a rule; a new first-mention rule (or one switched back on) is armed
    now: it fires on the first mention from now on, once."""
    if data.kind not in RuleKind.values():
        raise AlertError(msg("Choose the kind of alert."), "kind")
    _check_ranges(data)
    term_id, group = _parse_target(data.target)
    if data.kind == "first" and term_id is None:
        raise AlertError(msg("A first-mention alert watches one term, not a group."), "target")
    target = f"term:{term_id}" if term_id is not None else f"group:{group}"
    arm = rule is None or (data.active and not rule.active) or target != rule.target
    rule = rule or AlertRule()
    rule.kind, rule.target, rule.term_id, rule.group = data.kind, target, term_id, group
    rule.factor, rule.min_count = float(data.factor), data.min_count
    rule.window_hours, rule.baseline_weeks = data.window_hours, data.baseline_weeks
    rule.cooldown_hours, rule.active = data.cooldown_hours, data.active
    if arm:
        rule.armed_at = utcnow()
    db.session.add(rule)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlertError(msg("There is already such an alert for this term or group."),
                         "target") from None
    return rule


def rearm(rule: AlertRule, now: datetime | None = None) -> None:
    """A first-mention rule that fired watches again for the next first mention."""
    rule.armed_at = now or utcnow()
    db.session.commit()


def delete_rule(rule: AlertRule) -> None:
    db.session.delete(rule)
    db.session.commit()


def subscribe(user: User, rule: AlertRule, *, on: bool, email: bool = True) -> None:
    """Turn the user's subscription to a rule on (by email too, or banner only) or off."""
    db.session.execute(delete(AlertSubscription).where(
        AlertSubscription.user_id == user.id, AlertSubscription.rule_id == rule.id))
    if on:
        db.session.add(AlertSubscription(user_id=user.id, rule_id=rule.id, email=email))
    db.session.commit()


def subscriptions_of(user: User) -> dict[int, AlertSubscription]:
    return {s.rule_id: s for s in db.session.scalars(
        db.select(AlertSubscription).where(AlertSubscription.user_id == user.id))}


def rules_listed() -> list[AlertRule]:
    """Every rule: first-mention rules, then groups, then terms by name."""
    rules = db.session.scalars(db.select(AlertRule).options(selectinload(AlertRule.term))).all()
    return sorted(rules, key=lambda r: (r.kind != "first", r.term_id is not None,
                                        (target_label(r) or "").lower()))


# --- alerts: the check, the banner, dismissing ------------------------------------------------

def run_check(now: datetime | None = None) -> CheckResult:
    """Check every rule now and email what fired (also `crm check-alerts`)."""
    now = now or utcnow()
    ensure_rules(now)
    result = check(now)
    if result.fired:
        send_alert_emails(now, alert_ids=result.fired)
    return result


def scheduled_check() -> str:
    """The scheduler's "alerts" job, every minute: the same check (for mentions that came in
    without a poll cycle, e.g. a feed's first check from the web), then the emails that wait
    for a retry."""
    now = utcnow()
    result = run_check(now)
    return f"{result}; {send_alert_emails(now)}"


def after_poll(_since, _summary) -> None:
    """The AFTER_POLL hook: the check right after a poll cycle committed its mentions."""
    run_check()


def articles_of(alert: Alert) -> list[Article]:
    ids = [int(i) for i in alert.article_ids or []][:50]
    found = {a.id: a for a in db.session.scalars(db.select(Article).where(Article.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def banner_alerts(user: User, now: datetime | None = None) -> list[dict]:
    """The user's undismissed alerts of the last BANNER_HOURS, newest first, with articles."""
    now = now or utcnow()
    if user.banner_until is None or user.banner_until <= now:
        return []  # nothing given to them in the last BANNER_HOURS (check._fire sets it)
    alerts = db.session.scalars(
        db.select(Alert).join(AlertReceipt, AlertReceipt.alert_id == Alert.id)
        .where(AlertReceipt.user_id == user.id, AlertReceipt.dismissed_at.is_(None),
               Alert.fired_at >= now - timedelta(hours=BANNER_HOURS))
        .options(selectinload(Alert.rule).selectinload(AlertRule.term))
        .order_by(Alert.fired_at.desc()).limit(5)).all()
    if not alerts:
        return []
    shown = {a.id: [int(i) for i in (a.article_ids or [])[:3]] for a in alerts}
    wanted = {i for ids in shown.values() for i in ids}
    found = {a.id: a for a in db.session.scalars(db.select(Article).where(
        Article.id.in_(wanted)))}
    return [{"alert": a, "title": alert_title(a),
             "articles": [found[i] for i in shown[a.id] if i in found]} for a in alerts]


def dismiss(user: User, alert: Alert) -> None:
    db.session.execute(update(AlertReceipt).where(
        AlertReceipt.alert_id == alert.id, AlertReceipt.user_id == user.id,
        AlertReceipt.dismissed_at.is_(None)).values(dismissed_at=utcnow()))
    db.session.commit()


def recent_alerts(limit: int = 50) -> list[Alert]:
    return list(db.session.scalars(
        db.select(Alert).options(selectinload(Alert.rule).selectinload(AlertRule.term))
        .order_by(Alert.fired_at.desc()).limit(limit)))


def alert_title(alert: Alert) -> str:
    """One line in the current language: what happened, to which term or group."""
    label = target_label(alert.rule)
    if alert.rule.kind == "first":
        return _("First mention of %(target)s", target=label)
    return ngettext("Spike: %(target)s, %(num)d mention in %(hours)d h (usually %(usual)s)",
                    "Spike: %(target)s, %(num)d mentions in %(hours)d h (usually %(usual)s)",
                    alert.count, target=label, hours=alert.rule.window_hours,
                    usual=f"{alert.baseline:g}")


# --- email ------------------------------------------------------------------------------------

def _claim_receipts(now: datetime, alert_ids: list[int] | None) -> list[tuple[int, int, str]]:
    """Claim the receipts to mail now (pending, due for retry, or left by a dead process)."""
    free = or_(AlertReceipt.status == "pending",
               (AlertReceipt.status == "failed") & (AlertReceipt.next_attempt_at <= now),
               (AlertReceipt.status == "sending") & (AlertReceipt.claimed_at < now - stale_after()))
    query = db.select(AlertReceipt.alert_id, AlertReceipt.user_id).where(free)
    if alert_ids is not None:
        query = query.where(AlertReceipt.alert_id.in_(alert_ids))
    candidates = db.session.execute(query.limit(500)).all()
    db.session.commit()
    claimed = []
    for alert_id, user_id in candidates:
        token = uuid.uuid4().hex
        outcome = db.session.execute(
            update(AlertReceipt).where(AlertReceipt.alert_id == alert_id,
                                       AlertReceipt.user_id == user_id, free)
            .values(status="sending", claim_token=token, claimed_at=now,
                    attempts=AlertReceipt.attempts + 1)
            .execution_options(synchronize_session=False))
        db.session.commit()
        if outcome.rowcount == 1:
            claimed.append((alert_id, user_id, token))
    return claimed


def render_email(alert: Alert, user: User) -> tuple[str, str, str]:
    """(subject, text, html) in the user's language, links to CRM_BASE_URL."""
    from crm.digest.render import link_context, user_locale
    with user_locale(user), link_context():
        subject = alert_title(alert)
        values = {"alert": alert, "user": user, "subject": subject,
                  "articles": articles_of(alert), "target": target_label(alert.rule)}
        return (subject, render_template("alerts/email.txt", **values),
                render_template("alerts/email.html", **values))


def _finish(alert_id: int, user_id: int, token: str, **values) -> None:
    db.session.execute(update(AlertReceipt).where(
        AlertReceipt.alert_id == alert_id, AlertReceipt.user_id == user_id,
        AlertReceipt.claim_token == token).values(**values)
        .execution_options(synchronize_session=False))
    db.session.commit()


def send_alert_emails(now: datetime | None = None, alert_ids: list[int] | None = None) -> str:
    """Mail every claimed receipt; the scheduled job retries failures (every minute)."""
    now = now or utcnow()
    claimed = _claim_receipts(now, alert_ids)
    if not claimed:
        return "0 alert emails sent"
    sent = failed = 0
    errors = []
    with SmtpSender(SmtpSettings.from_url(current_app.config["CRM_SMTP_URL"])) as mailer:
        for alert_id, user_id, token in claimed:
            alert, user = db.session.get(Alert, alert_id), db.session.get(User, user_id)
            if alert is None or user is None or not user.active:
                _finish(alert_id, user_id, token, status="off")
                continue
            subject, text, html = render_email(alert, user)
            message = build_message(
                sender=current_app.config["CRM_MAIL_SENDER"], to_email=user.email,
                to_name=user.name, subject=subject, text=text, html=html,
                headers={"Auto-Submitted": "auto-generated",
                         "X-Pressdesk-Alert": str(alert.id)})
            del message["Message-ID"]
            message["Message-ID"] = f"<alert-{alert.id}-{user.id}@pressdesk>"
            try:
                mailer.send(message, user.email)
            except SendError as exc:
                failed += 1
                errors.append(concerning(user.email, exc.msg))
                receipt = db.session.get(AlertReceipt, (alert_id, user_id))
                attempts = receipt.attempts if receipt else 1
                give_up = exc.permanent or attempts >= MAX_ATTEMPTS
                _finish(alert_id, user_id, token, status="off" if give_up else "failed",
                        last_error=exc.msg.truncated(2000),
                        next_attempt_at=now + min(timedelta(minutes=2 ** attempts),
                                                  MAX_BACKOFF))
                continue
            _finish(alert_id, user_id, token, status="sent", sent_at=utcnow())
            sent += 1
    summary = f"{sent} alert emails sent, {failed} failed"
    if errors:
        current_app.logger.warning("Alert emails failed: %s", "; ".join(map(str, errors)))
    return summary
