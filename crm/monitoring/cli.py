import click
from flask.cli import with_appcontext

from crm.extensions import db
from crm.monitoring import mentions, services
from crm.monitoring.opml import OpmlError, export_opml, import_opml


@click.command("poll-feeds")
@click.option("--all", "poll_all", is_flag=True, help="Poll every active feed, due or not.")
@click.option("--feed", "feed_ids", type=int, multiple=True, help="Poll this feed id (repeat).")
@click.option("--workers", type=click.IntRange(1, 32), default=None,
              help="Feeds fetched at once (default CRM_FEED_WORKERS or 8).")
@click.option("--quiet", is_flag=True, help="Print only the summary.")
@with_appcontext
def poll_feeds_command(poll_all, feed_ids, workers, quiet):
    """Poll the news feeds that are due now, printing progress and counts."""
    feeds = services.due_feeds(feed_ids=feed_ids or None, include_not_due=poll_all)
    click.echo(f"Polling {len(feeds)} feeds.")

    def progress(done, total, report):
        if quiet:
            return
        c = report.counts
        detail = report.error if report.state == "error" else (
            "unchanged" if report.state == "unchanged" else
            f"{c.entries} entries, {c.new_articles} new, {c.new_sources - c.new_articles} "
            f"more sources, {c.new_mentions} mentions")
        click.echo(f"[{done}/{total}] {report.name[:60]}: {detail}")

    summary = services.poll_feeds(feeds, workers=workers, progress=progress)
    click.echo(str(summary))


ALL_DAYS = 36500  # "every stored article": a hundred years back


@click.command("rematch")
@click.option("--days", type=click.IntRange(0, 3650), default=None,
              help="How far back (default CRM_MONITORING_REMATCH_DAYS or 14).")
@click.option("--all", "every", is_flag=True,
              help="Every stored article, however old (after the matching rules changed).")
@with_appcontext
def rematch_command(days, every):
    """Match the recent articles (or, with --all, every stored article) against the watch
    terms again; mentions that no longer match are removed, new ones added."""
    if every and days is not None:
        raise click.UsageError("Give either --days or --all.")
    days = ALL_DAYS if every else (mentions.rematch_days() if days is None else days)
    click.echo("Matching every stored article again." if every else
               f"Matching the articles of the last {days} days again.")
    counts = mentions.rematch(days)
    click.echo(str(counts))


@click.command("import-opml")
@click.argument("path", type=click.File("rb"))
@with_appcontext
def import_opml_command(path):
    """Add the feeds listed in an OPML file."""
    try:
        result = import_opml(path.read())
    except OpmlError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    for url, reason in result.invalid:
        click.echo(f"invalid: {url}: {reason}")
    click.echo(f"{len(result.added)} added, {len(result.skipped)} already there, "
               f"{len(result.invalid)} invalid.")
    if result.unchecked:
        click.echo(f"{result.unchecked} added without a DNS check (not resolved in time); "
                   "they are checked when polled.")


@click.command("export-opml")
@click.argument("path", type=click.File("wb"), default="-")
@with_appcontext
def export_opml_command(path):
    """Write the feed list as OPML (to PATH, or standard output)."""
    path.write(export_opml())


commands = [poll_feeds_command, rematch_command, import_opml_command, export_opml_command]
