import click
from flask.cli import with_appcontext

from crm.alerts import services


@click.command("check-alerts")
@with_appcontext
def check_alerts_command():
    """Check every spike and first-mention rule now and email what fires (as after a poll)."""
    result = services.run_check()
    click.echo(f"{result} in {result.seconds * 1000:.1f} ms.")
    for alert_id in result.fired:
        click.echo(f"fired alert {alert_id}")


@click.command("send-alert-emails")
@with_appcontext
def send_alert_emails_command():
    """Send alert emails that are waiting (a retry after the mail server failed)."""
    click.echo(services.send_alert_emails())


commands = [check_alerts_command, send_alert_emails_command]
