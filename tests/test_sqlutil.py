"""crm.sqlutil.among: IN on SQLite, one array parameter on PostgreSQL, the same rows."""

from __future__ import annotations

from crm.contacts.models import Contact
from crm.extensions import db
from crm.sqlutil import among
from tests import factories as make


def test_among_finds_the_same_rows_as_in(app):
    people = [make.contact(f"Åse Ødegård {i}") for i in range(5)]
    db.session.commit()
    wanted = [people[0].id, people[3].id, 999_999]

    def ids(condition):
        return sorted(db.session.scalars(db.select(Contact.id).where(condition)))

    assert ids(among(Contact.id, wanted)) == ids(Contact.id.in_(wanted)) == \
        sorted([people[0].id, people[3].id])
    assert ids(among(Contact.id, [])) == []
    statement = str(db.select(Contact.id).where(among(Contact.id, wanted)).compile(
        dialect=db.engine.dialect))
    assert ("ANY" in statement) == (db.engine.dialect.name == "postgresql")
