"""The `crm` console script: Flask's commands (run, shell, db) plus the project's own."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    """Add every domain's commands (crm/domains.py: a domain's cli.py has a list `commands`)."""
    from crm.domains import commands

    for command in commands():
        app.cli.add_command(command)


def _create_app():
    from crm import create_app
    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Pressdesk: press and media relations CRM.")


def main() -> None:
    cli.main(prog_name="crm")
