"""SQL expressions that read the same on every database but are written for each."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from crm.extensions import db


def among(column, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids` for a page's worth of ids. On PostgreSQL one array parameter
    (`column = ANY(:ids)`): an IN list of 50 ids is 50 parameters for SQLAlchemy to render and
    for psycopg and PostgreSQL to parse, and the contact list's page asks three such lists at
    once (1.5 against 0.7 ms of CPU, 2.4 against 1.1 ms in all). SQLite keeps IN."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(ids)
