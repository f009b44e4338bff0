"""Likely duplicates among existing contacts, and merging two records of one person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.audit.models import AuditEntry
from crm.contacts import lists
from crm.contacts.duplicates import duplicate_groups
from crm.contacts.merging import MergeError, contact_references, merge_contacts
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    MediaListMember,
    Tag,
    contact_tag,
)
from crm.contacts.services import (
    ContactFilter,
    filtered_contacts,
    save_organisation,
)
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, interaction_contact
from crm.timeutil import utcnow
from tests.factories import journalist, log


def interaction(*contacts, subject="Samtale"):
    return log(list(contacts), subject=subject, when=utcnow())


def groups_by_name() -> list[tuple[list[str], set[str]]]:
    groups, _total = duplicate_groups()
    return [(sorted(c.name for c in g.contacts), g.reasons) for g in groups]


def found(q: str) -> list[str]:
    return [c.name for c in db.session.scalars(filtered_contacts(ContactFilter(q=q)))]


def rows(table, **where) -> int:
    query = db.select(db.func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return db.session.scalar(query)


# Finding duplicates ----------------------------------------------------------------------

def test_groups_by_email_phone_and_folded_name_in_the_same_organisation(app):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    vg = save_organisation(None, name="VG", kind="outlet")
    journalist("Kari Nordmann", emails=["kari@nrk.no"])
    journalist("K. Nordmann", emails=["KARI@nrk.no"])
    journalist("Per Hansen", phones=["912 34 567"])
    journalist("Peder Hansen", phones=["+4791234567"])
    journalist("Åse Ødegård", org=nrk)
    journalist("Aase Odegard", org=nrk)
    journalist("Åse Ødegård", org=vg)  # another organisation: not the same person
    journalist("Ola Uten", emails=["ola@x.no"])
    assert groups_by_name() == [  # in Norwegian order of their first records: K, P, Å
        (["K. Nordmann", "Kari Nordmann"], {"email"}),
        (["Peder Hansen", "Per Hansen"], {"phone"}),
        (["Aase Odegard", "Åse Ødegård"], {"name"}),
    ]


def test_overlapping_matches_form_one_group_and_erased_contacts_are_left_out(app):
    a = journalist("Anne Berg", emails=["anne@nrk.no"])
    journalist("A. Berg", emails=["anne@nrk.no"], phones=["91234567"])
    journalist("Anne B", phones=["91234567"])
    gone = journalist("Anne Berg")
    gone.erased_at = utcnow()
    db.session.commit()
    (names, reasons), = groups_by_name()
    assert names == ["A. Berg", "Anne B", "Anne Berg"] and reasons == {"email", "phone"}
    assert a.id in duplicate_groups()[0][0].contact_ids


def test_no_duplicates_and_emoji_only_names(app):
    journalist("😀")
    journalist("🎉")  # both fold to nothing: not a name match
    assert duplicate_groups() == ([], 0)


def test_the_page_shows_groups_to_editors_only(as_editor, as_viewer):
    journalist("Kari Nordmann", emails=["kari@nrk.no"])
    journalist("<script>x</script>", emails=["kari@nrk.no"])
    page = as_editor.get("/contacts/duplicates").get_data(as_text=True)
    assert "Kari Nordmann" in page and "same email" in page and "/contacts/merge?a=" in page
    assert "<script>x" not in page


def test_viewers_may_not_see_or_merge(as_viewer):
    a, b = journalist("A", emails=["a@x.no"]), journalist("B", emails=["a@x.no"])
    assert as_viewer.get("/contacts/duplicates").status_code == 403
    assert as_viewer.get(f"/contacts/merge?a={a.id}&b={b.id}").status_code == 403
    assert as_viewer.post("/contacts/merge", data={"a": a.id, "b": b.id,
                                                   "keep": a.id}).status_code == 403
    assert db.session.get(Contact, b.id) is not None


# Merging ---------------------------------------------------------------------------------

def test_merge_combines_fields_and_moves_everything(app):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    keep = journalist("Kari Nordmann", emails=["kari@nrk.no"], phones=["91234567"],
                  beats=["politikk"], tags=["viktig"], notes="Ringer helst før ti.",
                  social="@kari")
    other = journalist("Kari Nordmann", org=nrk, emails=["kari@privat.no", "KARI@nrk.no"],
                   phones=["22334455", "912 34 567"], beats=["politikk", "helse"],
                   tags=["viktig", "oslo"], notes="Har sommerferie i juli.",
                   title="Politisk reporter", region="Oslo", social="@kari\nlinkedin.com/in/k",
                   consent_date=date(2026, 1, 5), opted_out=True, data_source="NTB-liste")
    other.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    helse = lists.save_media_list(None, name="Helse")
    oslo = lists.save_media_list(None, name="Oslo-pressen")
    lists.add_members(helse, [keep.id, other.id])  # both in the same list
    lists.add_members(oslo, [other.id])
    shared = interaction(keep, other, subject="Felles møte")
    own = interaction(other, subject="Intervju")
    db.session.add(FollowUp(interaction=own, due_at=utcnow() + timedelta(days=1),
                            note="Send tall"))
    db.session.commit()
    keep_id, other_id = keep.id, other.id

    merged = merge_contacts(keep, other)

    assert merged.id == keep_id and db.session.get(Contact, other_id) is None
    assert [e.email for e in merged.emails] == ["kari@nrk.no", "kari@privat.no"]
    assert [p.number for p in merged.phones] == ["+4791234567", "+4722334455"]
    assert [b.name for b in merged.beats] == ["helse", "politikk"]
    assert [t.name for t in merged.tags] == ["oslo", "viktig"]
    assert merged.notes == "Ringer helst før ti.\n\nHar sommerferie i juli."
    assert merged.organisation.name == "NRK"
    assert (merged.title, merged.region) == ("Politisk reporter", "Oslo")
    assert merged.social == "@kari\nlinkedin.com/in/k"
    assert merged.consent_date == date(2026, 1, 5) and merged.opted_out is True
    assert merged.data_source == "NTB-liste"
    assert merged.created_at < utcnow() - timedelta(days=399)
    # Associations moved, none doubled.
    assert rows(MediaListMember.__table__, contact_id=keep_id) == 2
    assert rows(MediaListMember.__table__, media_list_id=helse.id) == 1
    assert rows(interaction_contact, contact_id=keep_id) == 2
    assert rows(interaction_contact, interaction_id=shared.id) == 1
    assert rows(interaction_contact, contact_id=other_id) == 0
    assert [c.id for c in db.session.get(Interaction, own.id).contacts] == [keep_id]
    assert db.session.scalar(db.select(FollowUp)).interaction.contacts[0].id == keep_id
    # Nothing of the other record is left behind.
    for table in (ContactEmail.__table__, ContactBeat.__table__, contact_tag):
        assert rows(table, contact_id=other_id) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Tag)) == 2
    # The search index knows the merged record by the other's details.
    assert found("privat") == ["Kari Nordmann"] and found("22334455") == ["Kari Nordmann"]
    assert found("sommerferie") == ["Kari Nordmann"]


def test_merge_keeps_the_chosen_records_values(app):
    keep = journalist("Kari Nordmann", title="Reporter", notes="Samme notat", region="Bergen")
    other = journalist("Kari N.", title="Vaktsjef", notes="Samme notat", region="Oslo")
    merged = merge_contacts(keep, other)
    assert (merged.name, merged.title, merged.region) == ("Kari Nordmann", "Reporter", "Bergen")
    assert merged.notes == "Samme notat"


def test_merge_is_written_to_the_audit_log(as_editor, users):
    keep = journalist("Kari", emails=["kari@nrk.no"])
    other = journalist("Kari N", emails=["kari@nrk.no"], title="Reporter")
    response = as_editor.post("/contacts/merge", data={"a": keep.id, "b": other.id,
                                                       "keep": keep.id})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/contacts/{keep.id}")
    entries = {(e.action, e.entity_id): e for e in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.entity_type == "contact"))}
    assert entries[("update", keep.id)].changes["title"] == ["", "Reporter"]
    assert entries[("delete", other.id)].user_id == users["editor"].id
    merge = entries[("merge", keep.id)]
    assert merge.changes == {"merged_contact_id": other.id, "merged_contact_name": "Kari N"}
    assert merge.user_id == users["editor"].id


def test_merge_refuses_the_same_contact_and_erased_contacts(app):
    a, b = journalist("A"), journalist("B")
    with pytest.raises(MergeError):
        merge_contacts(a, a)
    b.erased_at = utcnow()
    db.session.commit()
    with pytest.raises(MergeError):
        merge_contacts(a, b)
    assert db.session.get(Contact, b.id) is not None


def test_a_failing_merge_changes_nothing(app, monkeypatch):
    from crm.contacts import merging

    keep, other = journalist("Kari", emails=["k@nrk.no"]), journalist("Kari", emails=["k2@nrk.no"])
    ml = lists.save_media_list(None, name="Liste")
    lists.add_members(ml, [other.id])
    interaction(other)
    keep_id, other_id = keep.id, other.id

    def boom(_contact):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "refresh_search_text", boom)
    with pytest.raises(RuntimeError):
        merge_contacts(keep, other)
    db.session.expire_all()
    assert db.session.get(Contact, other_id) is not None
    assert rows(MediaListMember.__table__, contact_id=other_id) == 1
    assert rows(interaction_contact, contact_id=other_id) == 1
    assert [e.email for e in db.session.get(Contact, keep_id).emails] == ["k@nrk.no"]


def test_every_table_pointing_at_contacts_is_handled():
    names = {table.name for table, _column in contact_references()}
    assert {"media_list_member", "interaction_contact"} <= names
    assert not names & {"contact_email", "contact_phone", "contact_beat", "contact_tag"}


# Merge pages -----------------------------------------------------------------------------

def test_merge_pages(as_editor):
    keep = journalist("Kari Nordmann", emails=["kari@nrk.no"])
    other = journalist("Kari Nordmann", emails=["kari@privat.no"])
    detail = as_editor.get(f"/contacts/{keep.id}").get_data(as_text=True)
    assert f"/contacts/merge?a={keep.id}" in detail
    picker = as_editor.get(f"/contacts/merge?a={keep.id}").get_data(as_text=True)
    assert f"/contacts/merge?a={keep.id}&amp;b={other.id}" in picker
    assert f"b={keep.id}" not in picker
    compare = as_editor.get(f"/contacts/merge?a={keep.id}&b={other.id}")
    text = compare.get_data(as_text=True)
    assert compare.status_code == 200 and "kari@privat.no" in text
    response = as_editor.post("/contacts/merge", data={"a": keep.id, "b": other.id},
                              follow_redirects=True)
    assert "was merged into this contact" in response.get_data(as_text=True)
    # Neither has links: the older record stays, with both addresses.
    assert db.session.get(Contact, other.id) is None
    assert [e.email for e in db.session.get(Contact, keep.id).emails] == \
        ["kari@nrk.no", "kari@privat.no"]


def test_merge_chooses_per_field_and_defaults_to_the_more_complete_value(as_editor):
    from tests.factories import log
    short = journalist("Jonas G. Støre", org="NRK", title="", notes="Ring etter 10",
                       region="Oslo")
    full = journalist("Jonas Gahr Støre", org="VG", title="Kommentator", notes="Liker kaffe",
                      region="")
    log([short])  # the short record has the history: its row stays
    page = as_editor.get(f"/contacts/merge?a={short.id}&b={full.id}").get_data(as_text=True)
    assert 'name="field-name" value="b" checked' in page  # the unabbreviated name
    assert 'name="field-title" value="b" checked' in page
    assert 'name="field-region" value="a" checked' in page
    assert 'name="field-notes" value="both" checked' in page
    # The user keeps NRK as the organisation, the rest as proposed.
    response = as_editor.post("/contacts/merge", data={
        "a": short.id, "b": full.id, "field-name": "b", "field-title": "b",
        "field-organisation": "a", "field-region": "a", "field-notes": "both"})
    assert response.status_code == 302
    db.session.expire_all()
    merged = db.session.get(Contact, short.id)
    assert db.session.get(Contact, full.id) is None
    assert merged.name == "Jonas Gahr Støre" and merged.title == "Kommentator"
    assert merged.organisation.name == "NRK" and merged.region == "Oslo"
    assert "Ring etter 10" in merged.notes and "Liker kaffe" in merged.notes
    assert as_editor.get("/contacts?q=gahr").get_data(as_text=True).count("Jonas Gahr Støre") >= 1


@pytest.mark.parametrize("query", ["a=999999", "a=1&b=999999", "", "a=abc"])
def test_unknown_contacts_give_404(as_editor, query):
    journalist("Kari")
    assert as_editor.get(f"/contacts/merge?{query}").status_code == 404


def test_bad_merge_posts(as_editor):
    a, b = journalist("A"), journalist("B")
    assert as_editor.post("/contacts/merge", data={"a": a.id, "b": 999999,
                                                   "keep": a.id}).status_code == 404
    response = as_editor.post("/contacts/merge", data={"a": a.id, "b": b.id,
                                                       "field-name": "\x00<script>"})
    assert response.status_code == 400  # the NUL is refused before the view (crm/security.py)
    response = as_editor.post("/contacts/merge", data={"a": a.id, "b": b.id,
                                                       "field-name": "<script>"})
    assert response.status_code == 302  # an unknown choice is the default choice
    a, b = journalist("A"), journalist("B")
    response = as_editor.post("/contacts/merge", data={"a": a.id, "b": a.id, "keep": a.id},
                              follow_redirects=True)
    assert "cannot be merged with itself" in response.get_data(as_text=True)
    assert db.session.get(Contact, a.id) and db.session.get(Contact, b.id)
    assert db.session.get(Contact, a.id).name == "A"


@pytest.mark.parametrize("form,warned", [
    ({"name": "Jonas G. Støre"}, True),  # a similar name, no organisation on either side
    ({"name": "jonas gahr støre"}, True),
    ({"name": "Kari Hansen", "emails": "JGS@ap.no"}, True),  # the same email
    ({"name": "Kari Hansen", "phones": "+47 915 55 555"}, True),  # the same phone
    ({"name": "Jonas Støre Hansen"}, False),
    ({"name": "Jonas Gahr Støre", "organisation": "VG"}, True),  # either has no organisation
])
def test_creating_an_obvious_duplicate_warns_first(as_editor, form, warned):
    existing = journalist("Jonas Gahr Støre", emails=["jgs@ap.no"], phones=["91555555"])
    data = {"kind": "journalist", "preferred_language": "nb",
            "lawful_basis": "legitimate_interest", "name": form["name"],
            "emails": form.get("emails", ""), "phones": form.get("phones", "")}
    if "organisation" in form:
        from tests.factories import outlet
        data["organisation_id"] = outlet(form["organisation"]).id
    response = as_editor.post("/contacts/new", data=data)
    if not warned:
        assert response.status_code == 302
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "already in the register" in page
    assert f"/contacts/{existing.id}" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 1
    response = as_editor.post("/contacts/new", data={**data, "confirm_duplicate": "1"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 2


def test_a_similar_name_at_another_organisation_is_someone_else(as_editor):
    from tests.factories import outlet
    journalist("Kari Nordmann", org=outlet("NRK"))
    response = as_editor.post("/contacts/new", data={
        "kind": "journalist", "name": "Kari Nordmann", "organisation_id": outlet("VG").id,
        "preferred_language": "nb", "lawful_basis": "legitimate_interest"})
    assert response.status_code == 302
