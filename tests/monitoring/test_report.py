"""The coverage report: its sections against a hand-computed fixture (mentions, share of
voice, tone, outlets and journalists, top articles, releases sent, inquiries against their
deadlines), and its three renderings: the page, CSV and the .docx on the letterhead."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from docx import Document

from crm.extensions import db
from crm.interactions.services import set_inquiry_status
from crm.monitoring import report, report_docx, tone
from crm.monitoring.analytics import Period
from crm.monitoring.models import Mention
from crm.monitoring.report import Duration, Percent, ReportScope
from crm.releases.models import Distribution, DistributionRecipient
from tests import factories as make

oslo = make.oslo
WEEK = Period(date(2026, 3, 9), date(2026, 3, 15))  # Monday to Sunday
NOW = oslo(2026, 3, 15, 18, 0)
HOSTILE_TITLE = "Ap & Høyre <script>alert(1)</script> æøå 😀\x00"


@pytest.fixture
def week(app, users):
    """One week of coverage and press work, every figure below counted by hand.

    Articles (Oslo time):
      a1 NRK 10.03 09:00 "Arbeiderpartiet vil ha flere lærere"  by Åse Ødegård: party (positive)
      a2 VG  10.03 23:30 "Høyre og Arbeiderpartiet krangler": party (negative), competitor
      a3 NTB story in NRK and VG, 12.03: "Støre besøker en skole i Bodø": politician (positive),
         issue
      a4 VG  14.03 "Høyre lanserer plan": competitor
      a5 NRK 20.03 "Arbeiderpartiet neste uke": outside the week
    Releases: "Lærerløftet" reached 3 recipients on 11.03, 1 failed; "Neste uke" sent 16.03.
    Inquiries (received, deadline, answered):
      q1 10.03 09:00, 12:00, 11:00 -> in time after 2 h
      q2 11.03 14:00, 15:00, 16:30 -> late after 2 h 30 min
      q3 13.03 08:00, 10:00, open  -> deadline passed
      q4 14.03 10:00, none,  10:30 -> 30 min, no deadline
      q5 08.03 (outside the week), answered
    """
    nrk, vg = make.outlet("NRK"), make.outlet("VG")
    ase = make.journalist("Åse Ødegård", org=nrk)
    feeds = {"NRK": make.feed("https://www.nrk.no/rss", "NRK", nrk),
             "VG": make.feed("https://www.vg.no/rss", "VG", vg)}
    store = make.politician("Jonas Gahr Støre")
    make.watch_term("Arbeiderpartiet", "party")
    make.watch_term("Støre", "politician", contact_id=store.id)
    make.watch_term("Høyre", "competitor", case_mode="sensitive")
    make.watch_term("skole", "issue")

    def put(feed, title, when, guid, **fields):
        make.articles(feeds[feed], make.entry(title, guid=guid, published=when, **fields))

    put("NRK", "Arbeiderpartiet vil ha flere lærere", oslo(2026, 3, 10, 9, 0), "a1",
        author="Åse Ødegård")
    put("VG", "Høyre og Arbeiderpartiet krangler", oslo(2026, 3, 10, 23, 30), "a2")
    for feed in ("NRK", "VG"):
        put(feed, "Støre besøker en skole i Bodø", oslo(2026, 3, 12, 12, 0), "ntb-3",
            link="https://www.ntb.no/3")
    put("VG", "Høyre lanserer plan", oslo(2026, 3, 14, 15, 0), "a4")
    put("NRK", "Arbeiderpartiet neste uke", oslo(2026, 3, 20, 9, 0), "a5")
    by = {(m.article.title, m.term.term): m for m in db.session.scalars(db.select(Mention))}
    editor = users["editor"]
    tone.set_tone(by["Arbeiderpartiet vil ha flere lærere", "Arbeiderpartiet"], "positive",
                  editor.id)
    tone.set_tone(by["Høyre og Arbeiderpartiet krangler", "Arbeiderpartiet"], "negative",
                  editor.id)
    tone.set_tone(by["Støre besøker en skole i Bodø", "Støre"], "positive", editor.id)

    release = make.approved(editor, users["admin"], title=HOSTILE_TITLE)
    later = make.approved(editor, users["admin"], title="Neste uke")
    for rel, when, sent, failed in ((release, oslo(2026, 3, 11, 10, 0), 3, 1),
                                    (later, oslo(2026, 3, 16, 10, 0), 2, 0)):
        distribution = Distribution(scheduled_for=when, status="done", finished_at=when)
        for i in range(sent + failed):
            distribution.recipients.append(DistributionRecipient(
                name=f"Mottaker {i}", email=f"m{i}@example.no",
                status="sent" if i < sent else "failed",
                sent_at=when + timedelta(seconds=i) if i < sent else None))
        rel.distributions.append(distribution)
    db.session.commit()

    journalist = make.journalist("Kari Nordmann", org=vg)
    for subject, received, deadline, answered in [
            ("q1", oslo(2026, 3, 10, 9, 0), oslo(2026, 3, 10, 12, 0), oslo(2026, 3, 10, 11, 0)),
            ("q2", oslo(2026, 3, 11, 14, 0), oslo(2026, 3, 11, 15, 0),
             oslo(2026, 3, 11, 16, 30)),
            ("q3", oslo(2026, 3, 13, 8, 0), oslo(2026, 3, 13, 10, 0), None),
            ("q4", oslo(2026, 3, 14, 10, 0), None, oslo(2026, 3, 14, 10, 30)),
            ("q5", oslo(2026, 3, 8, 10, 0), None, oslo(2026, 3, 8, 11, 0))]:
        interaction = make.press_inquiry(journalist, deadline=deadline, when=received,
                                         subject=subject)
        if answered:
            set_inquiry_status(interaction.inquiry, "answered", answer="Svar", now=answered)
    return {"ase": ase}


def _report():
    return report.build_report(ReportScope(WEEK, now=NOW))


def _table(section, key):
    return next(t for t in section.tables if t.key == key)


def test_the_report_has_its_sections_in_order(week):
    built = _report()
    assert [s.key for s in built.sections] == [
        "mentions", "share", "tone", "outlets", "articles", "releases", "inquiries"]
    assert built.title == "Coverage report 9 Mar 2026 – 15 Mar 2026"


def test_mentions_per_day_by_group(week):
    section = _report().section("mentions")
    assert dict(section.figures) == {"Mentions": 6, "Articles": 4, "Party": 2,
                                     "Politicians": 1, "Issues": 1, "Competitors": 2}
    rows = {row[0]: row[1:] for row in _table(section, "daily").rows}
    assert len(rows) == 7
    # party, politician, issue, competitor, total; 23:30 on the 10th is the 10th in Oslo.
    assert rows[date(2026, 3, 10)] == [2, 0, 0, 1, 3]
    assert rows[date(2026, 3, 12)] == [0, 1, 1, 0, 2]
    assert rows[date(2026, 3, 14)] == [0, 0, 0, 1, 1]
    assert rows[date(2026, 3, 11)] == [0, 0, 0, 0, 0]


def test_share_of_voice_against_the_competitors(week):
    section = _report().section("share")
    assert _table(section, "share").rows == [["Our party", 3, 0.6], ["Høyre", 2, 0.4]]
    assert isinstance(section.figures[0][1], Percent)


def test_tone_figures_and_tables(week):
    section = _report().section("tone")
    figures = dict(section.figures)
    assert figures["Mentions with a tone"] == 3
    assert figures["Positive"] == pytest.approx(2 / 3) and figures["Negative"] == \
        pytest.approx(1 / 3) and figures["Neutral"] == 0
    # positive, neutral, negative, not set
    assert _table(section, "tone-outlets").rows == [["VG", 1, 0, 1, 3], ["NRK", 2, 0, 0, 1]]
    assert _table(section, "tone-politicians").rows == [["Jonas Gahr Støre", 1, 0, 0, 0]]
    assert _table(section, "tone-weeks").rows == [[date(2026, 3, 9), 2, 0, 1, 3]]


def test_top_outlets_journalists_and_articles(week):
    built = _report()
    outlets = built.section("outlets")
    assert _table(outlets, "outlets").rows == [["VG", 3], ["NRK", 2]]
    assert _table(outlets, "journalists").rows == [["Åse Ødegård", 1]]
    rows = _table(built.section("articles"), "articles").rows
    # carried by the most feeds first, then the most mentions, then the newest
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("Støre besøker en skole i Bodø", 2, 2), ("Høyre og Arbeiderpartiet krangler", 1, 2),
        ("Høyre lanserer plan", 1, 1), ("Arbeiderpartiet vil ha flere lærere", 1, 1)]
    assert rows[1][4:] == ["Arbeiderpartiet, Høyre", "Negative"]


def test_releases_sent_in_the_period(week):
    section = _report().section("releases")
    assert dict(section.figures) == {"Releases sent": 1, "Recipients reached": 3,
                                     "Recipients failed": 1}
    assert _table(section, "releases").rows == [
        [HOSTILE_TITLE.replace("\x00", ""), oslo(2026, 3, 11, 10, 0), 3]]  # NUL dropped


def test_inquiries_answered_and_how_fast_against_their_deadlines(week):
    section = _report().section("inquiries")
    figures = dict(section.figures)
    assert figures["Inquiries received"] == 4 and figures["Answered"] == 3
    assert figures["Median time to answer"] == timedelta(hours=2)
    assert (figures["Answered before the deadline"], figures["Answered after the deadline"],
            figures["Open past the deadline"]) == (1, 1, 1)
    assert figures["Share in time (of those with a deadline)"] == pytest.approx(1 / 3)
    rows = _table(section, "inquiries").rows
    assert [(r[1], r[4], r[5]) for r in rows] == [
        ("q1", timedelta(hours=2), "in time"), ("q2", timedelta(hours=2, minutes=30), "late"),
        ("q3", None, "deadline passed"), ("q4", timedelta(minutes=30), "")]
    assert isinstance(rows[0][4], Duration)


def test_an_empty_period_gives_an_empty_report_not_an_error(app, users):
    built = report.build_report(ReportScope(Period(date(2025, 1, 6), date(2025, 1, 12))))
    assert dict(built.section("inquiries").figures)["Median time to answer"] is None
    assert _table(built.section("share"), "share").rows == [["Our party", 0, 0.0]]
    assert report.cell_text(None) == "–"


def test_the_report_page_has_charts_tables_and_downloads(week, as_viewer):
    page = as_viewer.get("/monitoring/coverage/report?from=2026-03-09&to=2026-03-15")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") == 7  # per day, share, 3 of tone, outlets, journalists
    assert "Ap &amp; Høyre &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "2 h 30 min" in html and "33%" in html
    assert 'href="/monitoring/coverage/report.docx?from=2026-03-09&amp;to=2026-03-15"' in html


@pytest.mark.parametrize("query", [
    "", "from=&to=", "from=<script>&to=2026-13-45", "from=2026-03-15&to=2026-03-09",
    "from=1900-01-01&to=2999-01-01", "from=" + "9" * 5000, "from=2026-03-09%00&to=æøå😀"])
def test_hostile_periods_give_a_report_not_an_error(week, as_viewer, query):
    for path in ("/monitoring/coverage/report", "/monitoring/coverage/report.csv",
                 "/monitoring/coverage/report.docx"):
        response = as_viewer.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query)
        if response.status_code == 200 and path.endswith("report"):
            assert "Coverage report" in response.text


def test_the_report_as_csv(week, as_viewer):
    response = as_viewer.get("/monitoring/coverage/report.csv?from=2026-03-09&to=2026-03-15")
    assert response.status_code == 200
    assert "coverage-report-20260309-20260315.csv" in response.headers["Content-Disposition"]
    grid = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert len({len(r) for r in grid}) == 1  # one grid: every row padded to the widest
    rows = [r[:max((i + 1 for i, c in enumerate(r) if c), default=0)] for r in grid]
    assert rows[0] == ["Coverage report 9 Mar 2026 – 15 Mar 2026"]
    assert ["Period", "2026-03-09", "2026-03-15"] in rows
    inquiry = next(r for r in rows if len(r) == 6 and r[1] == "q2")
    assert inquiry == ["2026-03-11T14:00+01:00", "q2", "2026-03-11T15:00+01:00",
                       "2026-03-11T16:30+01:00", "150", "late"]
    assert ["Share in time (of those with a deadline)", "0.3333"] in rows
    assert ["Our party", "3", "0.6000"] in rows
    # A title with a formula start would be guarded; the hostile one keeps its text.
    release = next(r for r in rows if r and r[0].startswith("Ap & Høyre"))
    assert release[1:] == ["2026-03-11T10:00+01:00", "3"]


def _docx_text(content: bytes) -> tuple[str, str, list[list[str]]]:
    document = Document(io.BytesIO(content))
    body = "\n".join(p.text for p in document.paragraphs)
    header = "\n".join(p.text for s in document.sections
                       for part in (s.header, s.footer) for p in part.paragraphs)
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return body, header, cells


def test_the_docx_is_on_the_letterhead_and_reads_back(week, as_viewer):
    response = as_viewer.get("/monitoring/coverage/report.docx?from=2026-03-09&to=2026-03-15")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    body, header, cells = _docx_text(response.data)
    assert "The Party · Press office" in header  # the default template's letterhead
    assert "PRESS RELEASE" not in header and "Press release" not in header
    assert "COVERAGE REPORT" in header and "Coverage report" in header
    assert "Coverage report 9 Mar 2026 – 15 Mar 2026" in body
    assert "Period: 9 Mar 2026 – 15 Mar 2026" in body
    for title in ("Share of voice", "Tone by politician", "Press releases sent",
                  "Press inquiries"):
        assert title in body
    assert ["Median time to answer", "2 h 00 min"] in cells
    assert ["Our party", "3", "60%"] in cells
    assert any(row[0] == "Ap & Høyre <script>alert(1)</script> æøå 😀" for row in cells)


def test_the_docx_in_norwegian(week, client, users):
    from tests.support import login
    make.make_user("nb@example.no", "viewer", language="nb")
    login(client, "nb@example.no")
    response = client.get("/monitoring/coverage/report.docx?from=2026-03-09&to=2026-03-15")
    body, header, cells = _docx_text(response.data)
    assert "Partiet · Pressekontoret" in header and "DEKNINGSRAPPORT" in header
    assert "PRESSEMELDING" not in header and "Pressemelding" not in header
    assert "Periode: 09.03.2026 – 15.03.2026" in body
    assert ["Mediantid til svar", "2 t 00 min"] in cells


def test_the_docx_reports_a_broken_letterhead_as_a_message(week, as_viewer, app):
    from crm.releases.models import ReleaseTemplate
    from crm.releases.templates_store import default_for
    template = default_for("en")
    assert isinstance(template, ReleaseTemplate)
    template.content = b"not a zip"
    db.session.commit()
    response = as_viewer.get("/monitoring/coverage/report.docx?from=2026-03-09&to=2026-03-15",
                             follow_redirects=True)
    assert response.status_code == 200
    assert "failed" in response.text


@pytest.mark.slow
def test_libreoffice_opens_the_report(week, app, tmp_path):
    from tests.releases.test_libreoffice import LIBREOFFICE, converted
    if LIBREOFFICE is None:
        pytest.skip("LibreOffice is not installed: cannot check that the report opens in it")
    name, content = report_docx.render_report(_report())
    path = tmp_path / name
    path.write_bytes(content)
    text = converted((tmp_path / "lo-profile").as_uri(), path, "txt:Text (encoded):UTF8",
                     "txt").read_text("utf-8-sig")
    assert "Coverage report 9 Mar 2026 – 15 Mar 2026" in text
    assert "Jonas Gahr Støre" in text and "Ap & Høyre" in text
