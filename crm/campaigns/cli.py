import click
from flask.cli import with_appcontext

from crm.campaigns import services


@click.command("campaigns-refresh")
@with_appcontext
def campaigns_refresh_command():
    """Examine every campaign's articles not examined yet (after a re-match of the watch
    terms, or a poll the hooks did not see), printing progress and counts."""

    def progress(name, done, total):
        click.echo(f"{name[:60]}: {done}/{total} articles")

    counts = services.examine_all(progress)
    click.echo(str(counts))


commands = [campaigns_refresh_command]
