from datetime import date, datetime, time

import click
from flask.cli import with_appcontext

from crm.auth.models import User
from crm.auth.services import find_user
from crm.digest import services
from crm.extensions import db
from crm.mail import SendError
from crm.timeutil import utcnow


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
    if email:
        user = find_user(email)
        if user is None:
            raise click.ClickException(f"No user {email}.")
        users = [user]
    else:
        users = list(db.session.scalars(db.select(User).where(User.active).order_by(User.id)))
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


commands = [send_digest_command]
