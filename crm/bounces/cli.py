"""Bounce commands: `crm bounces process [--mailbox URL]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from crm.bounces import services
from crm.bounces.mailbox import MailboxError

bounces = AppGroup("bounces", help="Bounces of release emails.")


@bounces.command("process")
@click.option("--mailbox", "url", default=None, metavar="URL",
              help="Read this mailbox instead of CRM_BOUNCE_MAILBOX_URL "
                   "(imaps://user:pass@host/INBOX, maildir:///path).")
def process_command(url):
    """Read the bounce mailbox once: record hard and soft bounces, mark dead addresses."""
    def progress(done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            click.echo(f"{done}/{total} messages", err=True)

    try:
        report = services.process_mailbox(url, progress=progress)
    except MailboxError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(report.summary()))
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} message(s) not processed; "
                                   "they stay unread and are tried again next time.")


commands = [bounces]
