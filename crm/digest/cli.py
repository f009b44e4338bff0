from datetime import date, datetime, time

import click
from flask.cli import with_appcontext

from crm.auth.models import User
from crm.auth.services import find_user
from crm.digest import services
from crm.extensions import db
from crm.mail import SendError
from crm.timeutil import utcnow


def _users(email: str | None) -> list[User]:
    """[the user of `email`] (an error if there is none), or [] when no email is given."""
    if not email:
        return []
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    return [user]


@click.command("send-digest")
@click.option("--user", "email", help="Only this user (email).")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]),
              help="The local day to send for (default: today).")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@with_appcontext
def send_digest_command(email, day, dry_run):
    """Send the digest by hand (once per user and day, like the scheduler)."""
    now = utcnow()
    zone = services.zone()
    target: date = day.date() if day else now.astimezone(zone).date()
    if day and target != now.astimezone(zone).date():
        # Build as if at the end of that day (or now, if that is earlier).
        end = datetime.combine(target, time(23, 59), tzinfo=zone)
        now = min(now, end)
    users = _users(email) or list(db.session.scalars(
        db.select(User).where(User.active).order_by(User.id)))
    sent = failed = skipped = 0
    mailer = None if dry_run else services.new_sender()
    for user in users:
        if not services.settings_for(user).enabled and not email:
            skipped += 1
            continue
        if dry_run:
            digest, rendered = services.compose(user, target, now)
            counts = ", ".join(f"{s.key} {s.total}" for s in digest.sections) or "empty"
            click.echo(f"would send to {user.email}: {rendered.subject} ({counts}; "
                       f"{len(rendered.html.encode())} bytes HTML)")
            continue
        try:
            outcome = services.deliver(user, target, now, mailer)
        except SendError as exc:
            failed += 1
            click.echo(f"FAILED {user.email}: {exc}", err=True)
            continue
        if outcome == "sent":
            sent += 1
            click.echo(f"sent to {user.email}")
        else:
            skipped += 1
            click.echo(f"skipped {user.email}: already sent or in flight for {target}")
    if mailer:
        mailer.close()
    if not dry_run:
        click.echo(f"{sent} sent, {failed} failed, {skipped} skipped.")
    if failed:
        raise SystemExit(1)


@click.command("send-weekly-report")
@click.option("--user", "email", help="Only this user (email), subscribed or not.")
@click.option("--week", type=click.DateTime(["%Y-%m-%d"]),
              help="The Monday of the week to send in (the report covers the week before); "
                   "default: today, if it is Monday after 07:00.")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@with_appcontext
def send_weekly_report_command(email, week, dry_run):
    """Send the weekly coverage report (once per user and week, like the scheduler)."""
    from crm.digest import weekly
    now = utcnow()
    monday = week.date() if week else weekly.due_week(now, services.zone())
    if monday is None or monday.weekday() != 0:
        raise click.ClickException("Give --week as a Monday (or run on a Monday after 07:00).")
    users = _users(email) or weekly.subscribers()
    click.echo(f"Weekly report of {weekly.week_before(monday).start} to "
               f"{weekly.week_before(monday).end} for {len(users)} user(s)")
    if dry_run:
        for user in users:
            report, rendered = weekly.compose(user, monday, now)
            click.echo(f"would send to {user.email}: {rendered.subject} "
                       f"({len(report.sections)} sections)")
        return
    try:
        result = weekly.send_due_reports(now, week=monday, users=users)
    except weekly.WeeklyReportFailure as exc:
        click.echo(f"FAILED: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(str(result))


commands = [send_digest_command, send_weekly_report_command]
