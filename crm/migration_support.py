"""What migrations and the schema test share: which database objects Alembic compares."""

from __future__ import annotations

from crm.contacts.search import SEARCH_OBJECT_PREFIXES


def include_name(name, type_, parent_names) -> bool:
    """Leave the dialect-specific search index objects (FTS5 tables, trigram index) alone."""
    if name and name.startswith(SEARCH_OBJECT_PREFIXES):
        return False
    return True


def render_item(type_, obj, autogen_context):
    """Render our TypeDecorators as their plain SQLAlchemy type: migrations import no app code."""
    from sqlalchemy.types import TypeDecorator

    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl.__class__.__name__}()"
    return False
