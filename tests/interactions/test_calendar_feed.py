"""Inquiry deadlines in the .ics, and the personal calendar feed read without logging in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from crm.extensions import db
from crm.interactions import calendar_feed
from crm.interactions.models import CalendarFeedToken
from crm.interactions.queries import user_calendar
from crm.interactions.services import add_follow_up
from crm.timeutil import utcnow
from tests.factories import follow_up, journalist, log, make_user, press_inquiry
from tests.support import login

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def summaries(text: str) -> list[str]:
    cal = icalendar.Calendar.from_ical(text)
    return sorted(str(e.get("summary")) for e in cal.walk("VEVENT"))


@pytest.fixture
def agenda(app, users):
    """Kari's inquiry for the editor, with a deadline; a follow-up for the editor; items of
    the admin's that the editor must never see."""
    kari = journalist("Kari Vårli", org="Vårt Land", emails=["kari@vl.no"], phones=["91234567"])
    me, other = users["editor"], users["admin"]
    mine = press_inquiry(kari, deadline=utcnow() + timedelta(hours=5), assignee=me,
                         subject="Sitatsjekk sykehus", notes="Hemmelig notat om kilden")
    call = log(kari, staff=me, subject="Budsjettet", notes="Privat notat")
    add_follow_up(call, follow_up(utcnow() + timedelta(days=1), me, "Send tallene"))
    press_inquiry(kari, deadline=utcnow() + timedelta(hours=2), assignee=other,
                  subject="Adminsak")
    theirs = log(kari, staff=other, subject="Adminsamtale")
    add_follow_up(theirs, follow_up(utcnow() + timedelta(days=1), other, "Adminoppfølging"))
    press_inquiry(kari, deadline=utcnow() + timedelta(hours=1), subject="Ingen har tatt den")
    return mine


def test_the_download_carries_inquiry_deadlines_too(as_editor, agenda):
    response = as_editor.get("/follow-ups.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    shown = summaries(response.get_data(as_text=True))
    assert shown == ["Follow-up: Send tallene", "Inquiry deadline: Sitatsjekk sykehus (Kari Vårli)"]
    cal = icalendar.Calendar.from_ical(response.get_data(as_text=True))
    deadline = next(e for e in cal.walk("VEVENT") if "deadline" in str(e.get("summary")))
    assert deadline.decoded("dtend") == agenda.inquiry.deadline.replace(microsecond=0)
    assert str(deadline.get("uid")).startswith(f"inquiry-deadline-{agenda.id}@")


def test_feed_works_without_login_and_shows_only_that_users_titles(app, client, users, agenda):
    with app.test_request_context():
        token = calendar_feed.create_feed_token(users["editor"])
    stored = db.session.scalar(db.select(CalendarFeedToken))
    assert stored.token_hash != token and len(stored.token_hash) == 64  # only a hash is kept
    response = client.get(f"/calendar/{token}.ics")  # no login
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert summaries(body) == ["Follow-up: Send tallene (Kari Vårli)",
                               "Inquiry deadline: Sitatsjekk sykehus (Kari Vårli)"]
    for secret in ("Hemmelig", "Privat notat", "kari@vl.no", "91234567", "+4791234567",
                   "Admin", "Ingen har tatt den", "DESCRIPTION", "Vårt Land"):
        assert secret not in body


def test_revoked_unknown_or_replaced_token_gives_404(app, client, users, agenda):
    with app.test_request_context():
        first = calendar_feed.create_feed_token(users["editor"])
        second = calendar_feed.create_feed_token(users["editor"])
    assert client.get(f"/calendar/{first}.ics").status_code == 404  # replaced
    assert client.get(f"/calendar/{second}.ics").status_code == 200
    assert calendar_feed.revoke_feed_token(users["editor"])
    assert client.get(f"/calendar/{second}.ics").status_code == 404
    for junk in ("x", "a" * 500, "<script>", "æøå😀"):
        assert client.get(f"/calendar/{junk}.ics").status_code == 404
    assert client.get("/calendar/%00.ics").status_code == 400  # NUL: refused before the view


def test_a_deactivated_users_feed_gives_404(app, client, users, agenda):
    with app.test_request_context():
        token = calendar_feed.create_feed_token(users["editor"])
    users["editor"].active = False
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_make_show_once_and_revoke_through_the_pages(client, users, agenda):
    login(client, users["viewer"].email)  # a viewer has a calendar too
    assert "You have no calendar address." in client.get("/calendar-feed").get_data(as_text=True)
    page = client.post("/calendar-feed/new").get_data(as_text=True)
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    path = url[url.index("/calendar/"):]
    again = client.get("/calendar-feed").get_data(as_text=True)
    assert "You have a calendar address" in again and path not in again  # shown only once
    client.post("/logout")
    assert client.get(path).status_code == 200
    login(client, users["viewer"].email)
    client.post("/calendar-feed/revoke")
    client.post("/logout")
    assert client.get(path).status_code == 404


def test_the_feed_is_in_the_users_language(app, client, agenda):
    kåre = make_user("kare@parti.no", "editor", name="Kåre", language="nb")
    press_inquiry(journalist("Åse Ødegård"), deadline=utcnow() + timedelta(hours=3),
                  assignee=kåre, subject="Sak")
    with app.test_request_context():
        token = calendar_feed.create_feed_token(kåre)
    body = client.get(f"/calendar/{token}.ics", headers={"Accept-Language": "en"}) \
        .get_data(as_text=True)
    assert summaries(body) == ["Svarfrist: Sak (Åse Ødegård)"]


def test_titles_only_calendar_has_no_links_or_descriptions(app, users, agenda):
    with app.test_request_context():
        body = user_calendar(users["editor"], NOW, titles_only=True)
    assert "URL" not in body and "DESCRIPTION" not in body
