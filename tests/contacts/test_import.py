"""Importing contacts from CSV: reading any spreadsheet export, mapping columns, previewing
every row with its errors and likely duplicates, and storing all chosen rows or nothing."""

from __future__ import annotations

import io
import os
import random
import re
import time

import pytest

from crm.audit.models import AuditEntry
from crm.contacts import import_store
from crm.contacts.csv_reading import ImportFileError, parse_csv
from crm.contacts.import_fields import guess_mapping
from crm.contacts.importing import preview_import, run_import
from crm.contacts.models import Contact, Organisation, Tag
from crm.contacts.services import ContactData, create_contact, save_organisation
from crm.extensions import db
from tests.support import PASSWORD, login

HEADER = "Navn;E-post;Telefon;Redaksjon;Stilling;Stoffområde;Merknad"


@pytest.fixture(autouse=True)
def private_instance(app, tmp_path):
    """Pending uploads go to a temporary instance folder, not the checkout's."""
    app.instance_path = str(tmp_path)
    return tmp_path


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def preview(data: bytes, kind: str = "journalist", mapping=None, source: str = ""):
    parsed = parse_csv(data)
    return preview_import(parsed, mapping or guess_mapping(parsed.headers), kind, source)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def names() -> list[str]:
    return sorted(db.session.scalars(db.select(Contact.name)))


# Reading files --------------------------------------------------------------------------

def test_excel_on_norwegian_windows_windows_1252_and_semicolons(app):
    data = csv_file(HEADER, "Åse Ødegård;ase@nrk.no;912 34 567;NRK;Reporter;politikk;Ærlig",
                    encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = parse_csv(data)
    assert parsed.encoding == "Windows-1252"
    assert parsed.delimiter == ";"
    assert parsed.headers[5] == "Stoffområde"
    assert parsed.rows == [(2, ["Åse Ødegård", "ase@nrk.no", "912 34 567", "NRK", "Reporter",
                                "politikk", "Ærlig"])]


def test_utf8_with_bom_and_commas(app):
    data = "\ufeffName,Email,Outlet\r\nKåre Æsøy,kare@vg.no,VG\r\n".encode()
    parsed = parse_csv(data)
    assert parsed.encoding == "UTF-8 with BOM"
    assert parsed.headers == ["Name", "Email", "Outlet"]
    assert parsed.rows[0][1][0] == "Kåre Æsøy"


def test_utf8_without_bom_tabs_and_quoted_newlines(app):
    data = 'Navn\tMerknad\r\n"Ola Nordmann"\t"første linje\nandre; linje"\r\n\r\nKari\tok\r\n'
    parsed = parse_csv(data.encode())
    assert parsed.encoding == "UTF-8" and parsed.delimiter == "\t"
    # Spreadsheet row numbers: the header is row 1, a blank row still counts.
    assert [n for n, _cells in parsed.rows] == [2, 4]
    assert parsed.rows[0][1][1] == "første linje\nandre; linje"


def test_utf16_unicode_text_from_excel(app):
    data = "Navn\tE-post\r\nØystein\toy@nrk.no\r\n".encode("utf-16")
    parsed = parse_csv(data)
    assert parsed.encoding == "UTF-16" and parsed.rows[0][1] == ["Øystein", "oy@nrk.no"]


def test_bytes_outside_windows_1252_are_read_as_the_likelier_8_bit_text(app):
    # 0x81 is undefined in Windows-1252; in Mac Roman it is "Å", in Latin-1 a control code.
    data = b"Navn;Merknad\r\nOla;abc\x81def\r\n"
    parsed = parse_csv(data)
    assert parsed.encoding == "Mac Roman" and parsed.rows[0][1][1] == "abcÅdef"
    # With Windows-1252 letters beside it (ø as 0xF8, which Mac Roman reads as "¯"): Latin-1,
    # and the control character is pointed out.
    parsed = parse_csv(b"Navn;Merknad\r\nOla;abc\x81def\r\nS\xf8rensen;Gr\xf8nn\r\n")
    assert parsed.encoding == "Latin-1"
    assert any("wrongly decoded" in str(note) for note in parsed.notes)


def test_single_column_file(app):
    parsed = parse_csv(csv_file("Navn", "Ola Nordmann", "Kari Nordmann"))
    assert parsed.headers == ["Navn"] and len(parsed.rows) == 2


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"   \r\n\r\n  ", "empty"),
    (b"Navn;E-post\r\n", "no contacts"),
    (b"Navn;E-post\r\n;\r\n;;\r\n", "no contacts"),
    (random.Random(7).randbytes(5000), "not a text file"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Excel workbook"),
    (b"%PDF-1.7\n", "PDF"),
    (b"Navn\x00;E-post\r\nOla;a@b.no\r\n", "not a text file"),
    (("Navn;" * 499 + "Navn\r\nOla\r\n").encode(), "500 columns"),
    (("Navn;Merknad\r\nOla;" + "x" * 140_000 + "\r\n").encode(), "row 2"),
    (("Navn;Merknad\r\nOla;" + "x" * 110_000 + "\r\n").encode(), "Row 2"),
])
def test_unreadable_files_give_a_clear_message(app, data, message):
    with pytest.raises(ImportFileError) as info:
        parse_csv(data)
    assert message in str(info.value)


def test_size_and_row_caps(app):
    with pytest.raises(ImportFileError, match="too large"):
        parse_csv(b"Navn\r\n" + b"Ola\r\n" * 100, max_bytes=100)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        parse_csv(csv_file("Navn", "A", "B", "C", "D"), max_rows=3)


# Mapping --------------------------------------------------------------------------------

@pytest.mark.parametrize("header,field", [
    ("Navn", "name"), ("Name", "name"), ("Fullt navn", "name"), ("Fornavn", "first_name"),
    ("Etternavn", "last_name"), ("E-post", "emails"), ("Epost", "emails"),
    ("E-mail", "emails"), ("E-post 2", "emails"), ("E-postadresse jobb", "emails"),
    ("Telefon", "phones"), ("Mobil", "phones"), ("Tlf.", "phones"), ("Phone", "phones"),
    ("Telefon (mobil)", "phones"), ("Redaksjon", "organisation"), ("Medium", "organisation"),
    ("Outlet", "organisation"), ("Organisasjon", "organisation"), ("Parti", "organisation"),
    ("Stilling", "title"), ("Tittel", "title"), ("Title", "title"),
    ("Stoffområde", "beats"), ("Beat", "beats"), ("Region", "region"), ("Fylke", "region"),
    ("Merknad", "notes"), ("Notes", "notes"), ("Tags", "tags"), ("Stikkord", "tags"),
    ("Verv", "office"), ("Valgkrets", "constituency"), ("Komité", "committee"),
    ("Type", "kind"), ("Språk", "preferred_language"), ("Kilde", "data_source"),
    ("Twitter", "social"), ("Adresse", "address"), ("Reservert", "opted_out"),
    ("Samtykkedato", "consent_date"), ("Behandlingsgrunnlag", "lawful_basis"),
    ("Skonummer", ""), ("", ""), ("<script>", ""),
])
def test_mapping_is_guessed_from_norwegian_and_english_headers(header, field):
    assert guess_mapping([header]) == [field]


def test_a_single_value_field_is_guessed_once_and_multi_fields_repeat():
    assert guess_mapping(["Navn", "Name", "Telefon", "Mobil", "Stilling", "Tittel"]) == \
        ["name", "", "phones", "phones", "title", ""]


def test_mapping_without_a_name_column_is_refused(app):
    result = preview(csv_file("E-post", "a@b.no"))
    assert result.problems and "name" in result.problems[0]
    assert result.rows == []
    mapped_twice = preview(csv_file("A;B", "x;y"), mapping=["name", "name"])
    assert "more than one column" in mapped_twice.problems[0]


def test_user_mapping_overrides_the_guess_and_first_and_last_names_combine(app):
    data = csv_file("Fornavn;Etternavn;Info", "Kari;Nordmann;kari@nrk.no")
    result = preview(data, mapping=["first_name", "last_name", "emails"])
    row = result.rows[0]
    assert row.ok and row.data.name == "Kari Nordmann" and row.data.emails == ["kari@nrk.no"]


# Preview ---------------------------------------------------------------------------------

def test_preview_shows_rows_as_stored_and_every_error_with_its_row_number(app):
    data = csv_file(
        HEADER,
        "  Åse   Ødegård ;ASE@NRK.NO, ase@privat.no;912 34 567;NRK;Reporter;Politikk, Helse;",
        ";ola@nrk.no;;NRK;;;",
        "Per;per@;12;VG;;;",
        "Kari;kari@vg.no;+46 8 123 456 78;VG;;;")
    result = preview(data)
    first, nameless, broken, swedish = result.rows
    assert first.ok and first.number == 2
    assert first.data.name == "Åse Ødegård"
    assert first.data.emails == ["ase@nrk.no", "ase@privat.no"]
    assert first.data.phones == ["+4791234567"]
    assert first.data.beats == ["politikk", "helse"]
    assert first.organisation == "NRK"
    assert nameless.number == 3 and nameless.errors == ["The name is missing."]
    assert broken.number == 4 and len(broken.errors) == 2
    assert "per@" in broken.errors[0] and "12" in broken.errors[1]
    assert swedish.ok and swedish.data.phones == ["+46812345678"]
    assert len(result.valid_rows) == 2 and len(result.invalid_rows) == 2
    assert result.new_organisations == ["NRK", "VG"]
    assert count(Contact) == 0 and count(Organisation) == 0  # a preview stores nothing


def test_kind_per_import_or_from_a_column(app):
    data = csv_file("Navn;Type;Parti", "Jonas;Politiker;Arbeiderpartiet", "Erna;;Høyre",
                    "Kari;journalist;", "Ola;astronaut;")
    result = preview(data, kind="official")
    kinds = [(r.data.kind if r.ok else r.errors[0]) for r in result.rows]
    assert kinds[:3] == ["politician", "official", "journalist"]
    assert "astronaut" in kinds[3]


def test_other_values_language_basis_consent_opt_out(app):
    data = csv_file("Navn;Språk;Behandlingsgrunnlag;Samtykkedato;Reservert",
                    "A;nynorsk;samtykke;23.11.2026;ja", "B;;;;", "C;klingon;x;31.02.2026;kanskje")
    a, b, c = preview(data).rows
    assert (a.data.preferred_language, a.data.lawful_basis, str(a.data.consent_date),
            a.data.opted_out) == ("nn", "consent", "2026-11-23", True)
    assert (b.data.preferred_language, b.data.lawful_basis, b.data.opted_out) == \
        ("nb", "legitimate_interest", False)
    assert len(c.errors) == 4


def test_a_row_with_500_columns_is_a_row_error_not_a_crash(app):
    data = csv_file("Navn;E-post;Merknad", "Ola;ola@nrk.no;hei",
                    "Kari;kari@nrk.no;" + ";".join(["x"] * 498), "Per;;" + ";" * 10)
    ola, kari, per = preview(data).rows
    assert ola.ok and per.ok  # trailing empty cells, as Excel writes them, are fine
    assert "Columns in this row: 500; in the header: 3." in kari.errors[0]


def test_very_long_cells_are_errors_not_silent_truncation(app):
    data = csv_file("Navn;Stilling;Merknad", "x" * 201 + ";;", "Ola;" + "t" * 201 + ";",
                    "Kari;;" + "n" * 20_001, "Per;;" + "n" * 20_000)
    long_name, long_title, long_notes, fine = preview(data).rows
    assert "200" in long_name.errors[0]
    assert "200" in long_title.errors[0]
    assert "20000" in long_notes.errors[0]
    assert fine.ok and len(fine.data.notes) == 20_000


def test_formula_guard_from_our_own_export_is_undone(app):
    data = csv_file("Navn;Telefon;Merknad", "'=Ola;'+4791234567;'-minus")
    row = preview(data).rows[0]
    assert row.ok and row.data.name == "=Ola" and row.data.phones == ["+4791234567"]
    assert row.data.notes == "-minus"


# Duplicates -----------------------------------------------------------------------------

def test_duplicates_of_existing_contacts_and_of_earlier_rows(app):
    nrk = save_organisation(None, name="NRK", kind="outlet")
    create_contact(ContactData(kind="journalist", name="Åse Ødegård", organisation_id=nrk.id,
                               emails=["ase@nrk.no"], phones=["91234567"]))
    data = csv_file(
        HEADER,
        "Helt Annen;ASE@nrk.no;;;;;",  # 2: same email (case differs)
        "Noen;;+47 912 34 567;;;;",  # 3: same phone, written differently
        "Aase Odegard;;;nrk;;;",  # 4: same folded name, same organisation (case differs)
        "Åse Ødegård;;;VG;;;",  # 5: same name, other organisation: not a duplicate
        "Ny Person;ny@vg.no;;VG;;;",  # 6
        "Ny Person;;;VG;;;",  # 7: same name and organisation as row 6
        "Tredje;ny@vg.no;;;;;")  # 8: same email as row 6
    rows = {r.number: r for r in preview(data).rows}
    reasons = {n: [(d.reason, d.contact_id or d.row) for d in r.duplicates]
               for n, r in rows.items()}
    contact_id = db.session.scalar(db.select(Contact.id))
    assert reasons == {2: [("email", contact_id)], 3: [("phone", contact_id)],
                       4: [("name", contact_id)], 5: [], 6: [], 7: [("name", 6)],
                       8: [("email", 6)]}


def test_duplicates_are_skipped_unless_chosen(app):
    create_contact(ContactData(kind="journalist", name="Kari", emails=["kari@nrk.no"]))
    data = csv_file("Navn;E-post", "Kari N;kari@nrk.no", "Ola;ola@nrk.no", "Per;kari@nrk.no")
    result = run_import(preview(data))
    assert result.committed and result.created == 1
    assert [r.number for r in result.skipped_duplicates] == [2, 4]
    assert names() == ["Kari", "Ola"]
    # Now Ola is known too: only the chosen row 4 goes in.
    result = run_import(preview(data), import_duplicates={4})
    assert result.created == 1 and names() == ["Kari", "Ola", "Per"]
    result = run_import(preview(data), import_duplicates=True)
    assert result.created == 3


# Storing ---------------------------------------------------------------------------------

def test_all_valid_rows_are_stored_with_organisations_matched_or_created(app):
    save_organisation(None, name="NRK", kind="outlet")
    data = csv_file(
        "Navn;E-post;Telefon;Redaksjon;Stoffområde;Tags",
        "Åse Ødegård;ase@nrk.no;91234567;nrk;politikk;Viktig, Oslo",
        "Bjørn Ås;bjorn@db.no;;Dagbladet;helse;viktig",
        "Cecilie Ek;cecilie@db.no;;DAGBLADET;;")
    result = run_import(preview(data, source="Liste fra NTB"))
    assert result.committed and result.created == 3
    assert result.organisations_created == ["Dagbladet"]
    orgs = {o.name: o for o in db.session.scalars(db.select(Organisation))}
    assert set(orgs) == {"NRK", "Dagbladet"} and orgs["Dagbladet"].kind == "outlet"
    ase = db.session.scalar(db.select(Contact).where(Contact.name == "Åse Ødegård"))
    assert ase.organisation.name == "NRK" and ase.primary_phone == "+4791234567"
    assert [t.name for t in ase.tags] == ["oslo", "viktig"]
    assert ase.data_source == "Liste fra NTB"
    assert "odegard" in ase.search_text and "91234567" in ase.search_text
    assert count(Tag) == 2
    assert len(orgs["Dagbladet"].contacts) == 2


def test_new_parties_and_ministries_get_the_right_kind(app):
    run_import(preview(csv_file("Navn;Parti", "Jonas;Arbeiderpartiet"), kind="politician"))
    run_import(preview(csv_file("Navn;Etat", "Kari;Finansdepartementet", "Ola;Datatilsynet"),
                       kind="official"))
    kinds = dict(db.session.execute(db.select(Organisation.name, Organisation.kind)).all())
    assert kinds == {"Arbeiderpartiet": "party", "Finansdepartementet": "ministry",
                     "Datatilsynet": "agency"}


def test_nothing_is_half_imported(app):
    data = csv_file("Navn;E-post;Redaksjon", "Ola;ola@nrk.no;NRK", "Kari;broken@;VG",
                    ";;Nationen", "Per;per@vg.no;VG")
    result = run_import(preview(data))
    assert not result.committed
    assert "2 rows have errors" in result.problems[0]
    assert [r.number for r in result.skipped_invalid] == [3, 4]
    assert count(Contact) == 0 and count(Organisation) == 0

    result = run_import(preview(data), skip_invalid=True)
    assert result.committed and result.created == 2
    assert names() == ["Ola", "Per"]
    assert sorted(result.organisations_created) == ["NRK", "VG"]


def test_a_failure_while_storing_rolls_everything_back(app, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from crm.contacts import importing

    real = importing.insert_contacts
    calls = []

    def failing(items, tag_ids, user_id=None):
        calls.append(items)
        if len(calls) == 3:
            raise IntegrityError("INSERT", {}, Exception("disk full"))
        return real(items, tag_ids, user_id=user_id)

    monkeypatch.setattr(importing, "insert_contacts", failing)
    monkeypatch.setattr(importing, "BATCH", 1)
    data = csv_file("Navn;Redaksjon;Tags", "A;Ny Avis;ny", "B;;", "C;;", "D;;")
    result = run_import(preview(data))
    assert not result.committed and "nothing was stored" in result.problems[0]
    assert len(calls) == 3
    assert count(Contact) == 0 and count(Organisation) == 0 and count(Tag) == 0


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>", "Robert'); DROP TABLE contact;--", "😀 Emoji Ølstad",
    "1 OR 1=1", "\u202eevil", "Ærlig Åsmund Ødegård",
])
def test_hostile_text_is_stored_as_text(app, hostile):
    data = csv_file("Navn;Merknad;Redaksjon", f'"{hostile}";"{hostile}";"{hostile}"')
    result = run_import(preview(data))
    assert result.committed
    contact = db.session.scalar(db.select(Contact))
    assert contact.name == hostile and contact.notes == hostile
    assert contact.organisation.name == hostile


@pytest.mark.slow
def test_ten_thousand_rows(app):
    lines = ["Navn;E-post;Telefon;Redaksjon;Stoffområde"]
    for i in range(10_000):
        lines.append(f"Journalist Ødegård {i};j{i}@avis{i % 50}.no;4{i:07d};Avis {i % 50};"
                     f"politikk, tema {i % 7}")
    lines.append("Feil;ikke-epost;;;")
    data = csv_file(*lines, encoding="cp1252")
    result = preview(data)
    assert len(result.valid_rows) == 10_000 and len(result.invalid_rows) == 1
    assert result.invalid_rows[0].number == 10_002
    assert len(result.new_organisations) == 50
    progress = []
    outcome = run_import(result, skip_invalid=True,
                         progress=lambda done, total: progress.append((done, total)))
    assert outcome.committed and outcome.created == 10_000
    assert progress[-1] == (10_000, 10_000) and len(progress) == 20
    assert count(Contact) == 10_000
    # Importing the same file again finds every row as a duplicate.
    again = preview(data)
    assert len(again.duplicate_rows) == 10_000


# The web steps ---------------------------------------------------------------------------

def upload(client, data: bytes, filename="kontakter.csv", kind="journalist"):
    return client.post("/contacts/import", data={
        "file": (io.BytesIO(data), filename), "kind": kind},
        content_type="multipart/form-data")


def token_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].split("/contacts/import/")[1].split("?")[0]


def form_for(preview_page_mapping: list[str], **extra) -> dict:
    data = {f"map-{i}": key for i, key in enumerate(preview_page_mapping)}
    data.update({"kind": "journalist", "source": "Test"}, **extra)
    return data


def test_upload_map_preview_confirm(as_editor, users, private_instance):
    data = csv_file(HEADER, "Åse Ødegård;ase@nrk.no;912 34 567;NRK;Reporter;politikk;",
                    "Ola;ola@;;VG;;;", encoding="cp1252")
    token = token_of(upload(as_editor, data))
    assert (private_instance / "imports" / f"{token}.csv").read_bytes() == data

    page = as_editor.get(f"/contacts/import/{token}?kind=journalist").get_data(as_text=True)
    assert "Stoffområde" in page and "Windows-1252" in page
    assert '<option value="beats" selected>' in page

    mapping = guess_mapping(HEADER.split(";"))
    page = as_editor.post(f"/contacts/import/{token}/preview", data=form_for(mapping))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Åse Ødegård" in text and "+47 912 34 567" in text
    assert "ola@" in text and "Import only the valid rows (1), skip those with errors (1)" in text

    refused = as_editor.post(f"/contacts/import/{token}/confirm", data=form_for(mapping))
    assert refused.status_code == 400 and "nothing was imported" in refused.get_data(True)
    assert count(Contact) == 0

    done = as_editor.post(f"/contacts/import/{token}/confirm",
                          data=form_for(mapping, skip_invalid="1"))
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Import finished" in text
    assert names() == ["Åse Ødegård"]
    contact_id = db.session.scalar(db.select(Contact.id))
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity_type == "contact"))
    assert (entry.action, entry.entity_id, entry.user_id) == ("create", contact_id,
                                                              users["editor"].id)
    assert entry.changes["name"] == "Åse Ødegård" and entry.changes["search_text"] == "(changed)"
    assert not (private_instance / "imports" / f"{token}.csv").exists()
    assert as_editor.get(f"/contacts/import/{token}").status_code == 404


def test_duplicate_choice_per_row_in_the_web_form(as_editor):
    create_contact(ContactData(kind="journalist", name="Kari", emails=["kari@nrk.no"]))
    data = csv_file("Navn;E-post", "Kari 2;kari@nrk.no", "Kari 3;kari@nrk.no", "Ola;o@nrk.no")
    token = token_of(upload(as_editor, data))
    page = as_editor.post(f"/contacts/import/{token}/preview", data=form_for(["name", "emails"]))
    text = page.get_data(as_text=True)
    assert 'name="import_row" value="2"' in text and 'name="import_row" value="3"' in text
    as_editor.post(f"/contacts/import/{token}/confirm",
                   data=form_for(["name", "emails"], import_row="3"))
    assert names() == ["Kari", "Kari 3", "Ola"]


def test_html_in_the_file_is_shown_escaped(as_editor):
    data = csv_file("Navn;<b>Kolonne</b>", "<script>alert(1)</script>;<img src=x onerror=y>")
    token = token_of(upload(as_editor, data))
    mapping_page = as_editor.get(f"/contacts/import/{token}").get_data(as_text=True)
    preview_page = as_editor.post(f"/contacts/import/{token}/preview",
                                  data=form_for(["name", "notes"])).get_data(as_text=True)
    for page in (mapping_page, preview_page):
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>Kolonne" \
            not in page


@pytest.mark.parametrize("data,filename,message", [
    (b"", "tom.csv", "empty"),
    (b"Navn;E-post\r\n", "header.csv", "no contacts"),
    (b"PK\x03\x04" + bytes(100), "kontakter.csv", "Excel workbook"),
    (random.Random(3).randbytes(3000), "garbage.csv", "not a text file"),
])
def test_bad_uploads_are_refused_with_a_message(as_editor, private_instance, data, filename,
                                                message):
    response = upload(as_editor, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert not (private_instance / "imports").exists() or \
        not list((private_instance / "imports").iterdir())


def test_every_step_needs_the_csrf_token(make_app, users, tmp_path):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    guarded.instance_path = str(tmp_path)
    client = guarded.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": users["editor"].email, "password": PASSWORD,
                                "csrf_token": csrf})
    assert 'name="csrf_token"' in client.get("/contacts/import").get_data(as_text=True)
    assert upload(client, csv_file("Navn", "Ola")).status_code == 400
    response = client.post("/contacts/import", data={
        "file": (io.BytesIO(csv_file("Navn", "Ola")), "a.csv"), "csrf_token": csrf},
        content_type="multipart/form-data")
    token = token_of(response)
    assert client.post(f"/contacts/import/{token}/confirm",
                       data=form_for(["name"])).status_code == 400
    assert count(Contact) == 0


def test_upload_without_a_file(as_editor):
    response = as_editor.post("/contacts/import", data={"kind": "journalist"})
    assert response.status_code == 400 and "Choose a CSV file" in response.get_data(True)


def test_oversized_uploads(make_app, users, tmp_path):
    small = make_app(MAX_CONTENT_LENGTH=2000)
    small.instance_path = str(tmp_path)
    client = small.test_client()
    login(client, users["editor"].email)
    response = upload(client, b"Navn\r\n" + b"Ola Nordmann\r\n" * 500)
    assert response.status_code == 413

    capped = make_app(CRM_IMPORT_MAX_BYTES=1000)
    capped.instance_path = str(tmp_path)
    client = capped.test_client()
    login(client, users["editor"].email)
    response = upload(client, b"Navn\r\n" + b"Ola Nordmann\r\n" * 100)
    assert response.status_code == 400 and "too large" in response.get_data(as_text=True)


def test_mapping_problems_send_the_user_back_to_the_mapping(as_editor):
    token = token_of(upload(as_editor, csv_file("Navn;E-post", "Ola;o@nrk.no")))
    response = as_editor.post(f"/contacts/import/{token}/preview", data=form_for(["", "emails"]))
    assert response.status_code == 400
    assert "Choose the column that holds the name" in response.get_data(as_text=True)
    response = as_editor.post(f"/contacts/import/{token}/confirm", data=form_for(["", "emails"]))
    assert response.status_code == 400 and count(Contact) == 0


def test_only_the_uploader_may_use_a_pending_file(client, users):
    login(client, users["editor"].email)
    token = token_of(upload(client, csv_file("Navn", "Ola")))
    client.post("/logout")
    login(client, users["admin"].email)
    assert client.get(f"/contacts/import/{token}").status_code == 404
    assert client.post(f"/contacts/import/{token}/confirm",
                       data=form_for(["name"])).status_code == 404
    for bad in ("../../secret_key", "x" * 40, "%00", "a" * 65):
        assert client.get(f"/contacts/import/{bad}").status_code in (400, 404)  # 400: the NUL
    assert count(Contact) == 0


def test_only_the_uploader_may_cancel_and_a_double_confirm_imports_once(
        client, users, private_instance):
    from tests.factories import make_user
    make_user("editor2@example.no", "editor")
    login(client, users["editor"].email)
    token = token_of(upload(client, csv_file("Navn", "Ola Ærlig")))
    client.post("/logout")
    login(client, "editor2@example.no")
    assert client.post(f"/contacts/import/{token}/cancel").status_code == 404
    assert client.post(f"/contacts/import/{token}/confirm",
                       data=form_for(["name"])).status_code == 404
    client.post("/logout")
    login(client, users["editor"].email)
    assert import_store.load_upload(token, user_id=users["editor"].id) is not None
    first = client.post(f"/contacts/import/{token}/confirm", data=form_for(["name"]))
    assert first.status_code == 200 and count(Contact) == 1
    second = client.post(f"/contacts/import/{token}/confirm", data=form_for(["name"]),
                         follow_redirects=True)
    assert "already been imported" in second.get_data(as_text=True)
    assert count(Contact) == 1


def test_a_claim_is_taken_once_and_given_back_when_nothing_was_stored(app, private_instance):
    token = import_store.save_upload(b"Navn\r\nOla\r\n", user_id=1, filename="a.csv")
    assert import_store.claim_upload(token, user_id=2) is None  # not theirs
    assert import_store.claim_upload(token, user_id=1) is not None
    assert import_store.claim_upload(token, user_id=1) is None  # the double click
    assert import_store.is_claimed_by(token, user_id=1)
    import_store.release_claim(token)
    assert import_store.claim_upload(token, user_id=1) is not None
    assert not import_store.discard_upload(token, user_id=2)
    assert import_store.discard_upload(token, user_id=1)
    assert list((private_instance / "imports").iterdir()) == []


def test_viewers_cannot_import(as_viewer):
    assert as_viewer.get("/contacts/import").status_code == 403
    assert upload(as_viewer, csv_file("Navn", "Ola")).status_code == 403
    assert count(Contact) == 0


def test_cancel_deletes_the_upload(as_editor, private_instance):
    token = token_of(upload(as_editor, csv_file("Navn", "Ola")))
    response = as_editor.post(f"/contacts/import/{token}/cancel")
    assert response.status_code == 302
    assert list((private_instance / "imports").iterdir()) == []


def test_uploads_older_than_a_day_are_swept(app, private_instance):
    token = import_store.save_upload(b"Navn\r\nOla\r\n", user_id=1, filename="a.csv")
    assert import_store.load_upload(token, user_id=1).data == b"Navn\r\nOla\r\n"
    old = time.time() - 2 * 24 * 3600
    for path in (private_instance / "imports").iterdir():
        os.utime(path, (old, old))
    assert import_store.load_upload(token, user_id=1) is None
    assert list((private_instance / "imports").iterdir()) == []


def test_the_import_page_is_reachable_from_the_contact_list(as_editor):
    page = as_editor.get("/contacts").get_data(as_text=True)
    assert "/contacts/import" in page and "/contacts/duplicates" in page


# The command line ------------------------------------------------------------------------

def test_import_command_dry_run_then_for_real(runner, tmp_path):
    path = tmp_path / "politikere.csv"
    path.write_bytes(csv_file("Navn;Parti;Mobil", "Jonas Gahr Støre;Arbeiderpartiet;91234567",
                              "Erna Solberg;Høyre;", "Feil;;12", encoding="cp1252"))
    result = runner.invoke(args=["import-contacts", str(path), "--kind", "politician",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Read 3 rows (Windows-1252" in result.output
    assert "Valid rows: 2; with errors: 1" in result.output
    assert "row 4:" in result.output and "Dry run" in result.output
    assert count(Contact) == 0

    result = runner.invoke(args=["import-contacts", str(path), "--kind", "politician"])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    assert count(Contact) == 0

    result = runner.invoke(args=["import-contacts", str(path), "--kind", "politician",
                                 "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "stored 2/2" in result.output and "Imported 2 contacts" in result.output
    assert {c.kind for c in db.session.scalars(db.select(Contact))} == {"politician"}


def test_import_command_mapping_override_and_bad_file(runner, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(csv_file("Hvem,Hvor", "Kari,NRK"))
    result = runner.invoke(args=["import-contacts", str(path), "--map", "Hvem=name",
                                 "--map", "Hvor=organisation"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(Contact)).organisation.name == "NRK"
    bad = tmp_path / "bok.xlsx"
    bad.write_bytes(b"PK\x03\x04" + bytes(10))
    result = runner.invoke(args=["import-contacts", str(bad)])
    assert result.exit_code == 1 and "Excel workbook" in result.output
    result = runner.invoke(args=["import-contacts", str(path), "--map", "Hvem=shoe_size"])
    assert result.exit_code == 2
