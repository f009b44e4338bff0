"""The .ics export of my open follow-ups follows RFC 5545."""

from datetime import UTC, datetime

import icalendar

from crm.interactions import ics
from crm.interactions.services import add_follow_up, complete_follow_up, follow_ups_ics
from tests.factories import follow_up, journalist, log, oslo
from tests.support import login

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    """Content lines as a calendar client reads them (RFC 5545 3.1)."""
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def events(text: str) -> list[dict]:
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def one_event(**fields) -> str:
    values = {"uid": "follow-up-1@example.no", "start": oslo(2026, 3, 29, 0, 30),
              "end": oslo(2026, 3, 29, 1, 0), "summary": "Ring Kari"} | fields
    return ics.calendar([ics.Event(**values)], name="Pressdesk", stamp=NOW)


def test_escaping_of_text_values():
    [event] = events(one_event(summary="a,b;c\\d\ne\r\nf\rg", description="bell\x07 tab\tok"))
    assert event["SUMMARY"] == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert event["DESCRIPTION"] == "bell tab\tok"


def test_folding_at_75_octets_never_splits_a_character():
    summary = "Å😀ø" * 60
    text = one_event(summary=summary)
    pieces = text.encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in pieces)
    for piece in pieces:
        piece.decode("utf-8")  # each piece is whole UTF-8
    assert events(text)[0]["SUMMARY"] == summary
    assert "SUMMARY:Ring Kari\r\n" in one_event()  # a short line stays one line


def test_times_in_utc():
    [event] = events(one_event(start=oslo(2026, 3, 29, 0, 30), end=oslo(2026, 7, 1, 9, 0)))
    assert event["DTSTART"] == "20260328T233000Z"
    assert event["DTEND"] == "20260701T070000Z"


def test_a_real_parser_reads_the_calendar_back():
    summary = "Follow-up: Ring Kari, igjen; om æøå 😀 " + "lang " * 30
    description = "Sykehus; kutt, og mer \\ annet\nKari Nordmann, NRK; \"Dagsrevyen\""
    text = one_event(summary=summary, description=description, url="https://crm.no/i/3",
                     created=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == description
    assert event.decoded("DTSTART") == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["UID"]) == "follow-up-1@example.no"
    assert str(event["URL"]) == "https://crm.no/i/3"


def test_calendar_of_my_open_follow_ups(app, users):
    editor, admin = users["editor"], users["admin"]
    kari = journalist("Kari Nordmann, NRK; \"Dagsrevyen\"")
    interaction = log(kari, staff=editor, subject="Sykehus; kutt, og\nmer \\ annet")
    mine = add_follow_up(interaction, follow_up(oslo(2026, 3, 29, 0, 30), editor,
                                                note="Ring Kari, igjen; om æøå 😀"))
    done = add_follow_up(interaction, follow_up(oslo(2026, 3, 21, 9, 0), editor, "Ferdig"))
    complete_follow_up(done)
    add_follow_up(interaction, follow_up(oslo(2026, 3, 22, 9, 0), admin, "Ikke min"))
    text = follow_ups_ics(editor, now=NOW)

    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines[-1] == "END:VCALENDAR"
    [event] = events(text)
    assert event["UID"].startswith(f"follow-up-{mine.id}@") and event["UID"][-1] != "@"
    assert event["DTSTAMP"] == "20260320T120000Z"
    assert event["DTSTART"] == "20260328T233000Z"
    assert event["DTEND"] == "20260329T000000Z"
    assert event["SUMMARY"] == "Follow-up: Ring Kari\\, igjen\\; om æøå 😀"
    assert event["DESCRIPTION"] == \
        "Sykehus\\; kutt\\, og mer \\\\ annet\\nKari Nordmann\\, NRK\\; \"Dagsrevyen\""
    assert event["URL"].endswith(f"/interactions/{interaction.id}")


def test_uids_are_stable_between_exports(app, users):
    editor = users["editor"]
    interaction = log(journalist("Kari Nordmann"), staff=editor)
    add_follow_up(interaction, follow_up(oslo(2026, 4, 1, 9, 0), editor))
    first = events(follow_ups_ics(editor, now=NOW))
    second = events(follow_ups_ics(editor, now=datetime(2026, 3, 21, 8, 0, tzinfo=UTC)))
    assert [e["UID"] for e in first] == [e["UID"] for e in second]
    assert first[0]["DTSTAMP"] != second[0]["DTSTAMP"]


def test_empty_calendar_is_still_valid(app, users):
    text = follow_ups_ics(users["viewer"], now=NOW)
    assert unfold(text)[0] == "BEGIN:VCALENDAR" and "BEGIN:VEVENT" not in text


def test_download_from_my_day(client, users):
    editor = users["editor"]
    interaction = log(journalist("Kari Nordmann"), staff=editor)
    add_follow_up(interaction, follow_up(oslo(2026, 4, 1, 9, 0), editor, "Sjekk sitat"))
    login(client, editor.email)
    page = client.get("/").get_data(as_text=True)
    assert "/follow-ups.ics" in page
    response = client.get("/follow-ups.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "SUMMARY:Follow-up: Sjekk sitat" in response.get_data(as_text=True)
    assert b"\r\n" in response.data


def test_the_export_needs_a_login(client):
    response = client.get("/follow-ups.ics")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
