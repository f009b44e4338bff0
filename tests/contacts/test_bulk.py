"""Bulk work on the contact list: ticked rows or all matching the filter; sorting; saved filters."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact, MediaList, SavedFilter
from crm.extensions import db
from crm.timeutil import utcnow
from tests import factories as f


@pytest.fixture
def register(app):
    nrk, vg = f.outlet("NRK"), f.outlet("VG")
    people = {
        "åse": f.journalist("Åse Ødegård", org=nrk, tags=["politikk"]),
        "øystein": f.journalist("Øystein Berg", org=vg),
        "aase": f.journalist("Aase Ås", org=nrk),
        "jonas": f.politician("Jonas Gahr Støre"),
        "zara": f.journalist("Zara Ali"),
    }
    return {key: c.id for key, c in people.items()}


def names_on(page: str, names) -> list[str]:
    return sorted((page.index(n), n) for n in names if n in page)


def bulk(client, query: str = "", **form):
    return client.post("/contacts/bulk" + (f"?{query}" if query else ""), data=form)


def test_ticked_rows_go_to_a_new_media_list(as_editor, register):
    response = bulk(as_editor, action="add_to_list", new_list="Førstesidene",
                    id=[register["åse"], register["jonas"]])
    assert response.status_code == 302
    media_list = db.session.scalar(db.select(MediaList).where(MediaList.name == "Førstesidene"))
    assert sorted(m.contact_id for m in media_list.members) == sorted(
        [register["åse"], register["jonas"]])
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "bulk"))
    assert str(entry.summary) == "2 contacts added to the media list Førstesidene"


def test_all_matching_this_filter_means_the_filter_not_the_page(as_editor, register):
    media_list = f.media_list("NRK-folk")
    response = bulk(as_editor, query=f"organisation={db.session.get(Contact, register['åse']).organisation_id}",
                    action="add_to_list", list_id=media_list.id, scope="all")
    assert response.status_code == 302
    db.session.refresh(media_list)
    assert sorted(m.contact_id for m in media_list.members) == sorted(
        [register["åse"], register["aase"]])


def test_add_and_remove_a_tag(as_editor, register):
    ids = [register["åse"], register["øystein"]]
    bulk(as_editor, action="add_tag", tag="Budsjett", id=ids)
    db.session.expire_all()
    for cid in ids:
        assert "budsjett" in [t.name for t in db.session.get(Contact, cid).tags]
    bulk(as_editor, action="remove_tag", tag="politikk", id=ids)
    db.session.expire_all()
    assert [t.name for t in db.session.get(Contact, register["åse"]).tags] == ["budsjett"]
    summaries = [str(e.summary) for e in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "bulk").order_by(AuditEntry.id))]
    assert summaries == ["tag budsjett added to 2 contacts", "tag politikk removed from 1 contact"]


def test_delete_asks_first_then_deletes_with_audit_entries(as_editor, register):
    ids = [register["zara"], register["aase"]]
    page = bulk(as_editor, action="delete", id=ids).get_data(as_text=True)
    assert "Delete 2 contacts?" in page and "Zara Ali" in page
    assert db.session.get(Contact, register["zara"]) is not None  # nothing deleted yet
    response = bulk(as_editor, action="delete", confirmed="1", id=ids)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, register["zara"]) is None
    assert db.session.get(Contact, register["aase"]) is None
    deleted = db.session.scalars(db.select(AuditEntry.entity_id).where(
        AuditEntry.action == "delete", AuditEntry.entity_type == "contact")).all()
    assert sorted(deleted) == sorted(ids)
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 3


def test_export_of_the_ticked_rows(as_editor, register):
    response = bulk(as_editor, action="export_csv", id=[register["jonas"], register["zara"]])
    assert response.status_code == 302 and "ids=" in response.headers["Location"]
    export = as_editor.get(response.headers["Location"])
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert sorted(r[0] for r in rows[1:]) == ["Jonas Gahr Støre", "Zara Ali"]


@pytest.mark.parametrize("form", [
    {"action": "add_tag", "tag": "x"},  # nothing ticked
    {"action": "explode", "id": "1"},
    {"action": "add_to_list", "id": "1"},  # no list chosen
    {"action": "add_tag", "tag": "", "id": "1"},
    {"action": "add_tag", "tag": "a\x00b", "id": "1"},
    {"action": "add_to_list", "new_list": "<script>alert(1)</script>" * 30, "id": "1"},
    {"action": "add_tag", "tag": "🦊æøå", "id": "not-a-number,∞"},
])
def test_bad_bulk_input_is_a_message_not_a_500(as_editor, register, form):
    response = bulk(as_editor, **form)
    # A NUL anywhere is refused before any view (crm/security.py): a 400 that says why.
    has_nul = any("\x00" in str(value) for value in form.values())
    assert response.status_code in ((400,) if has_nul else (302, 200))
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 5


def test_viewers_cannot_work_in_bulk(as_viewer, register):
    assert bulk(as_viewer, action="delete", confirmed="1", id=[register["zara"]]).status_code == 403
    assert db.session.get(Contact, register["zara"]) is not None


def test_sortable_columns(as_editor, register, users):
    names = ["Åse Ødegård", "Øystein Berg", "Aase Ås", "Jonas Gahr Støre", "Zara Ali"]
    by_name = as_editor.get("/contacts").get_data(as_text=True)
    # The Norwegian alphabet: Z before Æ, Ø, Å.
    assert [n for _i, n in names_on(by_name, names)] == [
        "Aase Ås", "Jonas Gahr Støre", "Zara Ali", "Øystein Berg", "Åse Ødegård"]
    by_org = as_editor.get("/contacts?sort=organisation").get_data(as_text=True)
    assert [n for _i, n in names_on(by_org, names)] == [
        "Aase Ås", "Åse Ødegård", "Øystein Berg", "Jonas Gahr Støre", "Zara Ali"]
    f.log([db.session.get(Contact, register["zara"])], when=utcnow() - timedelta(days=1))
    f.log([db.session.get(Contact, register["øystein"])], when=utcnow() - timedelta(days=5))
    by_last = as_editor.get("/contacts?sort=last_contact").get_data(as_text=True)
    assert [n for _i, n in names_on(by_last, names)][:2] == ["Zara Ali", "Øystein Berg"]
    assert as_editor.get("/contacts?sort=<script>").status_code == 200


def test_saved_filters_are_personal_unless_shared(client, as_editor, register, users):
    response = as_editor.post("/contacts/filters?kind=journalist&sort=organisation&page=3",
                              data={"name": "Journalister etter redaksjon", "shared": "1"})
    assert response.status_code == 302
    as_editor.post("/contacts/filters?tag=politikk", data={"name": "Bare mine"})
    saved = {s.name: s for s in db.session.scalars(db.select(SavedFilter))}
    assert saved["Journalister etter redaksjon"].query == "kind=journalist&sort=organisation"
    assert saved["Journalister etter redaksjon"].shared
    page = as_editor.get("/contacts").get_data(as_text=True)
    assert "Journalister etter redaksjon" in page and "Bare mine" in page
    # A colleague (a viewer may save filters too) sees the shared one only, and cannot delete it.
    from tests.support import login
    as_editor.post("/logout")
    login(client, users["viewer"].email)
    page = client.get("/contacts").get_data(as_text=True)
    assert "Journalister etter redaksjon" in page and "Bare mine" not in page
    client.post(f"/contacts/filters/{saved['Journalister etter redaksjon'].id}/delete")
    assert client.post(f"/contacts/filters/{saved['Bare mine'].id}/delete").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(SavedFilter)) == 2
    assert client.post("/contacts/filters?q=støre", data={"name": "Mine"}).status_code == 302
    assert client.post("/contacts/filters", data={"name": "Tomt"}).status_code == 302
    assert client.post("/contacts/filters?q=x", data={"name": "\x00" * 5}).status_code in (
        302, 400)
    assert db.session.scalar(db.select(db.func.count()).select_from(SavedFilter)) == 3
