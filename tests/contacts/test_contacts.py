"""The register: creating, validating, finding, filtering and listing contacts."""

import re

import pytest

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact, ContactEmail, MediaList, Organisation
from crm.contacts.services import (
    ContactData,
    ContactFilter,
    create_contact,
    filtered_contacts,
    save_organisation,
)
from crm.contacts.validation import normalise_phone
from crm.errors import UserError
from crm.extensions import db
from tests.factories import journalist


def find(q="", **kw) -> list[str]:
    return [c.name for c in db.session.scalars(filtered_contacts(ContactFilter(q=q, **kw)))]


def test_create_journalist_through_the_form(as_editor):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    response = as_editor.post("/contacts/new", data={
        "kind": "journalist", "name": "  Kari   Nordmann ", "organisation_id": nrk.id,
        "emails": "Kari.Nordmann@NRK.no\nkari@example.no", "phones": "912 34 567",
        "beats": "Politikk, helse", "tags": "Viktig", "preferred_language": "nb",
        "lawful_basis": "legitimate_interest"}, follow_redirects=True)
    assert response.status_code == 200
    contact = db.session.scalar(db.select(Contact))
    assert contact.name == "Kari Nordmann"
    assert [e.email for e in contact.emails] == ["kari.nordmann@nrk.no", "kari@example.no"]
    assert [p.number for p in contact.phones] == ["+4791234567"]
    assert [b.name for b in contact.beats] == ["helse", "politikk"]
    assert "+47 912 34 567" in response.get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("name", "", "required"),
    ("name", "   ", "required"),
    ("name", "x" * 201, "200"),
    ("emails", "not-an-email", "not a valid email"),
    ("emails", "a@b@c.no", "not a valid email"),
    ("phones", "12", "not a valid phone"),
    ("phones", "call me maybe", "not a phone"),
])
def test_bad_input_gives_a_message_and_stores_nothing(as_editor, field, value, message):
    data = {"kind": "journalist", "name": "Ola", "preferred_language": "nb",
            "lawful_basis": "legitimate_interest", "organisation_id": 0, field: value}
    response = as_editor.post("/contacts/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 0


def test_failed_edit_keeps_what_was_stored(as_editor):
    contact = journalist(emails=["a@example.no"])
    response = as_editor.post(f"/contacts/{contact.id}/edit", data={
        "kind": "journalist", "name": "Nytt Navn", "emails": "broken@", "organisation_id": 0,
        "preferred_language": "nb", "lawful_basis": "consent"})
    assert b"not a valid email" in response.data
    db.session.expire_all()
    stored = db.session.get(Contact, contact.id)
    assert stored.name == "Åse Ødegård" and stored.primary_email == "a@example.no"


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>", "Robert'); DROP TABLE contact;--", "😀 Emoji Ølstad",
    "Ærlig Åsmund Ødegård", "x" * 200,
])
def test_hostile_names_are_stored_and_shown_escaped(as_editor, hostile):
    contact = journalist(name=hostile, notes=hostile)
    page = as_editor.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert as_editor.get("/contacts", query_string={"q": hostile}).status_code == 200
    assert db.session.get(Contact, contact.id).name == hostile


def test_unknown_ids_give_404(as_editor):
    for path in ("/contacts/999999", "/contacts/999999/edit", "/organisations/999999",
                 "/lists/999999"):
        assert as_editor.get(path).status_code == 404, path
    assert as_editor.post("/contacts/999999/delete").status_code == 404


@pytest.mark.parametrize("query", ["støre", "STØRE", "Store", "stoere", "jonas gahr",
                                   "gahr støre", "jonas@ap.no", "ap.no", "91234567",
                                   "912 34 567", "+47 912 34 567", "helse", "Arbeiderpartiet"])
def test_search_finds_a_contact_by_many_routes(app, query):
    ap = save_organisation(None, name="Arbeiderpartiet", kind="party")
    create_contact(ContactData(kind="politician", name="Jonas Gahr Støre", organisation_id=ap.id,
                               emails=["jonas@ap.no"], phones=["91234567"], beats=["helse"]))
    journalist(name="Kari Nordmann", emails=["kari@nrk.no"])
    assert find(query) == ["Jonas Gahr Støre"]


def test_search_handles_aa_and_accents(app):
    journalist(name="Åshild Aasland")
    journalist(name="René Müller")
    assert find("aasland") == ["Åshild Aasland"]
    assert find("åsland") == ["Åshild Aasland"]
    assert find("muller") == ["René Müller"]
    assert find("rene") == ["René Müller"]


def test_search_finds_notes_and_short_words(app):
    journalist(name="Per Ås", notes="Ringer alltid før 09:00")
    assert find("ringer") == ["Per Ås"]
    assert find("ås") == ["Per Ås"]
    assert find("zzz") == []


@pytest.mark.parametrize("query", ['"', "'", "%", "_", "*", "AND", "OR NOT", "NEAR(", "\\",
                                   "' OR 1=1 --", "<b>", "😀", ""])
def test_search_survives_query_syntax(as_editor, query):
    journalist(name="Ola Normann")
    assert as_editor.get("/contacts", query_string={"q": query}).status_code == 200


def test_sorting_follows_the_norwegian_alphabet(app):
    for name in ("Åse", "Zelda", "Øystein", "Ærlig", "anders", "Bjørn", "Émile"):
        journalist(name=name)
    assert find() == ["anders", "Bjørn", "Émile", "Zelda", "Ærlig", "Øystein", "Åse"]


def test_filters(app):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    vg = save_organisation(None, name="VG", kind="outlet")
    journalist(name="A", org=nrk, beats=["helse"], region="Oslo", tags=["viktig"])
    journalist(name="B", org=vg, beats=["økonomi"], region="Vestland")
    create_contact(ContactData(kind="politician", name="C"))
    assert find(kind="politician") == ["C"]
    assert find(organisation_id=nrk.id) == ["A"]
    assert find(beat="Økonomi") == ["B"]
    assert find(tag="viktig") == ["A"]
    assert find(region="Oslo") == ["A"]


def test_list_page_filters_and_paginates(as_viewer, app):
    for i in range(60):
        journalist(name=f"Journalist {i:02d}", beats=["politikk"])
    page1 = as_viewer.get("/contacts?beat=politikk").get_data(as_text=True)
    assert "Journalist 00" in page1 and "Journalist 55" not in page1
    page2 = as_viewer.get("/contacts?beat=politikk&page=2").get_data(as_text=True)
    assert "Journalist 55" in page2
    assert as_viewer.get("/contacts?page=-3&organisation=abc&list=x").status_code == 200


def test_search_pages_are_the_search_in_name_order_without_gaps(as_viewer, app):
    """A page's contacts are picked by id first (crm.contacts.services.contacts_page): the
    pages together are the whole search, in the Norwegian alphabet, each contact once, ties
    in name by id, erased contacts left out."""
    surnames = ["Åberg", "Berg", "Ødegård", "Ærlig", "Aas", "Zahl", "Østby", "Berg"]
    made = [journalist(name=f"Pressefolk {surnames[i % len(surnames)]} {i % 7}")
            for i in range(64)]
    made[5].erased_at = made[5].created_at
    db.session.commit()
    expected = [c.id for c in db.session.scalars(
        filtered_contacts(ContactFilter(q="pressefolk")))]
    assert len(expected) == 63 and made[5].id not in expected
    shown = []
    for page in (1, 2):
        html = as_viewer.get(f"/contacts?q=pressefolk&page={page}").get_data(as_text=True)
        shown += list(dict.fromkeys(int(i) for i in re.findall(r'href="/contacts/(\d+)"', html)))
    assert shown == expected
    names = [db.session.get(Contact, i).name for i in shown]
    assert names[0].startswith("Pressefolk Aas") and names[-1].startswith("Pressefolk Åberg")


def test_list_rows_show_the_first_email_and_phone_and_every_beat(as_viewer):
    journalist(name="Alle felt", emails=["forst@nrk.no", "andre@nrk.no"],
               phones=["912 34 567", "22 33 44 55"], beats="valg, helse, økonomi")
    journalist(name="Ingen felt")
    page = as_viewer.get("/contacts").get_data(as_text=True)
    first = page[page.index("Alle felt"):page.index("</tr>", page.index("Alle felt"))]
    assert "forst@nrk.no" in first and "andre@nrk.no" not in first
    assert "912 34 567" in first and "22 33 44 55" not in first
    assert "helse, valg, økonomi" in first
    empty = page[page.index("Ingen felt"):page.index("</tr>", page.index("Ingen felt"))]
    assert "mailto:" not in empty and "@" not in empty


def test_organisations_and_duplicate_names(as_editor):
    response = as_editor.post("/organisations/new", data={"name": "Dagbladet", "kind": "outlet"})
    assert response.status_code == 302
    response = as_editor.post("/organisations/new", data={"name": "dagbladet", "kind": "outlet"})
    assert b"already exists" in response.data
    org = db.session.scalar(db.select(Organisation))
    journalist(name="Per", org=org)
    page = as_editor.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Per" in page


def test_media_list_membership_and_order(as_editor):
    a, b, c = journalist(name="A"), journalist(name="B"), journalist(name="C")
    as_editor.post("/lists/new", data={"name": "Helsejournalister"})
    ml = db.session.scalar(db.select(MediaList))
    as_editor.post(f"/lists/{ml.id}/members",
                   data={"contact_id": [str(c.id), str(a.id), str(b.id), str(a.id), "999999"]})
    db.session.expire_all()
    assert [m.contact.name for m in ml.members] == ["C", "A", "B"]
    as_editor.post(f"/lists/{ml.id}/members/{b.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [m.contact.name for m in ml.members] == ["C", "B", "A"]
    assert find(media_list_id=ml.id) == ["A", "B", "C"]
    as_editor.post(f"/lists/{ml.id}/members/{c.id}/remove")
    db.session.expire_all()
    assert [m.contact.name for m in ml.members] == ["B", "A"]


def test_audit_log_records_who_changed_what(as_editor, users):
    as_editor.post("/contacts/new", data={"kind": "journalist", "name": "Ola",
                                          "preferred_language": "nb", "organisation_id": 0,
                                          "lawful_basis": "legitimate_interest"})
    contact = db.session.scalar(db.select(Contact))
    as_editor.post(f"/contacts/{contact.id}/edit", data={
        "kind": "journalist", "name": "Ola Nordmann", "preferred_language": "nb",
        "organisation_id": 0, "lawful_basis": "consent"})
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "contact").order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].user_id == users["editor"].id
    assert entries[1].changes["name"] == ["Ola", "Ola Nordmann"]
    assert entries[1].changes["lawful_basis"] == ["legitimate_interest", "consent"]
    assert "search_text" not in entries[1].changes or entries[1].changes["search_text"] == \
        "(changed)"


def test_admin_sees_the_audit_log(as_admin):
    journalist(name="Synlig Endring")
    page = as_admin.get("/admin/audit/?type=contact").get_data(as_text=True)
    assert "Synlig Endring" in page


def test_phone_normalisation():
    assert normalise_phone("+47 22 33 44 55") == "+4722334455"
    assert normalise_phone("0047 91234567") == "+4791234567"
    assert normalise_phone("+46 8 123 456 78").startswith("+46")
    with pytest.raises(UserError):
        normalise_phone("123")


def test_deleting_a_contact_removes_emails(as_editor):
    contact = journalist(emails=["x@example.no"])
    assert as_editor.post(f"/contacts/{contact.id}/delete").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactEmail)) == 0
    assert find("x@example") == []


def test_huge_ids_are_404_not_overflow(as_editor):
    for path in ("/contacts/99999999999999999999", "/organisations/99999999999999999999",
                 "/lists/99999999999999999999"):
        assert as_editor.get(path).status_code == 404, path


def test_edit_form_shows_what_is_stored_and_saving_it_unchanged_keeps_it(as_editor):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    contact = journalist(name="Åse Ødegård", org=nrk, emails=["ase@nrk.no", "ase@example.no"],
                         phones=["912 34 567"], beats=["helse", "politikk"], tags=["viktig"],
                         notes="Ringer før 09:00", lawful_basis="consent")
    page = as_editor.get(f"/contacts/{contact.id}/edit").get_data(as_text=True)
    assert "ase@nrk.no\nase@example.no" in page and "+47 912 34 567" in page
    assert 'value="helse, politikk"' in page and 'value="viktig"' in page
    assert "<Contact" not in page and "[&lt;" not in page
    form = {"kind": "journalist", "name": "Åse Ødegård", "organisation_id": nrk.id,
            "emails": "ase@nrk.no\nase@example.no", "phones": "+47 912 34 567",
            "beats": "helse, politikk", "tags": "viktig", "notes": "Ringer før 09:00",
            "preferred_language": "nb", "lawful_basis": "consent"}
    assert as_editor.post(f"/contacts/{contact.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    stored = db.session.get(Contact, contact.id)
    assert [e.email for e in stored.emails] == ["ase@nrk.no", "ase@example.no"]
    assert [p.number for p in stored.phones] == ["+4791234567"]
    assert [t.name for t in stored.tags] == ["viktig"] and stored.lawful_basis == "consent"


def test_new_contact_from_an_organisation_page_preselects_it(as_editor):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    page = as_editor.get(f"/contacts/new?organisation={nrk.id}").get_data(as_text=True)
    assert f'<option selected value="{nrk.id}">NRK</option>' in page or \
        f'<option value="{nrk.id}" selected>NRK</option>' in page


def test_the_unfiltered_count_is_kept_briefly_and_forgotten_when_contacts_change(as_editor):
    """The whole register's size is not counted on every page (crm/contacts/services.py
    COUNT_SECONDS), yet every change this process makes shows at once: a new contact, a bulk
    insert, a deletion and an erasure."""
    from sqlalchemy import insert

    from crm.contacts.services import delete_contact
    from crm.privacy.services import erase_contact

    def shown() -> int:
        page = as_editor.get("/contacts").get_data(as_text=True)
        return int(re.search(r"All (\d+) contacts matching this filter", page)[1])

    first = journalist("Kari Nordmann")
    journalist("Ola Nordmann")
    assert shown() == 2
    assert shown() == 2  # kept: no count query the second time
    journalist("Per Hansen")
    assert shown() == 3
    db.session.execute(insert(Contact), [{"kind": "journalist", "name": f"Bulk {n}",
                                          "sort_name": f"bulk {n}", "search_text": ""}
                                         for n in range(4)])
    db.session.commit()
    assert shown() == 7
    delete_contact(first)
    assert shown() == 6
    erase_contact(db.session.scalar(db.select(Contact).where(Contact.name == "Ola Nordmann")))
    assert shown() == 5
    filtered = as_editor.get("/contacts?kind=journalist").get_data(as_text=True)
    assert "All 5 contacts matching this filter" in filtered


def test_a_page_that_holds_every_match_is_not_counted_again(as_viewer, count_queries):
    for i in range(3):
        journalist(name=f"Unik Navnesen {i}")
    for i in range(55):
        journalist(name=f"Vanlig Navn {i:02d}")
    with count_queries() as short:
        page = as_viewer.get("/contacts?q=navnesen").get_data(as_text=True)
    assert "Unik Navnesen 2" in page and ">3</small>" in page
    with count_queries() as full:
        page = as_viewer.get("/contacts?q=vanlig").get_data(as_text=True)
    assert ">55</small>" in page
    assert full.count == short.count + 1  # the count
    page2 = as_viewer.get("/contacts?q=vanlig&page=2").get_data(as_text=True)
    assert "Vanlig Navn 54" in page2 and ">55</small>" in page2
    beyond = as_viewer.get("/contacts?q=vanlig&page=9").get_data(as_text=True)
    assert ">55</small>" in beyond and "No contacts match." in beyond
