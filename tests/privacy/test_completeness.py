"""Every table that points at a contact is covered by the export and the erasure.

The list of tables comes from the models' metadata (like crm.contacts.merging's
contact_references), so a domain that adds such a table without registering a privacy part
for it (crm/privacy/parts.py) fails here instead of being skipped silently by an erasure.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from crm import create_app
from crm.contacts.models import Contact
from crm.extensions import db
from crm.privacy.services import CONTACT_OWN_ROWS
from crm.registry import PRIVACY_PARTS
from tests.support import BASE_TEST_CONFIG


@pytest.fixture(scope="module")
def registered():
    """The app as create_app builds it: every domain's hooks registered (no database used)."""
    create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def tables_pointing_at_contacts(metadata: MetaData) -> set[str]:
    return {table.name for table in metadata.sorted_tables
            for fk in table.foreign_keys if fk.column.table.name == Contact.__tablename__
            and fk.column.name == "id"}


def uncovered(metadata: MetaData) -> dict[str, set[str]]:
    exported = {t for part in PRIVACY_PARTS.values() if part.export for t in part.tables}
    erased = {t for part in PRIVACY_PARTS.values() if part.erase for t in part.tables}
    erased |= {table.name for table in CONTACT_OWN_ROWS}
    found = tables_pointing_at_contacts(metadata)
    return {"not exported": found - exported, "not erased": found - erased}


def test_every_table_with_a_key_to_contacts_has_an_exporter_and_an_eraser(registered):
    found = tables_pointing_at_contacts(db.metadata)
    assert {"interaction_contact", "distribution_recipient", "article"} <= found
    assert uncovered(db.metadata) == {"not exported": set(), "not erased": set()}


def test_a_new_table_without_a_privacy_part_is_found(registered):
    metadata = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("contact_note", metadata, Column("id", Integer, primary_key=True),
          Column("contact_id", ForeignKey("contact.id")))
    assert uncovered(metadata) == {"not exported": {"contact_note"},
                                   "not erased": {"contact_note"}}


def test_parts_name_only_tables_that_exist(registered):
    known = {table.name for table in db.metadata.sorted_tables}
    named = {t for part in PRIVACY_PARTS.values() for t in part.tables}
    assert named <= known
