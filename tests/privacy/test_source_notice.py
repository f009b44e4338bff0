"""The GDPR Art. 14 notice: offered when a person whose data came from elsewhere is first
contacted, in their language, and recorded when given."""

from __future__ import annotations

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact
from crm.extensions import db
from tests import factories as f

BANNER = "must be told that the party holds it"


def test_offered_only_after_the_first_contact_and_until_given(as_editor):
    kari = f.journalist("Kari Vårli", org="NRK", email="kari@nrk.no",
                        data_source="Byline i NRK, 1. desember")
    assert BANNER not in as_editor.get(f"/contacts/{kari.id}").get_data(as_text=True)
    f.log([kari])
    page = as_editor.get(f"/contacts/{kari.id}").get_data(as_text=True)
    assert BANNER in page and f"/privacy/contacts/{kari.id}/notice" in page
    response = as_editor.post(f"/privacy/contacts/{kari.id}/notice")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, kari.id).source_notice_at is not None
    assert BANNER not in as_editor.get(f"/contacts/{kari.id}").get_data(as_text=True)
    changed = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_id == kari.id, AuditEntry.action == "update")).all()
    assert any("source_notice_at" in (e.changes or {}) for e in changed)


def test_no_notice_for_data_the_person_gave_themselves(as_editor):
    ola = f.journalist("Ola Nordmann", data_source="")
    f.log([ola])
    assert BANNER not in as_editor.get(f"/contacts/{ola.id}").get_data(as_text=True)


def test_the_text_is_in_the_contacts_language(app, as_editor):
    app.config["CRM_DATA_CONTROLLER"] = "Arbeiderpartiet"
    kari = f.journalist("Kari Vårli", email="kari@nrk.no", preferred_language="nn",
                        data_source="Byline i NRK")
    page = as_editor.get(f"/privacy/contacts/{kari.id}/notice").get_data(as_text=True)
    assert "Hei Kari Vårli," in page and "Byline i NRK" in page and "Datatilsynet" in page
    assert "mailto:kari%40nrk.no?subject=" in page
    anna = f.journalist("Anna Smith", preferred_language="en", data_source="LinkedIn")
    page = as_editor.get(f"/privacy/contacts/{anna.id}/notice").get_data(as_text=True)
    assert "Hello Anna Smith," in page and "LinkedIn" in page


def test_viewers_cannot_record_it(as_viewer):
    kari = f.journalist("Kari Vårli", data_source="Byline")
    assert as_viewer.post(f"/privacy/contacts/{kari.id}/notice").status_code == 403
