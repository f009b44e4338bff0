"""Dates typed in the UI language (issue 11: "dates follow the UI language through Babel, and
date inputs match"): what people type is read, forms show what the pages show, and a wrong date
is a form error in the reader's language, never a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crm.dateinput import DateTextError, parse_date_text, parse_datetime_text
from crm.extensions import db
from crm.interactions.models import Interaction, PressInquiry
from tests.factories import inquiry, journalist, log
from tests.support import log_in_session


@pytest.mark.parametrize("typed", [
    "31.12.2026", "31.12.26", "31/12/2026", "31-12-2026", " 31.12.2026 ", "31. des. 2026",
    "31. desember 2026", "31 Dec 2026", "31 December 2026", "2026-12-31"])
def test_dates_as_people_type_them(typed):
    assert parse_date_text(typed) == date(2026, 12, 31)


@pytest.mark.parametrize("typed", [
    "31.12.2026 14:30", "31.12.2026 kl. 14.30", "31.12.2026, 14:30", "31 Dec 2026, 14:30",
    "31. des. 2026 14:30", "2026-12-31T14:30", "2026-12-31 14:30:00"])
def test_dates_and_times_as_people_type_them(typed):
    assert parse_datetime_text(typed) == datetime(2026, 12, 31, 14, 30)


@pytest.mark.parametrize("typed", [
    "", "32.12.2026", "12/31/2026", "2026-13-01", "29.02.2027", "i morgen", "31.12.2026 24:00",
    "31.12.2026 14:30 extra", "<script>", "1" * 5000, "31.12.2026\u00a0🎉", "ÆØÅ"])
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(DateTextError):
        parse_datetime_text(typed)
    with pytest.raises(DateTextError):
        parse_date_text(typed)


def test_a_date_alone_is_not_a_date_and_time():
    with pytest.raises(DateTextError):
        parse_datetime_text("31.12.2026")


def _language(user, language):
    user.language = language
    db.session.commit()


def test_the_forms_write_and_read_dates_as_the_pages_do_in_each_language(client, users):
    kari = journalist("Kari Nordmann")
    asked = log(kari, kind="inquiry", staff=users["editor"],
                inquiry=inquiry(deadline=datetime(2026, 7, 1, 13, 5, tzinfo=UTC)))
    editor = users["editor"]
    log_in_session(client, editor)
    for language, shown in [("nb", "01.07.2026 15:05"), ("en", "1 Jul 2026, 15:05")]:
        _language(editor, language)
        page = client.get(f"/interactions/{asked.id}/edit").get_data(as_text=True)
        assert f'value="{shown}"' in page, language
        placeholder = "31.12.2026 14:30" if language == "nb" else "31 Dec 2026, 14:30"
        assert f'placeholder="{placeholder}"' in page
        assert 'type="datetime-local"' not in page and 'type="date"' not in page
    form = client.get(f"/interactions/{asked.id}/edit").get_data(as_text=True)
    assert "data-date-input" in form


@pytest.mark.parametrize("language,message", [
    ("nb", "Ugyldig dato og klokkeslett: skriv for eksempel 31.12.2026 14:30."),
    ("en", "Not a valid date and time: write it like 31 Dec 2026, 14:30.")])
def test_a_wrong_date_is_a_form_error_in_the_readers_language_and_nothing_is_lost(
        client, users, language, message):
    kari = journalist("Kari Nordmann")
    editor = users["editor"]
    _language(editor, language)
    log_in_session(client, editor)
    before = db.session.scalar(db.select(db.func.count(Interaction.id)))
    response = client.post("/interactions/new", data={
        "kind": "inquiry", "direction": "inbound", "occurred_at": "31.02.2026 09:00",
        "staff_id": editor.id, "subject": "Sitatsjekk æøå", "contact_ids": [kari.id],
        "inquiry_assignee_id": 0, "status": "new", "follow_up_assignee_id": editor.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert 'value="31.02.2026 09:00"' in page  # what was typed stays in the field
    assert "Sitatsjekk æøå" in page
    assert db.session.scalar(db.select(db.func.count(Interaction.id))) == before


def test_a_deadline_typed_the_norwegian_way_is_stored_in_utc(client, users):
    kari = journalist("Kari Nordmann")
    editor = users["editor"]
    _language(editor, "nb")
    log_in_session(client, editor)
    response = client.post("/interactions/new", data={
        "kind": "inquiry", "direction": "inbound", "occurred_at": "01.12.2026 08:00",
        "staff_id": editor.id, "subject": "Frist i dag", "contact_ids": [kari.id],
        "deadline": "1.12.2026 kl. 15.00", "inquiry_assignee_id": 0, "status": "new",
        "follow_up_assignee_id": editor.id})
    assert response.status_code == 302
    stored = db.session.scalar(db.select(PressInquiry))
    assert stored.deadline.replace(tzinfo=None) == datetime(2026, 12, 1, 14, 0)  # CET = UTC+1


@pytest.mark.parametrize("path", ["/interactions?from={}&to={}", "/admin/audit/?from={}&to={}",
                                  "/monitoring/?from={}&to={}",
                                  "/monitoring/coverage?from={}&to={}"])
def test_list_filters_take_dates_typed_in_norwegian_and_show_them_back(client, users, path):
    admin = users["admin"]
    _language(admin, "nb")
    log_in_session(client, admin)
    response = client.get(path.format("1.11.2026", "30.11.2026"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="01.11.2026"' in page or 'value="1.11.2026"' in page
    for hostile in ["<script>alert(1)</script>", "31.02.2026", "9" * 3000, "æøå🎉"]:
        assert client.get(path.format(hostile, "")).status_code in (200, 400)
