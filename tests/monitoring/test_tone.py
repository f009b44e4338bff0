"""Tone per mention: set in one click over a real HTTP server (roles, CSRF, audit, JSON for
tone.js, hostile input), and tone in coverage against a hand-computed fixture."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest

from crm.audit.models import AuditEntry
from crm.extensions import db
from crm.monitoring import analytics, tone
from crm.monitoring.analytics import Period
from crm.monitoring.models import Article, ArticleSource, Mention
from tests import factories as make
from tests.support import csrf_token_in, live_login, live_server

HOSTILE = ["x" * 5000, "<script>alert(1)</script>", "😀", "æøå", "POSITIVE", "noise"]


@pytest.fixture
def mention(app, users):
    feed = make.feed("https://www.nrk.no/toppsaker.rss", "NRK", make.outlet("NRK"))
    make.watch_term("Arbeiderpartiet")
    make.article(feed, "Arbeiderpartiet lover mer til skolen")
    return db.session.scalars(db.select(Mention)).one()


@pytest.fixture
def live(make_app, users):
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, SERVER_NAME=None)
    clients = []
    with live_server(app) as base:
        def client_for(email):
            client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
            clients.append(client)
            assert live_login(client, email).status_code == 302
            return client
        yield client_for
    for client in clients:
        client.close()


def _fresh(mention_id: int) -> Mention:
    db.session.expire_all()
    return db.session.get(Mention, mention_id)


def test_an_editor_sets_tone_in_one_click_from_the_mentions_page(live, mention, users):
    editor = live("editor@example.no")
    page = editor.get("/monitoring/").text
    action = f"/monitoring/mentions/{mention.id}/tone"
    assert f'action="{action}"' in page
    assert "Tone is set by hand" in page
    assert 'src="/static/tone.js"' in page and "<script>" not in page  # no inline script
    response = editor.post(action, data={"csrf_token": csrf_token_in(page), "tone": "negative",
                                         "next": "/monitoring/?page=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/monitoring/?page=1"
    saved = _fresh(mention.id)
    assert (saved.tone, saved.tone_set_by_id) == ("negative", users["editor"].id)
    assert saved.tone_set_at is not None and saved.is_read
    # The chosen button is pressed and clicking it again clears the tone.
    page = editor.get("/monitoring/").text
    pressed = re.search(r'<button[^>]*data-tone="negative"[^>]*>', page).group(0)
    assert 'aria-pressed="true"' in pressed and 'value=""' in pressed
    (entry,) = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "mention")).all()
    assert (entry.user_id, entry.entity_id, entry.changes) == (
        users["editor"].id, mention.id, {"tone": ["", "negative"]})


def test_the_article_page_sets_tone_too_and_says_who_set_it(live, mention, users):
    editor = live("editor@example.no")
    url = f"/monitoring/articles/{mention.article_id}"
    page = editor.get(url).text
    editor.post(f"/monitoring/mentions/{mention.id}/tone",
                data={"csrf_token": csrf_token_in(page), "tone": "positive", "next": url})
    page = editor.get(url).text
    assert "Tone set by editor" in page
    assert _fresh(mention.id).tone == "positive"


def test_tone_js_gets_json_and_clearing_records_the_change(live, mention, users):
    editor = live("editor@example.no")
    token = csrf_token_in(editor.get("/monitoring/").text)
    url = f"/monitoring/mentions/{mention.id}/tone"
    answer = editor.post(url, data={"csrf_token": token, "tone": "neutral"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json() == {"tone": "neutral",
                                                            "label": "Neutral"}
    answer = editor.post(url, data={"csrf_token": token, "tone": ""},
                         headers={"Accept": "application/json"})
    assert answer.json()["tone"] == ""
    saved = _fresh(mention.id)
    assert (saved.tone, saved.tone_set_by_id, saved.tone_set_at) == ("", None, None)
    changes = [e.changes["tone"] for e in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.entity_type == "mention")
        .order_by(AuditEntry.id))]
    assert changes == [["", "neutral"], ["neutral", ""]]


def test_viewers_and_forged_posts_change_nothing(live, mention):
    viewer = live("viewer@example.no")
    token = csrf_token_in(viewer.get("/monitoring/").text)
    assert f"/monitoring/mentions/{mention.id}/tone" not in viewer.get("/monitoring/").text
    url = f"/monitoring/mentions/{mention.id}/tone"
    assert viewer.post(url, data={"csrf_token": token, "tone": "positive"}).status_code == 403
    editor = live("editor@example.no")
    assert editor.post(url, data={"tone": "positive"}).status_code == 400  # no CSRF token
    assert editor.post(url, data={"tone": "positive", "csrf_token": "forged"}
                       ).status_code == 400
    anonymous = httpx.post(str(editor.base_url) + url, data={"tone": "positive"})
    assert anonymous.status_code in (302, 400)
    assert _fresh(mention.id).tone == ""
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(
        AuditEntry.entity_type == "mention")) == 0


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_tone_values_are_refused_with_a_message(live, mention, value):
    editor = live("editor@example.no")
    token = csrf_token_in(editor.get("/monitoring/").text)
    url = f"/monitoring/mentions/{mention.id}/tone"
    answer = editor.post(url, data={"csrf_token": token, "tone": value},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "Choose positive, neutral or negative."
    response = editor.post(url, data={"csrf_token": token, "tone": value,
                                      "next": "/monitoring/"})
    assert response.status_code == 302
    assert "Choose positive, neutral or negative." in editor.get("/monitoring/").text
    assert _fresh(mention.id).tone == ""


def test_a_nul_in_the_form_is_refused_by_the_app_wide_guard(live, mention):
    editor = live("editor@example.no")
    token = csrf_token_in(editor.get("/monitoring/").text)
    response = editor.post(f"/monitoring/mentions/{mention.id}/tone",
                           data={"csrf_token": token, "tone": "posi\x00tive"})
    assert response.status_code == 400 and "Back to Pressdesk" in response.text
    assert _fresh(mention.id).tone == ""


def test_an_unknown_mention_is_404(live, mention):
    editor = live("editor@example.no")
    token = csrf_token_in(editor.get("/monitoring/").text)
    assert editor.post("/monitoring/mentions/999999/tone",
                       data={"csrf_token": token, "tone": "positive"}).status_code == 404


# --- tone in coverage -----------------------------------------------------------------------

@pytest.fixture
def coverage(app, users):
    """Three outlets, two politicians (one with two terms), tones set by hand:

    day 1 (10.03): NRK "Støre"+"Ap" article: Støre positive, Ap negative
                   VG  "Støre" article: Støre negative
    day 2 (11.03): NTB story carried by NRK and VG: Jonas positive, Vedum unset
                   VG  "Vedum" article: noise (never counted)
    Støre and Jonas are terms of one contact (Jonas Gahr Støre).
    """
    nrk, vg = make.outlet("NRK"), make.outlet("VG")
    feeds = {"NRK": make.feed("https://www.nrk.no/rss", "NRK", nrk),
             "VG": make.feed("https://www.vg.no/rss", "VG", vg)}
    store = make.politician("Jonas Gahr Støre")
    vedum = make.politician("Trygve Slagsvold Vedum")
    make.watch_term("Støre", "politician", contact_id=store.id)
    make.watch_term("Jonas", "politician", contact_id=store.id)
    make.watch_term("Vedum", "politician", contact_id=vedum.id)
    make.watch_term("Ap", "party")
    day1, day2 = make.oslo(2026, 3, 10, 8, 0), make.oslo(2026, 3, 11, 23, 30)
    make.articles(feeds["NRK"], make.entry("Støre og Ap på vei opp", guid="a1",
                                           published=day1))
    make.articles(feeds["VG"], make.entry("Støre får kritikk", guid="a2", published=day1))
    ntb = make.entry("Jonas møter Vedum i Oslo", guid="ntb-1",
                     link="https://www.ntb.no/a/1", published=day2)
    make.articles(feeds["NRK"], ntb)
    make.articles(feeds["VG"], ntb)
    make.articles(feeds["VG"], make.entry("Vedum på ferie", guid="a4", published=day2))
    by = {(m.article.title, m.term.term): m for m in db.session.scalars(db.select(Mention))}
    editor = users["editor"].id
    tone.set_tone(by["Støre og Ap på vei opp", "Støre"], "positive", editor)
    tone.set_tone(by["Støre og Ap på vei opp", "Ap"], "negative", editor)
    tone.set_tone(by["Støre får kritikk", "Støre"], "negative", editor)
    tone.set_tone(by["Jonas møter Vedum i Oslo", "Jonas"], "positive", editor)
    noise = by["Vedum på ferie", "Vedum"]
    tone.set_tone(noise, "negative", editor)
    from crm.monitoring.mentions import set_status
    set_status(noise, "noise")
    assert db.session.scalar(db.select(db.func.count(ArticleSource.id))) == 5
    assert db.session.scalar(db.select(db.func.count(Article.id))) == 4  # the NTB story once
    return Period(date(2026, 3, 10), date(2026, 3, 11))


def test_tone_totals_and_per_day(coverage):
    assert analytics.tone_totals(coverage) == Counter(positive=2, negative=2, **{"": 1})
    per_day = analytics.tone_per_day(coverage)
    assert per_day[date(2026, 3, 10)] == Counter(positive=1, negative=2)
    # 23:30 in Oslo on the 11th is the 11th, though it is 22:30 UTC.
    assert per_day[date(2026, 3, 11)] == Counter(positive=1, **{"": 1})


def test_tone_by_outlet_counts_a_syndicated_story_for_each_outlet(coverage):
    assert analytics.tone_by_outlet(coverage) == [
        ("NRK", Counter(positive=2, negative=1, **{"": 1})),
        ("VG", Counter(negative=1, positive=1, **{"": 1})),
    ]


def test_tone_by_politician_joins_the_terms_of_one_contact(coverage):
    assert analytics.tone_by_politician(coverage) == [
        ("Jonas Gahr Støre", Counter(positive=2, negative=1)),
        ("Trygve Slagsvold Vedum", Counter({"": 1})),  # the noise mention is not counted
    ]


def test_the_coverage_page_shows_tone_charts_and_csv(coverage, as_editor):
    page = as_editor.get("/monitoring/coverage?from=2026-03-10&to=2026-03-11").text
    for title in ("Tone by outlet", "Tone by politician", "Tone per day"):
        assert title in page
    assert "Jonas Gahr Støre: Positive 2" in page
    csv = as_editor.get("/monitoring/coverage/tone-outlets.csv?from=2026-03-10&to=2026-03-11")
    assert csv.status_code == 200
    assert csv.text.splitlines() == [
        '\ufeff"outlet","positive","neutral","negative","unset"',
        '"NRK","2","0","1","1"', '"VG","1","0","1","1"']


def test_tone_in_coverage_of_an_empty_period(app, users, as_viewer):
    empty = Period(date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=6))
    assert analytics.tone_by_outlet(empty) == [] and analytics.tone_totals(empty) == Counter()
    assert as_viewer.get("/monitoring/coverage?from=2026-01-01&to=2026-01-07").status_code \
        == 200


def test_the_audit_log_shows_who_set_which_tone(mention, users, client):
    from tests.support import login
    tone.set_tone(mention, "positive", users["editor"].id)
    login(client, users["admin"].email)
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "Mention" in page and "Tone" in page and "positive" in page
    assert "Arbeiderpartiet: Arbeiderpartiet lover mer til skolen" in page
