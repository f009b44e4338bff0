"""`crm retention-report`: contacts with no activity for N months, and their erasure."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from crm.privacy import retention, services
from crm.timeutil import to_local

PROGRESS_EVERY = 1000


def _when(value) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M")


@click.command("retention-report")
@click.option("--months", default=retention.DEFAULT_MONTHS, show_default=True,
              type=click.IntRange(1, retention.MAX_MONTHS),
              help="List contacts with no activity for this many months.")
@click.option("--erase", is_flag=True, help="Erase the personal data of every listed contact.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation before erasing.")
@click.option("--quiet", is_flag=True, help="Print the counts only, not one row per contact.")
@with_appcontext
def retention_report_command(months, erase, yes, quiet):
    """Contacts not created, changed or in any interaction for N months; optionally erase."""
    report = retention.retention_report(months)
    click.echo(f"No activity since {_when(report.cutoff)} ({months} months): "
               f"{report.total} contacts.")
    if report.total and not quiet:
        names, counts = retention.report_names_and_counts(report)
        click.echo("id\tlast activity\tinteractions\tname")
        for cid, when in report.rows:
            click.echo(f"{cid}\t{_when(when)}\t{counts.get(cid, 0)}\t{names.get(cid, '')}")
    if not erase or not report.total:
        return
    if not yes:
        click.confirm(f"Erase the personal data of these {report.total} contacts? "
                      "This cannot be undone", abort=True)
    total = report.total
    if sys.stdout.isatty():
        with click.progressbar(length=total, label="Erasing", show_pos=True) as bar:
            done = [0]

            def progress(erased: int) -> None:
                bar.update(erased - done[0])
                done[0] = erased

            erased = services.erase_contacts(report.ids, via="cli", progress=progress)
    else:  # a log: one line per thousand
        shown = [0]

        def progress(erased: int) -> None:
            if erased - shown[0] >= PROGRESS_EVERY or erased == total:
                click.echo(f"Erased {erased} of {total}")
                shown[0] = erased

        erased = services.erase_contacts(report.ids, via="cli", progress=progress)
    click.echo(f"Erased {erased} contacts; {total - erased} were already gone or erased.")


commands = [retention_report_command]
