"""Showing the user why a hit was excluded ("try a text" on the term pages), and re-matching
stored articles after a term or the shipped rules change (`crm rematch --all`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm.extensions import db
from crm.monitoring import mentions
from crm.monitoring.models import Mention, WatchTerm
from crm.timeutil import utcnow
from tests import factories as make
from tests.support import login

TERM_FORM = {"group": "competitor", "variants": "Høgre\nH", "exclusions": "",
             "case_mode": "auto", "contact_id": 0, "active": "y"}
TRIAL = "Høyre hånd brukket. Solberg (H) svarer. Vitamin H. Høyre vil kutte."


@pytest.fixture
def feed(app):
    return make.feed("https://www.nrk.no/toppsaker.rss", "NRK", make.outlet("NRK"))


def test_trying_a_text_on_the_term_form_shows_hits_and_reasons_without_saving(as_editor):
    page = as_editor.post("/monitoring/terms/new", data={
        **TERM_FORM, "term": "Høyre", "try_text": TRIAL, "action": "try"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 hits count." in html and "2 hits are excluded." in html
    assert "<mark>Høyre</mark> hånd" in html
    assert "is the everyday word (right, left, red), not the party" in html
    assert "A single letter counts as a party only in brackets" in html
    assert "Solberg (<mark>H</mark>)" in html
    assert db.session.scalars(db.select(WatchTerm)).all() == []  # nothing saved


def test_trying_uses_the_unsaved_settings_of_an_existing_term(as_editor):
    term = make.watch_term("Rødt", "competitor")
    data = {**TERM_FORM, "term": "Rødt", "variants": "", "exclusions": "Rødt nei",
            "try_text": "Rødt nei til bompenger", "action": "try"}
    html = as_editor.post(f"/monitoring/terms/{term.id}/edit", data=data).get_data(as_text=True)
    assert "Inside the exclusion “Rødt nei”." in html
    assert db.session.get(WatchTerm, term.id).exclusions == ""


def test_trying_with_bad_settings_shows_the_error(as_editor):
    page = as_editor.post("/monitoring/terms/new", data={
        **TERM_FORM, "term": "***", "try_text": "Høyre", "action": "try"})
    assert page.status_code == 200 and 'class="error"' in page.get_data(as_text=True)


def test_the_terms_page_tries_a_text_against_all_active_terms(as_viewer, app):
    make.watch_term("Høyre", "competitor", variants="H")
    make.watch_term("sykehus", "issue")
    make.watch_term("Ap", "party", active=False)
    html = as_viewer.get("/monitoring/terms", query_string={
        "text": "HØYRE HÅND BRUKKET. Ny strid om lokalsykehus. Ap vil."}).get_data(as_text=True)
    assert "<mark>HØYRE</mark> HÅND" in html and "<mark>lokalsykehus</mark>" in html
    assert "1 hit counts." in html and "1 hit is excluded." in html
    assert "<mark>Ap</mark>" not in html  # inactive terms are not tried
    assert "What the text would give" not in as_viewer.get("/monitoring/terms").get_data(
        as_text=True)


@pytest.mark.parametrize("text", [
    "\x00\x01 Høyre", "<script>alert('x')</script> Høyre hånd", "🙂" * 3000 + " (H)",
    "x" * 20_000, "Høyre\u00adhånd", "%FF%FE", "İİ Høyre",
])
def test_hostile_trial_text_never_fails(as_editor, text):
    make.watch_term("Høyre", "competitor", variants="H")
    expected = 400 if "\x00" in text else 200  # NUL: refused before the view (crm/security.py)
    page = as_editor.get("/monitoring/terms", query_string={"text": text})
    assert page.status_code == expected
    assert "<script>alert" not in page.get_data(as_text=True)
    page = as_editor.post("/monitoring/terms/new", data={
        **TERM_FORM, "term": "Venstre", "try_text": text[:5000], "action": "try"})
    assert page.status_code == expected
    assert "<script>alert" not in page.get_data(as_text=True)


def test_the_reasons_are_shown_in_norwegian(client, users):
    make.watch_term("Høyre", "competitor", variants="H")
    users["viewer"].language = "nb"
    db.session.commit()
    login(client, users["viewer"].email)
    html = client.get("/monitoring/terms", query_string={
        "text": "Høyre hånd brukket. Vitamin H."}).get_data(as_text=True)
    assert "er det vanlige ordet" in html and "Én bokstav" in html
    assert "everyday word" not in html and "single letter" not in html


# --- re-matching stored articles ----------------------------------------------------------

def test_changing_a_term_rematches_stored_articles(feed):
    make.articles(feed, [make.entry("Ny strid om lokalsykehus", guid="urn:1"),
                         make.entry("Sykehuskøene øker", guid="urn:2")])
    term = make.watch_term("sykehus", "party")  # not an issue: no compounds
    assert db.session.scalars(db.select(Mention)).all() == []
    _, counts = mentions.save_term(term, mentions.TermData("sykehus", "issue"))
    assert counts.added == 2
    _, counts = mentions.save_term(term, mentions.TermData("sykehus", "party"))
    assert counts.removed == 2


def test_rematch_all_covers_every_stored_article(app, runner, feed):
    old = utcnow() - timedelta(days=400)
    make.articles(feed, [make.entry("Høyre hånd brukket", guid="urn:old", published=old),
                         make.entry("Solberg (H) svarer", guid="urn:old2", published=old)])
    term = make.watch_term("Høyre", "competitor", variants="H")
    # Mentions stored under older rules: one false hit, one hit missing.
    article_ids = [a for (a,) in db.session.execute(db.text("SELECT id FROM article ORDER BY id"))]
    db.session.add(Mention(article_id=article_ids[0], term_id=term.id, place="title",
                           snippet="Høyre hånd brukket", mark_start=0, mark_end=5, hits=1,
                           status="unset", is_read=False, sort_at=old, created_at=old))
    db.session.commit()
    recent = runner.invoke(args=["rematch"])
    assert "Articles matched again: 0" in recent.output
    result = runner.invoke(args=["rematch", "--all"])
    assert result.exit_code == 0, result.output
    assert "Articles matched again: 2. Mentions added: 1, removed: 1." in result.output
    (left,) = db.session.scalars(db.select(Mention)).all()
    assert left.article_id == article_ids[1] and left.snippet == "Solberg (H) svarer"
    assert runner.invoke(args=["rematch", "--all", "--days", "3"]).exit_code != 0
