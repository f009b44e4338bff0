"""Alembic environment for Pressdesk (run through Flask-Migrate: `crm db ...`)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from crm.migration_support import include_name, render_item

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def _configure_options() -> dict:
    return {
        "target_metadata": target_db.metadata,
        "include_name": include_name,
        "render_item": render_item,
        **current_app.extensions["migrate"].configure_args,  # compare_type, render_as_batch
    }


def run_migrations_offline():
    context.configure(url=str(target_db.engine.url), literal_binds=True, **_configure_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    options = _configure_options()
    options.setdefault("process_revision_directives", process_revision_directives)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table in batch mode by copying it, dropping the old one and
            # renaming the copy. With foreign keys on, the drop deletes (ON DELETE CASCADE) the
            # rows of other tables that refer to it, so they are off while migrating (the pragma
            # does nothing inside a transaction) and the references are checked afterwards.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # so that Alembic begins (and commits) its own transaction
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"migrations left broken references: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
