"""Exporting contacts: CSV that Excel opens with æøå intact and that cannot smuggle formulas,
and vCards that phones and mail programs read; both streamed."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import vobject

from crm.audit.models import AuditEntry
from crm.contacts.csv_reading import parse_csv
from crm.contacts.exporting import (
    contacts_in_batches,
    export_csv,
    safe_cell,
    vcard,
)
from crm.contacts.import_fields import guess_mapping
from crm.contacts.importing import preview_import
from crm.contacts.models import Contact
from crm.contacts.services import (
    ContactFilter,
    filtered_contacts,
    save_organisation,
)
from crm.extensions import db
from crm.timeutil import utcnow
from tests.factories import journalist, politician


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def unfold(card: str) -> list[str]:
    return card.replace("\r\n ", "").split("\r\n")


# CSV -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"), ("+4791234567", "'+4791234567"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rx", "'\rx"),
    ("Ola", "Ola"), ("", ""), ("a=b", "a=b"), (" =1", " =1"),
])
def test_cells_that_a_spreadsheet_would_run_get_a_quote(value, expected):
    assert safe_cell(value) == expected


def test_csv_has_bom_semicolons_norwegian_letters_and_every_field(app):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    journalist("Åse Ødegård", org=nrk, title="Politisk reporter", region="Oslo",
               emails=["ase@nrk.no", "ase@privat.no"], phones=["91234567"],
               beats=["politikk", "helse"], tags=["viktig"], notes="Første linje\nandre; linje",
               consent_date=date(2026, 11, 23), opted_out=True, data_source="NTB")
    text = "".join(export_csv(filtered_contacts(ContactFilter())))
    header, row = read_csv(text)
    assert header[:3] == ["Name", "Kind", "Organisation"]
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == "Åse Ødegård" and record["Organisation"] == "NRK"
    assert record["Email"] == "ase@nrk.no, ase@privat.no"
    assert record["Phone"] == "'+4791234567"
    assert record["Beats / topics"] == "helse, politikk"
    assert record["Notes"] == "Første linje\nandre; linje"
    assert record["Consent date"] == "2026-11-23"
    assert record["Opted out of mailings"] == "yes"
    assert record["Source of the data"] == "NTB"
    assert "\r\n" in text  # Excel's line ends
    text.encode("utf-8")


def test_formula_injection_is_neutralised_in_every_column(app):
    for hostile in ("=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1,1)", "\t=1", "\r=1"):
        journalist(name=hostile, notes=hostile, title=hostile)
    rows = read_csv("".join(export_csv(filtered_contacts(ContactFilter()))))[1:]
    assert len(rows) == 6
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("other", [",", "\t", "\n"])
def test_no_split_at_another_delimiter_turns_a_note_into_a_formula(app, other):
    """Every field is quoted; and a spreadsheet that splits at the other delimiter (or breaks
    rows at newlines) still finds no cell that starts a formula."""
    hostile = ["Navn,=1+1,", "Navn, +47 22 00 00 00", "a;=cmd|' /C calc'!A0;b", "x\n=1+1",
               "Ærlig,\t@SUM(1)", "ok, -2+3"]
    journalist("Kari, =1+1", notes=hostile[0], title=hostile[2], region=hostile[3],
               address=hostile[4], social=hostile[5], phones=["+4791234567", "+4722000000"])
    text = "".join(export_csv(filtered_contacts(ContactFilter())))[1:]
    body = text.split("\r\n", 1)[1]
    assert body.startswith('"') and '";"' in body, "every field quoted"
    for line in text.split("\r\n") if other == "\n" else [text]:
        pieces = [cell for row in csv.reader(io.StringIO(line, newline=""), delimiter=other)
                  for cell in row] if other != "\n" else line.split("\n")
        for piece in pieces:
            cell = piece.strip('"').lstrip(" \t")
            assert not cell.startswith(FORMULA_STARTS), repr(piece)
    row = dict(zip(*read_csv("\ufeff" + text), strict=True))
    assert row["Notes"] == "Navn,'=1+1," and row["Name"] == "Kari, '=1+1"
    assert row["Phone"] == "'+4791234567, '+4722000000"


def test_export_round_trips_through_the_import(app):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    journalist("Åse Ødegård", org=nrk, emails=["ase@nrk.no"], phones=["91234567", "22000000"],
               beats=["politikk"], tags=["viktig"], notes="=SUM(1), @x;-1", region="Vestland")
    politician("Jonas Gahr Støre", office="statsminister")
    data = "".join(export_csv(filtered_contacts(ContactFilter()))).encode("utf-8")
    parsed = parse_csv(data)
    assert parsed.delimiter == ";" and parsed.encoding == "UTF-8 with BOM"
    mapping = guess_mapping(parsed.headers)
    assert mapping[:4] == ["name", "kind", "organisation", "title"]
    preview = preview_import(parsed, mapping, "official")
    rows = {r.data.name: r for r in preview.rows}
    ase = rows["Åse Ødegård"]
    assert ase.ok and sorted(ase.data.phones) == ["+4722000000", "+4791234567"]
    assert ase.data.notes == "=SUM(1), @x;-1"
    assert ase.data.kind == "journalist" and ase.organisation == "NRK"
    assert ase.data.beats == ["politikk"] and ase.data.tags == ["viktig"]
    assert rows["Jonas Gahr Støre"].data.kind == "politician"
    assert all(r.duplicates for r in preview.rows)  # they are the same people


def test_export_uses_the_list_filters(as_editor):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    journalist("Kari Nordmann", org=nrk, beats=["helse"])
    journalist("Ola Nordmann", beats=["politikk"])
    politician("Jonas Støre")
    response = as_editor.get("/contacts/export.csv?kind=journalist&beat=helse&page=3")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('.csv"')
    rows = read_csv(response.get_data(as_text=True))
    assert [r[0] for r in rows[1:]] == ["Kari Nordmann"]
    rows = read_csv(as_editor.get("/contacts/export.csv?q=støre").get_data(as_text=True))
    assert [r[0] for r in rows[1:]] == ["Jonas Støre"]
    rows = read_csv(as_editor.get(f"/contacts/export.csv?organisation={nrk.id}")
                    .get_data(as_text=True))
    assert [r[0] for r in rows[1:]] == ["Kari Nordmann"]


def test_export_buttons_carry_the_filters(as_editor):
    page = as_editor.get("/contacts?kind=politician&q=st%C3%B8re&page=2").get_data(as_text=True)
    assert "/contacts/export.csv?kind=politician&amp;q=st%C3%B8re" in page
    assert "page=2" not in page.split("export.csv")[1].split('"')[0]
    assert "/contacts/export.vcf?" in page


def test_erased_contacts_are_not_exported(as_editor):
    journalist("Synlig")
    gone = journalist("Slettet Person")
    gone.erased_at = utcnow()
    db.session.commit()
    rows = read_csv(as_editor.get("/contacts/export.csv").get_data(as_text=True))
    assert [r[0] for r in rows[1:]] == ["Synlig"]
    assert "Slettet" not in as_editor.get("/contacts/export.vcf").get_data(as_text=True)
    assert as_editor.get(f"/contacts/{gone.id}/vcard").status_code == 404


@pytest.mark.slow
def test_exports_are_streamed_in_batches_and_keep_the_order(app, as_editor):
    db.session.add_all([Contact(kind="journalist", name=f"Person {i:04d}",
                                sort_name=f"person {i:04d}", search_text=f"person {i:04d}")
                        for i in range(1203)])
    db.session.commit()
    names = [c.name for c in contacts_in_batches(filtered_contacts(ContactFilter()), batch=100)]
    assert names == [f"Person {i:04d}" for i in range(1203)]
    pieces = list(export_csv(filtered_contacts(ContactFilter())))
    assert len(pieces) == 1 + 3  # header, then one piece per 500 rows
    response = as_editor.get("/contacts/export.csv")
    assert response.is_streamed
    assert len(read_csv(response.get_data(as_text=True))) == 1204
    cards = as_editor.get("/contacts/export.vcf").get_data(as_text=True)
    assert cards.count("BEGIN:VCARD") == 1203


def test_bulk_exports_are_for_editors_and_are_audited(as_viewer, users):
    journalist("Kari")
    assert as_viewer.get("/contacts/export.csv").status_code == 403
    assert as_viewer.get("/contacts/export.vcf").status_code == 403
    assert "export.csv" not in as_viewer.get("/contacts").get_data(as_text=True)


def test_bulk_export_is_written_to_the_audit_log(as_editor, users):
    journalist("Kari")
    as_editor.get("/contacts/export.csv?kind=journalist").get_data()
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.user_id == users["editor"].id
    assert entry.changes == {"format": "csv", "count": 1, "filters": {"kind": "journalist"}}


# vCard -----------------------------------------------------------------------------------

def test_vcard_escaping(app):
    # Not stored: PostgreSQL text cannot hold the NUL that the card must drop.
    card = vcard(Contact(kind="journalist", name="Kari", notes="a,b;c\\d\ne\r\nf\x00g"))
    assert "NOTE:a\\,b\\;c\\\\d\\ne\\nfg" in unfold(card)


@pytest.mark.parametrize("notes", [
    "x" * 200, "æøå" * 100, "😀" * 60, "😀" * 10, "a" * 69 + "ø" * 3, "kort",
])
def test_folding_keeps_lines_within_75_octets_and_characters_whole(app, notes):
    card = vcard(journalist("Åse Ødegård", notes=notes))
    physical = card.encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    for piece in physical:
        piece.decode("utf-8")  # each physical line is whole UTF-8
    assert f"NOTE:{notes}" in unfold(card)


def test_vcards_read_back_by_a_real_parser(app):
    nrk = save_organisation(None, name="NRK, Marienlyst; Oslo", kind="outlet")
    notes = "Linje 1\nLinje 2 med \\ og ; og , " + "😀æøå " * 30 + "slutt"
    contact = journalist("Åse Marie Ødegård", org=nrk, title="Reporter", phones=["91234567"],
                         emails=["ase@nrk.no"], beats=["klima og miljø"],
                         tags=["viktig, kanskje"], notes=notes,
                         address="Bjørnstjerne Bjørnsons plass 1\n0340 Oslo")
    cards = list(vobject.readComponents(vcard(contact) + vcard(journalist("Ola"))))
    assert len(cards) == 2
    card = cards[0]
    assert card.fn.value == "Åse Marie Ødegård"
    assert (card.n.value.family, card.n.value.given) == ("Ødegård", "Åse Marie")
    assert card.org.value == ["NRK, Marienlyst; Oslo"]
    assert card.note.value == notes
    assert card.categories.value == ["klima og miljø", "viktig, kanskje"]
    assert card.adr.value.street == "Bjørnstjerne Bjørnsons plass 1\n0340 Oslo"
    assert card.tel.value == "+4791234567" and card.email.value == "ase@nrk.no"
    assert card.uid.value == f"urn:pressdesk:contact:{contact.id}"


def test_vcard_of_a_contact(app):
    nrk = save_organisation(None, name="NRK, Marienlyst; Oslo", kind="outlet")
    contact = journalist(
        "Åse Marie Ødegård", org=nrk, title="Reporter", office="Vaktsjef",
        emails=["ase@nrk.no", "ase@privat.no"], phones=["91234567", "22334455"],
        beats=["klima og miljø"], tags=["viktig, kanskje"],
        notes="Linje 1\nLinje 2 med \\ og ; og , " + "lang " * 40,
        address="Bjørnstjerne Bjørnsons plass 1\n0340 Oslo")
    card = vcard(contact)
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and card.endswith("END:VCARD\r\n")
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))
    lines = unfold(card)
    assert "N:Ødegård;Åse Marie;;;" in lines
    assert "FN:Åse Marie Ødegård" in lines
    assert "ORG:NRK\\, Marienlyst\\; Oslo" in lines
    assert "TITLE:Reporter\\, Vaktsjef" in lines
    assert "EMAIL;TYPE=INTERNET,PREF:ase@nrk.no" in lines
    assert "EMAIL;TYPE=INTERNET:ase@privat.no" in lines
    assert "TEL;TYPE=CELL,VOICE,PREF:+4791234567" in lines
    assert "TEL;TYPE=VOICE:+4722334455" in lines
    assert "CATEGORIES:klima og miljø,viktig\\, kanskje" in lines  # one tag with a comma
    note = next(line for line in lines if line.startswith("NOTE:"))
    assert note.startswith("NOTE:Linje 1\\nLinje 2 med \\\\ og \\; og \\, lang")
    assert "ADR;TYPE=WORK:;;Bjørnstjerne Bjørnsons plass 1\\n0340 Oslo;;;;" in lines


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "Robert'); DROP TABLE contact;--", "😀 Emoji", "Ola\x07Bell",
])
def test_vcard_survives_hostile_names(app, hostile):
    contact = journalist(hostile)
    card = vcard(contact)
    assert "\x07" not in card
    assert "BEGIN:VCARD" in card and card.count("END:VCARD") == 1


def test_one_contact_as_vcard_from_the_contact_page(as_viewer):
    contact = journalist("Åse Ødegård", emails=["ase@nrk.no"])
    page = as_viewer.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert f"/contacts/{contact.id}/vcard" in page
    response = as_viewer.get(f"/contacts/{contact.id}/vcard")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    assert 'filename="ase-odegard.vcf"' in response.headers["Content-Disposition"]
    assert "FN:Åse Ødegård" in response.get_data(as_text=True)
    assert as_viewer.get("/contacts/999999/vcard").status_code == 404
