"""The .ics export of my open follow-ups follows RFC 5545."""

from datetime import UTC, datetime

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


def test_escaping_of_text_values():
    assert ics.escape_text("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert ics.escape_text("bell\x07 tab\tok") == "bell tab\tok"
    assert ics.escape_text("") == ""


def test_folding_at_75_octets_never_splits_a_character():
    line = "SUMMARY:" + "Å😀ø" * 60
    folded = ics.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert folded.replace("\r\n ", "") == line
    for piece in pieces:
        piece.encode("utf-8").decode("utf-8")  # each piece is whole UTF-8
    assert ics.fold("SHORT:x") == "SHORT:x"
    exactly = "X:" + "a" * 73
    assert ics.fold(exactly) == exactly and ics.fold(exactly + "b") == exactly + "\r\n b"


def test_utc_stamps():
    assert ics.utc_stamp(oslo(2026, 3, 29, 0, 30)) == "20260328T233000Z"
    assert ics.utc_stamp(oslo(2026, 7, 1, 9, 0)) == "20260701T070000Z"


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
