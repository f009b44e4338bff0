"""Re-matching when terms change, link normalisation, and coverage figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.extensions import db
from crm.monitoring import analytics, mentions
from crm.monitoring.dedupe import entry_keys, normalise_link, trusted_guids
from crm.monitoring.models import Article, Feed, Mention, WatchTerm
from crm.monitoring.store import Byline, BylineIndex, load_matcher
from crm.timeutil import local_today, utcnow
from tests import factories as make

entry = make.entry
store = make.articles


@pytest.fixture
def feed(app):
    return make.feed("https://www.dagsavisen.no/rss", "Dagsavisen", make.outlet("Dagsavisen"))


def test_a_new_term_finds_recent_articles_but_not_old_ones(feed):
    now = utcnow()
    store(feed, [entry("Rødt vil ha streik", guid="urn:1", published=now - timedelta(days=2)),
                 entry("Rødt i 2019", guid="urn:2", published=now - timedelta(days=400))])
    term, counts = mentions.save_term(None, mentions.TermData("Rødt", "competitor",
                                                              case_mode="sensitive"), days=30)
    assert (counts.articles, counts.added, counts.removed) == (1, 1, 0)
    assert [m.article.title for m in db.session.scalars(db.select(Mention))] == \
        ["Rødt vil ha streik"]


def test_editing_a_term_keeps_marks_on_mentions_that_still_match(feed):
    term = make.watch_term("Ap")
    store(feed, [entry("Ap vil", guid="urn:1"), entry("AP-foto: Ap-leder", guid="urn:2")])
    first, second = db.session.scalars(db.select(Mention).order_by(Mention.id)).all()
    mentions.set_status(first, "relevant")
    mentions.save_term(term, mentions.TermData("Ap", "party", exclusions="Ap-leder"))
    (left,) = db.session.scalars(db.select(Mention)).all()
    assert left.id == first.id and left.status == "relevant" and left.is_read
    mentions.save_term(term, mentions.TermData("Ap", "party", active=False, exclusions="Ap vil"))
    assert len(db.session.scalars(db.select(Mention)).all()) == 1  # inactive: history stays
    assert second.id != left.id


def test_deleting_a_term_removes_its_mentions(feed):
    term = make.watch_term("Ap")
    store(feed, [entry("Ap vil", guid="urn:1")])
    mentions.delete_term(term)
    assert db.session.scalars(db.select(Mention)).all() == []


def test_term_validation(app):
    for data, field in [
        (mentions.TermData(""), "term"), (mentions.TermData("Ap", group="x"), "group"),
        (mentions.TermData("Ap", case_mode="x"), "case_mode"),
        (mentions.TermData("Ap", contact_id=999), "contact_id"),
        (mentions.TermData("Ap", variants="\n".join(f"v{i}" for i in range(60))), "variants"),
    ]:
        with pytest.raises(mentions.TermError) as info:
            mentions.save_term(None, data)
        assert info.value.field == field
    term = make.watch_term("  Jonas\u00a0Gahr   Støre ")
    assert term.term == "Jonas Gahr Støre"


def test_rematch_command(app, runner, feed):
    make.watch_term("Ap")
    store(feed, [entry("Ap vil", guid="urn:1")])
    db.session.execute(db.delete(Mention))
    db.session.commit()
    result = runner.invoke(args=["rematch", "--days", "7"])
    assert "Mentions added: 1" in result.output


def test_stored_articles_get_mentions_and_bylines(feed):
    journalist = make.contact("Åse Ødegård", org=db.session.get(Feed, feed.id)
                              .organisation)
    make.watch_term("Arbeiderpartiet")
    counts = store(feed, [entry("Nytt fra Arbeiderpartiets landsmøte", guid="urn:1",
                                author="ÅSE ØDEGÅRD")])
    assert counts.new_mentions == 1
    article = db.session.scalars(db.select(Article)).one()
    assert article.author_contact_id == journalist.id
    assert BylineIndex.load().find("Åse Ødegård og Ola Nordmann, NTB", None) == \
        Byline(journalist.id, guess=True)
    assert not load_matcher().empty


def test_normalised_links():
    assert normalise_link("https://www.VG.no/nyheter/i/1/?utm_source=fb&b=2&a=1#top") == \
        normalise_link("http://vg.no/nyheter/i/1?a=1&b=2")
    assert normalise_link("https://www.vg.no/") == ""  # a front page identifies nothing
    assert normalise_link("javascript:alert(1)") == "" and normalise_link("") == ""
    assert normalise_link("http://x:99999/") == ""


@pytest.mark.parametrize("one,other", [
    ("https://www.nrk.no/norge/støre-1.123", "https://nrk.no/norge/st%c3%b8re-1.123"),
    ("https://e24.no/a?q=a b&UTM_Medium=x&fbclid=1", "https://e24.no/a?q=a+b"),
    ("https://E24.no:443/A/B/#kommentarer", "http://e24.no:80/A/B"),
    ("https://Bücher.de/x", "https://xn--bcher-kva.de/x"),
])
def test_links_that_are_the_same_page(one, other):
    assert normalise_link(one) == normalise_link(other) != ""


@pytest.mark.parametrize("link", ["http://[::1/a", "https://ex.no:8443/a", "https://ex.no/A",
                                  "ftp://ex.no/a", "https://" + "a" * 70 + ".no/x", "//ex.no/a"])
def test_odd_links_never_fail(link):
    assert isinstance(normalise_link(link), str)
    assert normalise_link("https://ex.no:8443/a") != normalise_link("https://ex.no/a")
    assert normalise_link("https://ex.no/A") != normalise_link("https://ex.no/a")


def test_entry_keys_and_guid_trust():
    # Titles and times are no identity any more (content decides: test_dedupe.py).
    when = datetime(2026, 11, 23, 6, tzinfo=UTC)
    short = entry("Kort nytt", published=when)
    assert entry_keys(short, 1) != entry_keys(entry("Kort nytt", published=when), 2)
    assert entry_keys(entry("x", guid="1"), 1) != entry_keys(entry("x", guid="1"), 2)
    # Only http(s) permalinks are global GUIDs: "urn:ntb:1" may be any CMS's numbering.
    assert entry_keys(entry("x", guid="urn:ntb:1"), 1) != entry_keys(entry("y",
                                                                          guid="urn:ntb:1"), 2)
    assert entry_keys(entry("x", guid="https://www.ntb.no/1"), 1)[0] == entry_keys(
        entry("y", guid="http://ntb.no/1/"), 2)[0]
    assert trusted_guids([entry(str(i), guid=f"g{i}") for i in range(20)])
    assert not trusted_guids([entry(str(i), guid="g") for i in range(20)])
    assert entry_keys(entry(""), 1)  # never empty


def test_coverage_figures_exclude_noise_and_count_days_in_oslo(feed):
    kari = make.contact("Kari Nordmann", org=db.session.get(Feed, feed.id).organisation)
    make.watch_term("Ap")
    make.watch_term("Høyre", group="competitor", case_mode="sensitive")
    today = local_today()
    noon = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
    store(feed, [
        entry("Ap og Høyre", guid="urn:1", author="Kari Nordmann", published=noon),
        entry("Ap alene", guid="urn:2", published=noon - timedelta(days=1)),
        entry("Høyre alene", guid="urn:3", published=noon - timedelta(days=1)),
        entry("Ap støy", guid="urn:4", published=noon),
    ])
    noise = db.session.scalars(db.select(Mention).join(Mention.article).where(
        Article.title == "Ap støy")).one()
    mentions.set_status(noise, "noise")
    period = analytics.Period.clamp(today - timedelta(days=6), today, today)
    per_day = analytics.mentions_per_day(period)
    assert per_day[today]["party"] == 1 and per_day[today]["competitor"] == 1
    assert per_day[today - timedelta(days=1)]["party"] == 1
    assert analytics.top_outlets(period) == [("Dagsavisen", 3)]
    assert analytics.top_journalists(period) == [(kari.id, "Kari Nordmann", 1)]
    share = {label: (n, round(f, 2)) for label, n, f in analytics.share_of_voice(period)}
    assert share == {"__ours__": (2, 0.5), "Høyre": (2, 0.5)}
    name, text = analytics.csv_report("outlets", period, "Vi")
    assert name.startswith("top-outlets-") and '"Dagsavisen","3"' in text


def test_csv_cells_cannot_start_formulas():
    text = analytics.to_csv(["a"], [["=HYPERLINK(\"x\")"], ["+1"], ["-1"], ["@SUM"], ["ok"]])
    assert text.splitlines()[1:] == ["\"'=HYPERLINK(\"\"x\"\")\"", "\"'+1\"", "\"'-1\"",
                                     "\"'@SUM\"", "\"ok\""]


def test_period_is_clamped():
    today = date(2026, 11, 23)
    assert analytics.Period.clamp(None, None, today) == analytics.Period(
        date(2026, 10, 25), today)
    flipped = analytics.Period.clamp(date(2026, 11, 20), date(2026, 11, 1), today)
    assert flipped.start < flipped.end
    assert len(analytics.Period.clamp(date(1900, 1, 1), today, today).days) == 366


def test_watch_term_forms(app):
    term = WatchTerm(term="Arbeiderpartiet", variants="Arbeidarpartiet\n\n  \nAp-partiet",
                     exclusions="AP-foto\n")
    assert term.forms == ["Arbeiderpartiet", "Arbeidarpartiet", "Ap-partiet"]
    assert term.exclusion_list == ["AP-foto"]
