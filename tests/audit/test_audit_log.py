"""The audit log reads as a record of who did what: field labels, local times, filters."""

from __future__ import annotations

from datetime import UTC, datetime

from crm.audit.labels import FIELD_LABELS, RECORD_LABELS, TABLE_FIELD_LABELS
from crm.audit.models import Audited, AuditEntry
from crm.extensions import db
from tests import factories as f
from tests.support import login


def audited_models():
    return [m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, Audited)]


def test_every_audited_record_and_column_has_a_label(app):
    missing = []
    for model in audited_models():
        table = model.__tablename__
        if table not in RECORD_LABELS:
            missing.append(table)
        for column in model.__table__.columns:
            if column.name not in FIELD_LABELS and column.name not in TABLE_FIELD_LABELS.get(
                    table, {}):
                missing.append(f"{table}.{column.name}")
    assert not missing, f"add labels in crm/audit/labels.py: {missing}"


def test_the_log_shows_labels_and_local_times_in_norwegian(app, client):
    admin = f.make_user("admin-nb@example.no", "admin", name="Ada Admin", language="nb")
    login(client, admin.email)
    contact = f.journalist("Åse Ødegård", org="NRK", title="Reporter")
    from crm.contacts.services import contact_data_from, update_contact
    data = contact_data_from(contact)
    data.title = "Kommentator"
    update_contact(contact, data)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "update"))
    entry.created_at = datetime(2026, 12, 1, 7, 16, 54, tzinfo=UTC)
    db.session.commit()
    page = client.get(f"/admin/audit/?type=contact&id={contact.id}").get_data(as_text=True)
    assert "Kontakt" in page and "Rolle eller tittel" in page
    assert "<del>Reporter</del> → Kommentator" in page
    assert "01.12.2026 08:16" in page  # Oslo time, Norwegian format
    assert "2026-12-01T" not in page and "title</dt>" not in page


def test_filters_by_user_record_and_date(app, client, users):
    login(client, users["admin"].email)
    f.journalist("Kari Nordmann")
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity_type == "contact"))
    entry.created_at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    entry.user_id = users["editor"].id
    db.session.commit()
    def shown(query: str) -> bool:
        return "Kari Nordmann" in client.get(f"/admin/audit/?{query}").get_data(as_text=True)
    assert shown(f"user={users['editor'].id}")
    assert not shown(f"user={users['viewer'].id}")
    assert shown("from=2026-11-20&to=2026-11-20")
    assert not shown("from=2026-11-21")
    assert shown("type=contact") and not shown("type=feed")
    for junk in ("from=31.12.2026", "user=abc", "to=\x00", "type=<script>", "page=-4"):
        assert client.get(f"/admin/audit/?{junk}").status_code in (200, 400)
