"""Importing the CSV files other tools export, as downloaded, with the guessed mapping and no
change by hand: Google Contacts, Outlook, LinkedIn's Connections.csv, Excel for Mac's
"CSV (Macintosh)". The header rows are exactly those tools' own."""

from __future__ import annotations

import csv
import io

import pytest

from crm.contacts.csv_reading import parse_csv
from crm.contacts.import_fields import guess_mapping
from crm.contacts.importing import preview_import, run_import
from crm.contacts.models import Contact
from crm.extensions import db

# name, organisation, title, email, second email, mobile, work phone, label
PEOPLE = [
    ("Kari", "", "Vårli", "NRK", "Politisk journalist", "kari.varli@nrk.no", "", "+47 912 34 567",
     "22 04 70 00", "Journalister"),
    ("Jonas", "Gahr", "Støre", "Arbeiderpartiet", "Partileder", "jonas.store@ap.no",
     "jgs@stortinget.no", "+47 934 56 789", "", "Politikere"),
    ("Åse", "", "Ødegård", "Aftenposten", "Kommentator", "ase.odegard@aftenposten.no", "",
     "+47 415 55 123", "", "Journalister"),
    ("Øystein", "", "Bjørnstad", "VG", "Reporter", "oystein.bjornstad@vg.no",
     "oysteinb@gmail.com", "+47 980 12 345", "22 00 00 00", "Journalister"),
    ("Hadia", "", "Tajik", "Stortinget", "Stortingsrepresentant", "hadia.tajik@stortinget.no",
     "", "+47 456 78 901", "", "Politikere"),
    ("Marit", "", "Ærø", "Dagens Næringsliv", "Økonomijournalist", "marit.aero@dn.no", "",
     "+47 911 22 333", "", "Journalister"),
    ("Per", "Olav", "Lie", "Bergens Tidende", "Nyhetsredaktør", "per.olav.lie@bt.no", "",
     "+47 922 33 444", "55 21 45 00", "Journalister"),
    ("Ingvild", "", "Sæther", "Klassekampen", "Journalist", "ingvild.saether@klassekampen.no",
     "", "+47 933 44 555", "", "Journalister"),
    ("Bjørnar", "", "Moxnes", "Rødt", "Stortingsrepresentant", "bjornar.moxnes@stortinget.no",
     "", "+47 944 55 666", "", "Politikere"),
    ("Siv", "", "Årdal", "Nationen", "Distriktsjournalist", "siv.ardal@nationen.no", "",
     "+47 955 66 777", "", "Journalister"),
]


def full_name(person) -> str:
    return " ".join(part for part in person[:3] if part)


def as_csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,"
    "E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Formatted,"
    "Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,"
    "Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,"
    "Website 1 - Label,Website 1 - Value").split(",")


def google_export() -> bytes:
    rows = []
    for first, middle, last, org, title, email, email2, mobile, work, label in PEOPLE:
        phones = f"{mobile} ::: {work}" if work else mobile
        row = dict.fromkeys(GOOGLE_HEADER, "")
        row.update({
            "First Name": first, "Middle Name": middle, "Last Name": last,
            "Phonetic First Name": first.upper(), "File As": f"{last}, {first}",
            "Organization Name": org, "Organization Title": title,
            "Organization Department": "Politikk", "Notes": "Møtt på Arendalsuka",
            "Labels": f"{label} ::: * myContacts", "E-mail 1 - Label": "* Work",
            "E-mail 1 - Value": email, "E-mail 2 - Label": "Home" if email2 else "",
            "E-mail 2 - Value": email2, "Phone 1 - Label": "Mobile ::: Work" if work else "Mobile",
            "Phone 1 - Value": phones, "Address 1 - Label": "Work",
            "Address 1 - Formatted": "Karl Johans gate 22\n0026 Oslo",
            "Address 1 - Street": "Karl Johans gate 22", "Address 1 - City": "Oslo",
            "Address 1 - Postal Code": "0026", "Address 1 - Country": "Norge",
        })
        rows.append([row[h] for h in GOOGLE_HEADER])
    return as_csv(GOOGLE_HEADER, rows).encode("utf-8")


OUTLOOK_HEADER = (
    "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,"
    "E-mail Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,"
    "Business Phone 2,Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,"
    "Home Fax,Other Fax,Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,"
    "Job Title,Department,Company,Office Location,Manager's Name,Assistant's Name,"
    "Assistant's Phone,Company Yomi,Business Street,Business City,Business State,"
    "Business Postal Code,Business Country/Region,Home Street,Home City,Home State,"
    "Home Postal Code,Home Country/Region,Other Street,Other City,Other State,"
    "Other Postal Code,Other Country/Region,Personal Web Page,Spouse,Schools,Hobby,Location,"
    "Web Page,Birthday,Anniversary,Notes,E-mail Type,E-mail Display Name,E-mail 2 Type,"
    "E-mail 2 Display Name,E-mail 3 Type,E-mail 3 Display Name,Categories").split(",")


def outlook_export() -> bytes:
    rows = []
    for first, middle, last, org, title, email, email2, mobile, work, label in PEOPLE:
        row = dict.fromkeys(OUTLOOK_HEADER, "")
        row.update({
            "First Name": first, "Middle Name": middle, "Last Name": last, "Title": "Fru",
            "E-mail Address": email, "E-mail 2 Address": email2, "Business Phone": work,
            "Mobile Phone": mobile, "Assistant's Phone": "+47 999 99 999",
            "Assistant's Name": "Ola Assistent", "Manager's Name": "Sjef Sjefsen",
            "Job Title": title, "Department": "Politikk", "Company": org,
            "Business Street": "Karl Johans gate 22", "Business City": "Oslo",
            "Business Postal Code": "0026", "Notes": "Møtt på Arendalsuka",
            "E-mail Type": "SMTP", "E-mail Display Name": f"{full_name((first, middle, last))} "
                                                          f"({email})",
            "E-mail 2 Type": "SMTP" if email2 else "", "Categories": label,
        })
        rows.append([row[h] for h in OUTLOOK_HEADER])
    # Outlook on Norwegian Windows writes Windows-1252.
    return as_csv(OUTLOOK_HEADER, rows).encode("cp1252")


LINKEDIN_PREAMBLE = (
    'Notes:\r\n'
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who have allowed their '
    'connections to see or download their email address using this setting '
    'https://www.linkedin.com/psettings/privacy/email. You can learn more about this here '
    'https://www.linkedin.com/help/linkedin/answer/261"\r\n'
    '\r\n')
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On".split(",")


def linkedin_export() -> bytes:
    rows = []
    for index, (first, middle, last, org, title, email, *_rest) in enumerate(PEOPLE):
        given = f"{first} {middle}".strip()
        slug = f"{given}-{last}".lower().replace(" ", "-")
        rows.append([given, last, f"https://www.linkedin.com/in/{slug}",
                     email if index % 3 else "", org, title, f"{index + 1:02d} Nov 2026"])
    return (LINKEDIN_PREAMBLE + as_csv(LINKEDIN_HEADER, rows)).encode("utf-8")


def import_all(data: bytes) -> tuple[list[Contact], object]:
    parsed = parse_csv(data)
    preview = preview_import(parsed, guess_mapping(parsed.headers), "journalist", "")
    assert not preview.invalid_rows, [row.errors for row in preview.invalid_rows]
    run_import(preview)
    contacts = db.session.scalars(db.select(Contact).order_by(Contact.id)).all()
    return contacts, parsed


def by_name(contacts) -> dict[str, Contact]:
    return {c.name: c for c in contacts}


def test_google_contacts_export_imports_all_rows(app):
    contacts, parsed = import_all(google_export())
    mapping = dict(zip(parsed.headers, guess_mapping(parsed.headers), strict=True))
    assert mapping["E-mail 1 - Value"] == "emails" and mapping["E-mail 1 - Label"] == ""
    assert mapping["Phone 1 - Value"] == "phones" and mapping["Phone 1 - Label"] == ""
    assert mapping["Phonetic First Name"] == "" and mapping["Name Prefix"] == ""
    assert mapping["Organization Name"] == "organisation"
    assert mapping["Organization Title"] == "title"
    assert mapping["Address 1 - Street"] == ""  # the formatted address is taken once
    assert len(contacts) == 10
    people = by_name(contacts)
    assert set(people) == {full_name(p) for p in PEOPLE}
    store = people["Jonas Gahr Støre"]
    assert store.organisation.name == "Arbeiderpartiet"
    assert store.title == "Partileder"
    assert [e.email for e in store.emails] == ["jonas.store@ap.no", "jgs@stortinget.no"]
    bjornstad = people["Øystein Bjørnstad"]
    assert len(bjornstad.phones) == 2  # " ::: " split into two numbers
    assert [t.name for t in bjornstad.tags] == ["journalister"]  # not "* myContacts"
    assert "Karl Johans gate 22" in bjornstad.address
    assert bjornstad.notes == "Møtt på Arendalsuka"


def test_outlook_export_imports_all_rows(app):
    contacts, parsed = import_all(outlook_export())
    mapping = dict(zip(parsed.headers, guess_mapping(parsed.headers), strict=True))
    assert mapping["E-mail Type"] == "" and mapping["E-mail Display Name"] == ""
    assert mapping["Title"] == ""  # the courtesy title gives way to "Job Title"
    assert mapping["Job Title"] == "title"
    assert mapping["Assistant's Phone"] == "" and mapping["Business Fax"] == ""
    assert mapping["Categories"] == "tags"
    assert parsed.encoding == "Windows-1252"
    assert len(contacts) == 10
    people = by_name(contacts)
    lie = people["Per Olav Lie"]
    assert lie.title == "Nyhetsredaktør"
    assert lie.organisation.name == "Bergens Tidende"
    assert [e.email for e in lie.emails] == ["per.olav.lie@bt.no"]
    assert len(lie.phones) == 2
    assert "+4799999999" not in "".join(p.number for p in lie.phones).replace(" ", "")
    assert [t.name for t in lie.tags] == ["journalister"]
    assert lie.address.splitlines() == ["Karl Johans gate 22", "Oslo", "0026"]


def test_linkedin_connections_csv_as_downloaded(app):
    contacts, parsed = import_all(linkedin_export())
    assert parsed.headers == LINKEDIN_HEADER  # the "Notes:" preamble is skipped
    assert any("Skipped 2 lines" in str(note) for note in parsed.notes)
    assert len(contacts) == 10
    people = by_name(contacts)
    varli = people["Kari Vårli"]
    assert varli.social == "https://www.linkedin.com/in/kari-vårli"
    assert varli.organisation.name == "NRK"
    assert varli.title == "Politisk journalist"
    assert varli.emails == []  # LinkedIn left it out
    assert [e.email for e in people["Jonas Gahr Støre"].emails] == ["jonas.store@ap.no"]


NORWEGIAN_EXCEL = "Navn;E-post;Telefon;Redaksjon;Stilling\r\n" + "".join(
    f"{full_name(p)};{p[5]};{p[7]};{p[3]};{p[4]}\r\n" for p in PEOPLE)


def test_mac_excel_csv_macintosh_is_read_as_mac_roman(app):
    parsed = parse_csv(NORWEGIAN_EXCEL.encode("mac_roman"))
    assert parsed.encoding == "Mac Roman"
    assert any("Mac Roman" in str(note) for note in parsed.notes)
    names = [cells[0] for _row, cells in parsed.rows]
    assert "Åse Ødegård" in names and "Marit Ærø" in names and "Siv Årdal" in names


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_norwegian_excel_exports_read_without_warnings(app, encoding):
    parsed = parse_csv(NORWEGIAN_EXCEL.encode(encoding))
    assert parsed.notes == []
    assert parsed.rows[2][1][0] == "Åse Ødegård"


def test_a_wrongly_decoded_file_is_flagged(app):
    # UTF-8 that another tool read as Windows-1252 and saved again: "Ã˜ystein".
    mangled = NORWEGIAN_EXCEL.encode("utf-8").decode("cp1252").encode("utf-8")
    parsed = parse_csv(mangled)
    assert any("wrongly decoded" in str(note) for note in parsed.notes)
    # C1 control characters inside names (Windows-1252 text once read as Latin-1).
    parsed = parse_csv("Navn;E-post\r\nS\x9arensen;s@x.no\r\n".encode())
    assert any("wrongly decoded" in str(note) for note in parsed.notes)


def test_the_warning_reaches_the_mapping_page(app, as_editor, tmp_path):
    app.instance_path = str(tmp_path)  # pending uploads go to a temporary folder
    response = as_editor.post("/contacts/import", data={
        "kind": "journalist",
        "file": (io.BytesIO(NORWEGIAN_EXCEL.encode("mac_roman")), "kontakter.csv")},
        follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "read as Mac Roman" in page and "Åse Ødegård" in page
