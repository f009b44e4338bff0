"""The `crm` console script: Flask's commands (run, shell, db) plus the project's own."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    """Add every domain's commands: each domain's cli.py has a list `commands`."""
    from importlib import import_module

    for domain in DOMAINS_WITH_COMMANDS:
        for command in import_module(f"crm.{domain}.cli").commands:
            app.cli.add_command(command)


# A domain with commands has crm/<domain>/cli.py defining `commands = [...]`.
DOMAINS_WITH_COMMANDS = ("auth", "contacts", "demo", "jobs", "digest", "releases", "privacy",
                         "monitoring")


def _create_app():
    from crm import create_app
    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Pressdesk: press and media relations CRM.")


def main() -> None:
    cli.main(prog_name="crm")
