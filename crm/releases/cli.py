import click
from flask.cli import with_appcontext

from crm.releases import distribution, templates_store


@click.command("send-releases")
@with_appcontext
def send_releases_command():
    """Send every release distribution whose time and embargo have come."""
    try:
        click.echo(distribution.send_due_distributions())
    except distribution.DistributionFailure as exc:
        raise click.ClickException(str(exc)) from None


@click.command("install-release-templates")
@with_appcontext
def install_release_templates_command():
    """Store the built-in Norwegian and English release templates (if not there yet)."""
    added = templates_store.install_defaults()
    click.echo(f"{len(added)} templates installed." if added else "Already installed.")


commands = [send_releases_command, install_release_templates_command]
