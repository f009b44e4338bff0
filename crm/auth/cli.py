import sys

import click
from flask.cli import with_appcontext

from crm.auth import services
from crm.auth.models import ROLES


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="editor", show_default=True)
@click.option("--name", default="", help="Display name.")
@click.option("--language", type=click.Choice(["nb", "en"]), default="nb", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(email, role, name, language, password_stdin):
    """Create a user; the password is asked for (or read from stdin)."""
    password = _read_password(password_stdin)
    try:
        user = services.create_user(email, password, role=role, name=name, language=language)
    except services.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.email} with role {user.role}.")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password_command(email, password_stdin):
    """Set a user's password (the password rule applies); their sessions end."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    try:
        services.change_password(user, _read_password(password_stdin))
    except services.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"New password set for {user.email}; all their sessions have ended.")


@click.command("reset-2fa")
@click.argument("email")
@with_appcontext
def reset_two_factor_command(email):
    """Turn a user's two-factor login off (a lost phone and no recovery code left)."""
    from crm.auth import twofactor
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    twofactor.disable(user)
    services.sign_out_everywhere(user)
    click.echo(f"Two-factor login is off for {user.email}; all their sessions have ended.")


@click.command("ensure-admin")
@click.option("--email", default="admin@example.org", show_default=True)
@with_appcontext
def ensure_admin_command(email):
    """Create a first admin if there is none and print its login once."""
    try:
        created = services.ensure_first_admin(email)
    except services.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    if created is None:
        click.echo("An admin account exists already.")
        return
    user, password = created
    click.echo("")
    click.echo("  First admin account created. Log in with:")
    click.echo(f"    email:    {user.email}")
    click.echo(f"    password: {password}")
    click.echo("  (shown only this once: change it under Settings)")
    click.echo("")
commands = [create_user_command, set_password_command, reset_two_factor_command,
            ensure_admin_command]
