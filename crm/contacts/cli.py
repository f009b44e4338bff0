"""Contact commands: `crm import-contacts FILE --kind journalist [--dry-run]`."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from crm.contacts.csv_reading import ImportFileError, parse_csv
from crm.contacts.import_fields import FIELDS_BY_KEY, guess_mapping, header_key
from crm.contacts.importing import preview_import, run_import
from crm.contacts.models import CONTACT_KINDS

MAX_FILE_BYTES = 50 * 1024 * 1024
ERRORS_SHOWN = 50


def _apply_overrides(headers: list[str], mapping: list[str], overrides: tuple[str, ...]):
    for item in overrides:
        header, sep, key = item.partition("=")
        if not sep or (key and key not in FIELDS_BY_KEY):
            raise click.BadParameter(f"{item!r}: use HEADER=FIELD with FIELD one of "
                                     f"{', '.join(FIELDS_BY_KEY)} (or empty to ignore).",
                                     param_hint="--map")
        wanted = [i for i, h in enumerate(headers)
                  if h == header.strip() or header_key(h) == header_key(header)]
        if not wanted:
            raise click.BadParameter(f"No column called {header!r}.", param_hint="--map")
        for index in wanted:
            mapping[index] = key
    return mapping


@click.command("import-contacts")
@click.argument("file", type=click.File("rb"))
@click.option("--kind", type=click.Choice(CONTACT_KINDS), default="journalist",
              show_default=True, help="Kind for rows whose file gives none.")
@click.option("--dry-run", is_flag=True, help="Check and report; store nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows and skip rows with errors (otherwise any error "
                   "stops the import).")
@click.option("--import-duplicates", is_flag=True,
              help="Import rows that look like existing contacts too (default: skip them).")
@click.option("--source", default="", help="Where the data comes from (GDPR Art. 14).")
@click.option("--map", "overrides", multiple=True, metavar="HEADER=FIELD",
              help="Map a column to a field instead of the guess; repeatable.")
@with_appcontext
def import_contacts_command(file, kind, dry_run, skip_invalid, import_duplicates, source,
                            overrides):
    """Import contacts from a CSV file: all valid rows in one transaction, or nothing."""
    data = file.read(MAX_FILE_BYTES + 1)
    try:
        parsed = parse_csv(data, max_bytes=MAX_FILE_BYTES)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from exc
    delimiter = {"\t": "tab"}.get(parsed.delimiter, parsed.delimiter)
    click.echo(f"Read {len(parsed.rows)} rows ({parsed.encoding}, delimiter {delimiter!r}).")
    for note in parsed.notes:
        click.echo(f"Warning: {note}", err=True)
    mapping = _apply_overrides(parsed.headers, guess_mapping(parsed.headers), overrides)
    for header, key in zip(parsed.headers, mapping, strict=True):
        click.echo(f"  {header} -> {key or '(ignored)'}")
    preview = preview_import(parsed, mapping, kind,
                             source or f"CSV import: {os.path.basename(file.name)}")
    for problem in preview.problems:
        click.echo(f"Error: {problem}", err=True)
    if preview.problems:
        raise click.ClickException("Nothing imported.")
    click.echo(f"Valid rows: {len(preview.valid_rows)}; with errors: "
               f"{len(preview.invalid_rows)}; likely duplicates: {len(preview.duplicate_rows)}; "
               f"new organisations: {len(preview.new_organisations)}.")
    for row in preview.invalid_rows[:ERRORS_SHOWN]:
        click.echo(f"  row {row.number}: {' '.join(row.errors)}")
    if len(preview.invalid_rows) > ERRORS_SHOWN:
        click.echo(f"  ... and {len(preview.invalid_rows) - ERRORS_SHOWN} more rows with errors")
    for row in preview.duplicate_rows[:ERRORS_SHOWN]:
        first = row.duplicates[0]
        where = f"row {first.row}" if first.row else f"contact #{first.contact_id}"
        click.echo(f"  row {row.number}: same {first.reason} as {where} ({first.value})")
    if dry_run:
        click.echo("Dry run: nothing stored.")
        return
    result = run_import(preview, skip_invalid=skip_invalid, import_duplicates=import_duplicates,
                        progress=lambda done, total: click.echo(f"  stored {done}/{total}"))
    if not result.committed:
        raise click.ClickException(" ".join(str(p) for p in result.problems))
    click.echo(f"Imported {result.created} contacts; skipped {len(result.skipped_invalid)} "
               f"with errors and {len(result.skipped_duplicates)} likely duplicates; "
               f"created {len(result.organisations_created)} organisations.")


commands = [import_contacts_command]
