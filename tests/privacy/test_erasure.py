"""Erasure (GDPR Art. 17): personal data goes, anonymised interaction counts stay."""

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    ContactPhone,
    MediaListMember,
    contact_tag,
)
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry, interaction_contact
from crm.privacy.parts import PrivacyPart
from crm.privacy.services import erase_contact, erase_contacts
from crm.registry import PRIVACY_PARTS
from crm.timeutil import utcnow
from tests.factories import follow_up, full_journalist, inquiry, journalist, log
from tests.support import log_in_session

OLD_IDENTIFIERS = ("Åse Ødegård", "ase.odegard@nrk.no", "ase@example.no", "4791234567",
                   "91234567", "912 34 567", "Storgata", "Foretrekker SMS", "Byline i NRK")


def every_stored_text() -> str:
    """Every value in every table of the schema, as one string."""
    chunks = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            chunks.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(chunks)


def kinds_per_contact(contact_id) -> list[tuple[str, int]]:
    return db.session.execute(
        select(Interaction.kind, func.count())
        .join(interaction_contact, interaction_contact.c.interaction_id == Interaction.id)
        .where(interaction_contact.c.contact_id == contact_id)
        .group_by(Interaction.kind).order_by(Interaction.kind)).all()


@pytest.fixture
def ase(users):
    """Åse with everything filled in, her own calls, an inquiry and a meeting with Per."""
    contact = full_journalist()
    per = journalist(name="Per Hansen", emails=["per@vg.no"], phones=[])
    log([contact], subject="Åse Ødegård ringte", notes="Ring Åse på 912 34 567",
        outcome="Sitat gitt", staff=users["editor"],
        follow_up=follow_up(utcnow() + timedelta(days=1), users["editor"],
                            "Send tall til Åse Ødegård"))
    log([contact], kind="phone", subject="Oppfølging", notes="ase@example.no")
    log([contact], kind="inquiry", subject="Spørsmål",
        inquiry=inquiry(utcnow() + timedelta(hours=3), status="answered",
                        answer="Svar til Åse Ødegård"),
        staff=users["admin"])
    log([contact, per], kind="meeting", subject="Lunsj med Per Hansen og Åse Ødegård",
        notes="Åse Ødegård (ase.odegard@nrk.no, +47 912 34 567) lovet tall; Per tok notater")
    return contact


def test_erasure_leaves_an_anonymous_stub(ase):
    cid = ase.id
    erase_contact(ase)
    db.session.expire_all()
    stub = db.session.get(Contact, cid)
    assert stub.name == f"Slettet kontakt {cid}"
    for attr in ("title", "region", "office", "constituency", "committee", "address",
                 "social", "notes", "data_source", "search_text"):
        assert getattr(stub, attr) == "", attr
    assert stub.organisation_id is None and stub.consent_date is None
    assert stub.lawful_basis == "none" and stub.opted_out is True
    assert stub.erased_at is not None and not stub.may_be_contacted
    for model in (ContactEmail, ContactPhone, ContactBeat, MediaListMember):
        assert db.session.scalar(select(func.count()).select_from(model).where(
            model.contact_id == cid)) == 0, model
    assert db.session.scalar(select(func.count()).select_from(contact_tag).where(
        contact_tag.c.contact_id == cid)) == 0


def test_interaction_counts_by_kind_and_date_stay(ase):
    before = kinds_per_contact(ase.id)
    dates_before = sorted(db.session.scalars(select(Interaction.occurred_at)))
    erase_contact(ase)
    assert kinds_per_contact(ase.id) == before == [("inquiry", 1), ("meeting", 1), ("phone", 2)]
    assert sorted(db.session.scalars(select(Interaction.occurred_at))) == dates_before
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1
    assert db.session.scalar(select(func.count()).select_from(PressInquiry)) == 1


def test_name_emails_and_phones_are_gone_from_every_table_and_the_audit_log(ase):
    assert "Åse Ødegård" in every_stored_text()  # the check below can see them
    erase_contact(ase)
    stored = every_stored_text()
    for identifier in OLD_IDENTIFIERS:
        assert identifier.lower() not in stored.lower(), identifier
    assert "Per Hansen" in stored  # other people's data stays


@pytest.mark.parametrize("query", ["Åse Ødegård", "odegard", "ase.odegard@nrk.no",
                                   "912 34 567", "Foretrekker SMS", "NRK"])
def test_search_by_old_name_email_or_phone_finds_nothing(ase, query):
    assert db.session.scalars(filtered_contacts(ContactFilter(q=query))).all()
    erase_contact(ase)
    found = db.session.scalars(filtered_contacts(ContactFilter(q=query, include_erased=True)))
    assert found.all() == []


def test_text_of_interactions_only_she_was_part_of_is_blanked(ase):
    erase_contact(ase)
    alone = db.session.scalars(select(Interaction).where(Interaction.kind != "meeting")).all()
    assert [(i.subject, i.notes, i.outcome) for i in alone] == [("", "", "")] * 3
    assert db.session.scalar(select(FollowUp.note)) == ""
    assert db.session.scalar(select(PressInquiry.answer)) == ""
    assert db.session.scalar(select(PressInquiry.status)) == "answered"


def test_shared_interactions_keep_their_text_less_her_identifiers(ase):
    erase_contact(ase)
    meeting = db.session.scalar(select(Interaction).where(Interaction.kind == "meeting"))
    assert meeting.subject == "Lunsj med Per Hansen og [slettet]"
    assert meeting.notes == "[slettet] ([slettet], [slettet]) lovet tall; Per tok notater"
    assert len(meeting.contacts) == 2


def test_a_shared_interaction_is_blanked_when_the_last_person_in_it_is_erased(ase):
    per = db.session.scalar(select(Contact).where(Contact.name == "Per Hansen"))
    erase_contact(ase)
    erase_contact(per)
    meeting = db.session.scalar(select(Interaction).where(Interaction.kind == "meeting"))
    assert (meeting.subject, meeting.notes) == ("", "")


def test_audit_entries_about_her_keep_who_and_when_but_lose_the_values(ase, users):
    cid = ase.id
    erase_contact(ase, actor_id=users["admin"].id)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "contact", AuditEntry.entity_id == cid)
        .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "erase"]
    assert entries[0].changes == {} and entries[0].label == ""
    erasure = entries[-1]
    assert erasure.user_id == users["admin"].id
    assert erasure.label == f"Slettet kontakt {cid}" and erasure.changes == {"via": "web"}


def test_erasure_is_one_transaction(ase, monkeypatch):
    def broken(contact):
        raise RuntimeError("disk full")
    monkeypatch.setitem(PRIVACY_PARTS, "zz_broken", PrivacyPart(erase=broken))
    with pytest.raises(RuntimeError):
        erase_contact(ase)
    db.session.expire_all()
    assert "Åse Ødegård" in every_stored_text()
    assert db.session.get(Contact, ase.id).erased_at is None
    assert db.session.scalar(select(Interaction.subject).where(
        Interaction.kind == "inquiry")) == "Spørsmål"


def test_other_domains_erasers_run_and_see_the_contact_before_it_is_blanked(ase, monkeypatch):
    seen = []
    monkeypatch.setitem(PRIVACY_PARTS, "releases", replace(PRIVACY_PARTS["releases"],
                                                      erase=lambda c: seen.append(c.name)))
    erase_contact(ase)
    assert seen == ["Åse Ødegård"]


def test_bulk_erasure_skips_unknown_and_erased_ids_and_reports_progress(users):
    a, b, c = (journalist(name=n) for n in ("Ane", "Bjørn", "Cecilie"))
    erase_contact(c)
    progress = []
    erased = erase_contacts([a.id, b.id, c.id, 99999, a.id], progress=progress.append,
                            batch_size=1)
    assert erased == 2 and progress[-1] == 2
    names = set(db.session.scalars(select(Contact.name)))
    assert names == {f"Slettet kontakt {x.id}" for x in (a, b, c)}


def test_erasing_everyone_in_a_shared_interaction_in_one_batch_blanks_it(ase):
    per = db.session.scalar(select(Contact).where(Contact.name == "Per Hansen"))
    assert erase_contacts([per.id, ase.id]) == 2
    meeting = db.session.scalar(select(Interaction).where(Interaction.kind == "meeting"))
    assert (meeting.subject, meeting.notes) == ("", "")
    assert len(meeting.contacts) == 2
    stored = every_stored_text()
    assert "Per Hansen" not in stored and "Åse Ødegård" not in stored


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "Ola (Nordmann) [x]*+?", "😀 Ølstad", "O'Brien; DROP TABLE--"])
def test_hostile_names_are_erased_and_redacted_literally(users, hostile):
    person = journalist(name=hostile)
    other = journalist(name="Kari")
    log([person, other], subject=f"Møte med {hostile} i dag")
    erase_contact(person)
    assert db.session.scalar(select(Interaction.subject)) == "Møte med [slettet] i dag"
    assert hostile not in every_stored_text()


def test_redaction_leaves_longer_names_alone(users):
    ola = journalist(name="Ola Nordmann")
    other = journalist(name="Kari")
    log([ola, other], notes="Ola Nordmannsen og ola   nordmann")
    erase_contact(ola)
    assert db.session.scalar(select(Interaction.notes)) == "Ola Nordmannsen og [slettet]"


def test_audit_entries_of_a_duplicate_merged_into_her_are_cleared_too(ase):
    # What crm.contacts.merging leaves behind: the duplicate's own entries and a "merge" entry.
    duplicate = journalist(name="Åse Ødegård", notes="Privat notat")
    db.session.add(AuditEntry(action="merge", entity_type="contact", entity_id=ase.id,
                              label="Åse Ødegård", changes={
                                  "merged_contact_id": duplicate.id,
                                  "merged_contact_name": "Åse Ødegård"}))
    db.session.delete(duplicate)
    db.session.commit()
    assert "Privat notat" in every_stored_text()
    erase_contact(ase)
    assert "Privat notat" not in every_stored_text()
    for identifier in OLD_IDENTIFIERS:
        assert identifier.lower() not in every_stored_text().lower(), identifier


# Through the web ---------------------------------------------------------------------------

def test_admin_sees_what_will_happen_before_erasing(as_admin, ase):
    page = as_admin.get(f"/privacy/contacts/{ase.id}/erase")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Åse Ødegård" in html and "cannot be undone" in html
    assert ("Deleted: emails (2), phone numbers (2), beats (2), tags (1) and memberships of "
            "media lists (1).") in html
    assert "3 interactions involved only this person" in html
    assert "1 interaction also involved other people: its text" in html
    assert 'name="confirm" value="yes"' in html and "csrf_token" in html
    # Posting without the confirmation only shows the page again.
    assert as_admin.post(f"/privacy/contacts/{ase.id}/erase").status_code == 200
    db.session.expire_all()
    assert db.session.get(Contact, ase.id).erased_at is None


def test_admin_erases_after_confirming(as_admin, ase):
    response = as_admin.post(f"/privacy/contacts/{ase.id}/erase", data={"confirm": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contacts/{ase.id}")
    db.session.expire_all()
    assert db.session.get(Contact, ase.id).erased_at is not None
    html = as_admin.get(f"/contacts/{ase.id}").get_data(as_text=True)
    assert "erased" in html and "Åse" not in html
    assert f"/privacy/contacts/{ase.id}/erase" not in html
    again = as_admin.post(f"/privacy/contacts/{ase.id}/erase", data={"confirm": "yes"},
                          follow_redirects=True)
    assert "already been erased" in again.get_data(as_text=True)


@pytest.mark.parametrize("role_client", ["as_viewer", "as_editor"])
def test_viewers_and_editors_cannot_erase(request, ase, role_client):
    client = request.getfixturevalue(role_client)
    assert client.get(f"/privacy/contacts/{ase.id}/erase").status_code == 403
    response = client.post(f"/privacy/contacts/{ase.id}/erase", data={"confirm": "yes"})
    assert response.status_code == 403
    assert client.post("/privacy/retention/erase", data={
        "contact_id": ase.id, "confirm": "yes", "months": 1}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Contact, ase.id).erased_at is None


def test_unknown_contacts_are_404(as_admin):
    assert as_admin.get("/privacy/contacts/424242/erase").status_code == 404
    assert as_admin.post("/privacy/contacts/424242/erase",
                         data={"confirm": "yes"}).status_code == 404


def test_erased_contacts_leave_lists_and_search_and_cannot_be_edited(as_admin, ase):
    erase_contact(ase)
    listing = as_admin.get("/contacts").get_data(as_text=True)
    assert "Slettet kontakt" not in listing and "Per Hansen" in listing
    assert "Slettet" not in as_admin.get("/contacts?q=slettet").get_data(as_text=True)
    assert as_admin.get(f"/contacts/{ase.id}/edit").status_code == 404
    assert as_admin.post(f"/contacts/{ase.id}/edit", data={
        "kind": "journalist", "name": "Åse Ødegård"}).status_code == 404


def test_erasure_with_csrf_on_needs_the_token(make_app, ase, users):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    log_in_session(client, users["admin"])
    assert client.get(f"/privacy/contacts/{ase.id}/erase").status_code == 200
    response = client.post(f"/privacy/contacts/{ase.id}/erase", data={"confirm": "yes"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Contact, ase.id).erased_at is None


def test_hostile_query_values_on_the_confirmation_page_are_ignored(as_admin, ase):
    page = as_admin.get(f"/privacy/contacts/{ase.id}/erase",
                        query_string={"back": "<script>x</script>", "months": "<script>"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>" not in html


def test_searches_recorded_by_exports_lose_her_name_email_and_phone(as_admin, ase):
    """A vCard or CSV export filtered by ?q=<her name> records the filter in the audit log;
    erasing her removes it there too (and keeps other people's searches)."""
    searches = ["Åse Ødegård", "ÅSE  ødegård", "odegard", "ase.odegard@nrk.no",
                "912 34 567", "Per Hansen"]
    for q in searches:
        for fmt in ("csv", "vcf"):
            response = as_admin.get(f"/contacts/export.{fmt}", query_string={"q": q})
            assert response.status_code == 200
            response.get_data()
            response.close()
    recorded = lambda: [e.changes["filters"].get("q") for e in db.session.scalars(  # noqa: E731
        select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id))]
    assert recorded() == [q for q in searches for _fmt in ("csv", "vcf")]
    erase_contact(db.session.get(Contact, ase.id))
    db.session.expire_all()
    after = recorded()
    assert after[-2:] == ["Per Hansen", "Per Hansen"]
    assert set(after[:-2]) == {"[slettet]"}, after
    stored = every_stored_text().lower()
    for identifier in ("åse ødegård", "odegard", "912 34 567"):
        assert identifier not in stored, identifier


def test_saved_filters_that_search_for_her_lose_her_name(as_admin, ase, users):
    from crm.contacts.models import SavedFilter
    from crm.contacts.saved_filters import save_filter
    mine = save_filter(users["admin"].id, "Åse Ødegård sine saker", "q=%C3%85se+%C3%98deg%C3%A5rd&kind=journalist", True)
    part = save_filter(users["admin"].id, "Søk", "q=odegard", False)
    other = save_filter(users["admin"].id, "Per", "q=Per+Hansen", False)
    ids = (mine.id, part.id, other.id)
    erase_contact(db.session.get(Contact, ase.id))
    db.session.expire_all()
    mine, part, other = (db.session.get(SavedFilter, i) for i in ids)
    assert mine.query == "q=%5Bslettet%5D&kind=journalist" and "Ødegård" not in mine.name
    assert part.query == "q=%5Bslettet%5D"
    assert other.query == "q=Per+Hansen"
