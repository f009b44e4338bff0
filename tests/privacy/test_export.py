"""Per-contact export (GDPR Art. 15): everything held, as one UTF-8 JSON download."""

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from crm.audit.models import AuditEntry
from crm.extensions import db
from crm.privacy.parts import PrivacyPart
from crm.privacy.services import export_contact, export_json
from crm.registry import PRIVACY_PARTS
from crm.timeutil import utcnow
from tests.factories import NOW, follow_up, full_journalist, inquiry, journalist, log
from tests.support import login


def download(client, contact_id):
    return client.get(f"/privacy/contacts/{contact_id}/export")


def test_export_is_a_utf8_json_download_named_after_the_contact_and_day(as_editor):
    contact = journalist()
    response = download(as_editor, contact.id)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.mimetype_params.get("charset") == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"contact-{contact.id}-" in disposition and disposition.endswith('.json"')
    assert response.headers["Cache-Control"] == "no-store"
    assert "Åse Ødegård".encode() in response.data  # æøå as themselves, not \u escapes
    assert b"\\u00" not in response.data
    data = json.loads(response.data.decode("utf-8"))
    assert data["contact"]["name"] == "Åse Ødegård"


def test_export_holds_everything_about_the_contact(as_editor, users):
    contact = full_journalist()
    other = journalist(name="Per Hansen", emails=["per@vg.no"], phones=[])
    call = log([contact], subject="Ringte om sykehus", notes="Lang samtale", outcome="Sitat",
               staff=users["editor"],
               follow_up=follow_up(utcnow() + timedelta(days=1), users["editor"], "Send tall"))
    log([contact], kind="inquiry", subject="Spørsmål om budsjett",
        inquiry=inquiry(utcnow() + timedelta(hours=3), status="answered",
                        answer="Vi svarer i morgen"),
        staff=users["admin"])
    log([contact, other], kind="meeting", subject="Lunsj")
    log([other], subject="Ikke om Åse")

    data = json.loads(download(as_editor, contact.id).data)

    header = data["export"]
    assert header["contact_id"] == contact.id
    assert header["controller"] and header["exported_at"].endswith("+00:00")
    person = data["contact"]
    assert person["emails"] == ["ase.odegard@nrk.no", "ase@example.no"]
    assert person["phones"] == ["+4791234567", "+4722334455"]
    assert person["beats"] == ["helse", "politikk"] and person["tags"] == ["viktig"]
    assert person["organisation"]["name"] == "NRK"
    assert [ml["name"] for ml in person["media_lists"]] == ["Helsejournalister"]
    assert person["title"] == "Politisk reporter" and person["region"] == "Vestland"
    assert person["address"] == "Storgata 1\n0155 Oslo" and person["social"] == "@aseodegard"
    assert person["notes"] == "Foretrekker SMS før kl. 9."
    assert person["lawful_basis"] == "consent" and person["consent_date"] == "2025-01-02"
    assert person["data_source"] == "Byline i NRK.no"
    assert person["preferred_language"] == "nn" and person["erased_at"] is None

    assert [i["subject"] for i in data["interactions"]] == [
        "Ringte om sykehus", "Spørsmål om budsjett", "Lunsj"]
    first = data["interactions"][0]
    assert first["notes"] == "Lang samtale" and first["outcome"] == "Sitat"
    assert first["staff"] == users["editor"].display_name and first["kind"] == "phone"
    assert data["interactions"][2]["other_contacts_involved"] == 1
    assert "Per Hansen" not in json.dumps(data, ensure_ascii=False)  # others are not named
    assert [(f["interaction_id"], f["note"]) for f in data["follow_ups"]] == [
        (call.id, "Send tall")]
    assert [q["answer"] for q in data["press_inquiries"]] == ["Vi svarer i morgen"]
    actions = [entry["action"] for entry in data["audit_entries"]]
    assert actions[0] == "create"
    assert data["audit_entries"][0]["changes"]["name"] == "Åse Ødegård"


def test_the_controller_comes_from_the_configuration(app):
    app.config["CRM_DATA_CONTROLLER"] = "Partiet, Youngstorget 2, 0181 Oslo"
    data = export_contact(journalist(), now=NOW)
    assert data["export"]["controller"] == "Partiet, Youngstorget 2, 0181 Oslo"
    assert data["export"]["exported_at"] == NOW


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>", "Robert'); DROP TABLE contact;--", "😀 Emoji Ølstad",
    "Ærlig Åsmund Ødegård", 'quote " backslash \\ newline\n tab\t', "\u202eRTL", "x" * 5000,
])
def test_hostile_text_comes_back_exactly_in_valid_json(as_editor, hostile):
    contact = journalist(name=hostile[:200], notes=hostile)
    log([contact], subject=hostile[:300], notes=hostile, outcome=hostile)
    response = download(as_editor, contact.id)
    data = json.loads(response.data.decode("utf-8"))
    assert data["contact"]["notes"] == hostile.strip()  # as stored (contacts strip notes)
    assert data["contact"]["name"] == contact.name
    # As stored: logged through the service, which strips notes as the contact form does.
    assert data["interactions"][0]["notes"] == hostile.strip()
    assert response.mimetype == "application/json"  # never rendered as HTML


def test_exporting_is_logged_without_the_data(as_editor, users):
    contact = journalist()
    download(as_editor, contact.id)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.entity_id == contact.id and entry.user_id == users["editor"].id
    assert entry.changes == {} and entry.label == ""


def test_viewers_cannot_export_and_unknown_ids_are_404(as_viewer, users):
    contact = journalist()
    assert download(as_viewer, contact.id).status_code == 403


def test_unknown_contact_is_404(as_editor):
    assert download(as_editor, 999999).status_code == 404


def test_other_domains_add_their_part_through_the_registry(app, monkeypatch):
    monkeypatch.setitem(PRIVACY_PARTS, "releases", replace(
        PRIVACY_PARTS["releases"], export=lambda c: [{"sent_to": c.id}]))
    contact = journalist()
    data = json.loads(export_json(contact))
    assert data["releases"] == [{"sent_to": contact.id}]
    with pytest.raises(ValueError):
        PRIVACY_PARTS.register("export", PrivacyPart(export=lambda c: None))


@pytest.mark.parametrize("role,sees_export,sees_erase", [
    ("viewer", False, False), ("editor", True, False), ("admin", True, True)])
def test_contact_page_offers_export_to_editors_and_erasure_to_admins(
        client, users, role, sees_export, sees_erase):
    contact = journalist()
    login(client, users[role].email)
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert (f"/privacy/contacts/{contact.id}/export" in html) is sees_export
    assert (f"/privacy/contacts/{contact.id}/erase" in html) is sees_erase
    assert "Last activity" in html
