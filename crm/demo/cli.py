import click
from flask.cli import with_appcontext

from crm.demo.generate import DEFAULT_CONTACTS, DEFAULT_SEED, generate_demo, register_is_empty


@click.command("demo-data")
@click.option("--contacts", type=click.IntRange(1, 1_000_000), default=DEFAULT_CONTACTS,
              show_default=True, help="How many contacts to invent.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same register (on the same day).")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the register has contacts already.")
@with_appcontext
def demo_data_command(contacts, seed, if_empty):
    """Load a realistic Norwegian demo register (outlets, journalists, MPs, interactions), with
    press releases and a fortnight of monitored news (feeds stay switched off)."""
    if if_empty and not register_is_empty():
        click.echo("The register has contacts already: no demo data loaded.")
        return
    click.echo(f"==> Loading demo data: {contacts} contacts (seed {seed})")
    last_line = {}

    def progress(what: str, done: int, total: int) -> None:
        if last_line.get(what) != done:
            last_line[what] = done
            click.echo(f"  {what} {done}/{total}")

    counts = generate_demo(contacts=contacts, seed=seed, progress=progress)
    click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


commands = [demo_data_command]
