"""Parsing feeds: feedparser on our bytes, encoding repair, errors vs warnings, plain text."""

from __future__ import annotations

import time
import unicodedata

import pytest

from crm.monitoring.parse import (
    clean_markup,
    clean_text,
    cut_entries,
    parse_feed,
    repair_utf8,
    resolve_entities,
)
from crm.monitoring.sanitize import clean_html, html_to_text, safe_link
from tests.monitoring.feedserver import rss

XML = {"content-type": "application/rss+xml; charset=utf-8"}


def test_entries_come_out_as_plain_text_with_links_dates_and_bylines():
    body = rss([{
        "title": "Støre &amp; Solberg", "link": "https://www.nrk.no/norge/1",
        "guid": "https://www.nrk.no/norge/1",
        "description": "&lt;p&gt;Arbeider&lt;b&gt;partiet&lt;/b&gt;&lt;/p&gt;"
                       "&lt;p&gt;Høyre&amp;nbsp;vil&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
        "pubDate": "Mon, 23 Nov 2026 07:00:00 +0100", "author": "kari@nrk.no (Kari Nordmann)",
    }])
    feed = parse_feed(body, XML, "https://www.nrk.no/rss")
    assert not feed.error and feed.title == "Testavis"
    entry = feed.entries[0]
    assert entry.title == "Støre & Solberg"
    assert entry.summary == "Arbeiderpartiet Høyre vil"
    assert "<script>" in entry.summary_html  # raw: only ever shown through clean_html
    assert entry.link == "https://www.nrk.no/norge/1" and entry.guid == entry.link
    assert entry.published.isoformat() == "2026-11-23T06:00:00+00:00"
    assert entry.author == "Kari Nordmann"


def test_one_invalid_byte_in_a_utf8_feed_does_not_turn_the_feed_into_mojibake():
    body = rss([{"title": "Støre", "description": "x"}]).replace(b">x<", b">x\xff<")
    repaired, changed = repair_utf8(body, "application/rss+xml")
    assert changed and b"\xef\xbf\xbd" in repaired
    feed = parse_feed(body, XML)
    assert feed.entries[0].title == "Støre"
    assert "Invalid UTF-8 bytes were replaced." in [str(w) for w in feed.warnings]


def test_feeds_in_other_declared_encodings_are_left_alone():
    body = ('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
            '<title>t</title><item><title>Støre</title></item></channel></rss>').encode("latin-1")
    assert repair_utf8(body, "application/xml")[1] is False
    assert parse_feed(body, {"content-type": "application/xml"}).entries[0].title == "Støre"
    utf16 = "\ufeff<rss><channel><item><title>Rødt</title></item></channel></rss>".encode(
        "utf-16")
    assert repair_utf8(utf16, "")[1] is False
    assert parse_feed(utf16, {"content-type": "application/xml"}).entries[0].title == "Rødt"


def test_wrong_content_type_is_only_a_warning():
    feed = parse_feed(rss([{"title": "Ap"}]), {"content-type": "text/plain"})
    assert not feed.error and feed.warnings and feed.entries


def test_broken_xml_with_entries_recovered_is_healthy_with_a_warning():
    feed = parse_feed(rss([{"title": "Ap & Sp"}]), XML)
    assert feed.error is None and feed.entries[0].title == "Ap & Sp"
    assert str(feed.warnings[-1]).startswith("Not well-formed XML")
    assert "1 entry was recovered" in str(feed.warnings[-1])


def test_broken_xml_without_entries_is_an_error():
    feed = parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title', XML)
    assert feed.error is not None and not any(e.title for e in feed.entries)


@pytest.mark.parametrize("version", ["0.91", "2.0"])
def test_html_entities_in_rss_resolve_to_their_letters(version):
    body = (f'<?xml version="1.0"?><rss version="{version}"><channel><title>T&aring;</title>'
            '<item><title>St&oslash;re og H&oslash;yre</title><link>https://nrk.no/1</link>'
            '<description>&AElig;re &amp; St&amp;oslash;re</description>'
            '<author>k@nrk.no (Kj&oslash;l)</author></item>'
            '<item><title>St&amp;oslash;re</title><link>https://nrk.no/2</link></item>'
            '</channel></rss>').encode()
    feed = parse_feed(body, XML)
    assert feed.error is None and feed.warnings and feed.title == "Tå"
    first, second = feed.entries
    assert first.title == "Støre og Høyre" and first.summary == "Ære & Støre"
    assert first.author == "Kjøl" and second.title == "Støre"


def test_an_unbound_namespace_prefix_keeps_the_entries():
    body = rss([{"title": "Ap", "nrk:kategori": "politikk"}, {"title": "Sp"}])
    feed = parse_feed(body, XML)
    assert feed.error is None and [e.title for e in feed.entries] == ["Ap", "Sp"]
    assert "unbound prefix" in str(feed.warnings[-1])


def test_a_broken_feed_with_its_title_but_no_entries_yet_is_healthy_with_a_warning():
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Nyheter fra T&oslash;nsberg'
    feed = parse_feed(body + b"</title></channel></rss>", XML)
    assert feed.error is None and feed.title == "Nyheter fra Tønsberg"
    assert "could still be read" in str(feed.warnings[-1])


def test_plain_text_entities_resolve_but_text_stays_text():
    assert resolve_entities("St&oslash;re &#229; &#xe6; R&D AT&T;x &bogus;") == \
        "Støre å æ R&D AT&T;x &bogus;"


def test_stored_text_has_no_control_soft_hyphen_or_zero_width_characters():
    invisible = "\x01\x08\x0b\x1f\x7f\u00ad\u200b\u200c\u200d\u2060\ufeff"
    body = rss([{"title": f"Arbeider{invisible}partiet\tvil&#173;&#x200B;", "guid": "urn:a\u200b1",
                 "description": "&lt;p&gt;Sk&amp;shy;ole&amp;#8203;\u00ad&lt;/p&gt; \x02",
                 "author": "Kari\u00ad Nord\u200bmann"}])
    entry = parse_feed(body, XML).entries[0]
    assert entry.title == "Arbeiderpartiet vil" and entry.guid == "urn:a1"
    assert entry.summary == "Skole" and entry.summary_html == "<p>Skole</p> "
    assert entry.author == "Kari Nordmann"
    assert clean_text("a\u00adb\x00c\nd\x85") == "abc d" and clean_markup("<p>a\u00ad\n</p>") == "<p>a\n</p>"


@pytest.mark.parametrize("byline", ["<p>Kari Nordmann</p>", "<p><b>Kari Nordmann</b></p>",
                                    "<span class='x'>Kari Nordmann</span>"])
def test_a_byline_wrapped_in_html_keeps_the_name(byline):
    body = rss([{"title": "a", "author": byline}, {"title": "b", "dc:creator": byline}])
    body = body.replace(b'<rss version="2.0">', b'<rss version="2.0" '
                        b'xmlns:dc="http://purl.org/dc/elements/1.1/">')
    assert [e.author for e in parse_feed(body, XML).entries] == ["Kari Nordmann"] * 2


def test_two_names_in_html_paragraphs_stay_two_names():
    entry = parse_feed(rss([{"title": "a", "author": "<p>Kari Nordmann</p><p>Ola Hansen</p>"}]),
                       XML).entries[0]
    assert entry.author == "Kari Nordmann, Ola Hansen"


def test_an_atom_id_that_is_not_a_web_address_is_never_the_link():
    body = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            b'<entry><title>a</title><id>tag:nrk.no,2026:1</id></entry>'
            b'<entry><title>b</title><id>www.nrk.no/sak/1</id></entry>'
            b'<entry><title>c</title><id>1</id><link href="/sak/3"/></entry>'
            b'<entry><title>d</title><id>https://www.nrk.no/sak/4</id></entry>'
            b'<entry><title>e</title><id>2</id><link rel="enclosure" href="https://x/y.mp3"/>'
            b'<link href="https://www.nrk.no/sak/5"/></entry></feed>')
    feed = parse_feed(body, {"content-type": "application/atom+xml"}, "https://www.nrk.no/rss")
    assert [e.link for e in feed.entries] == [
        "", "", "https://www.nrk.no/sak/3", "https://www.nrk.no/sak/4",
        "https://www.nrk.no/sak/5"]
    assert [e.guid for e in feed.entries][:2] == ["tag:nrk.no,2026:1", "www.nrk.no/sak/1"]


def test_rss_guids_that_are_not_web_addresses_are_not_links():
    feed = parse_feed(rss([{"title": "a", "guid": "nyhet:48213"},
                           {"title": "b", "guid": "https://vg.no/1"}]), XML, "https://vg.no/rss")
    assert [e.link for e in feed.entries] == ["", "https://vg.no/1"]


def test_html_pages_and_empty_answers_are_not_feeds():
    assert parse_feed(b"<html><body><p>Hei</p></body></html>", {"content-type": "text/html"}) \
        .error
    assert str(parse_feed(b"", XML).error) == "The server sent an empty response."
    assert parse_feed(b"\x00\xff" * 100, XML).error


def test_xml_entity_expansion_is_not_performed():
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    body = ('<?xml version="1.0"?><!DOCTYPE rss [' + "".join(lol) + ']>'
            '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
            '<description>&lol9;</description></item></channel></rss>').encode()
    started = time.process_time()
    feed = parse_feed(body, XML)
    assert time.process_time() - started < 30  # generous: expansion would never finish
    assert all(len(e.title) < 1000 and len(e.summary) < 1000 for e in feed.entries)
    assert len(feed.title) < 1000


def test_external_entities_are_not_read():
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>')
    feed = parse_feed(body, XML)
    assert all("root:" not in e.title for e in feed.entries)


def test_a_body_that_is_a_local_file_name_is_not_opened(tmp_path):
    local = tmp_path / "secret.xml"
    local.write_bytes(rss([{"title": "SECRET"}]))
    feed = parse_feed(str(local).encode(), XML)
    assert not feed.entries


def test_links_are_only_kept_when_http():
    body = rss([{"title": "a", "link": "javascript:alert(1)"}, {"title": "b", "link": "/rel/2"}])
    feed = parse_feed(body, XML, "https://www.vg.no/rss")
    assert feed.entries[0].link == ""
    assert feed.entries[1].link == "https://www.vg.no/rel/2"


def test_very_many_entries_are_capped():
    body = rss([{"title": f"sak {i}", "guid": f"urn:{i}"} for i in range(600)])
    feed = parse_feed(body, XML)
    assert len(feed.entries) == 500 and feed.total_entries == 600 and feed.warnings
    assert feed.error is None and feed.entries[-1].title == "sak 499"
    assert feed.title == "Testavis"


@pytest.mark.parametrize("close", ["</item>", "</ITEM >", "</rss:item>"])
def test_the_document_is_cut_after_the_last_entry_read_and_stays_well_formed(close):
    items = "".join(f"<item><title>{i}</title>{close}" for i in range(8))
    body = f"<rss><channel><title>T</title>{items}<textInput/></channel></rss>".encode()
    cut, count = cut_entries(body, limit=3)
    assert count == 8
    assert cut.count(close.encode()) == 3 and cut.endswith(b"<textInput/></channel></rss>")
    assert cut_entries(body, limit=8) == (body, 8)


def test_closing_tags_inside_cdata_or_comments_do_not_count():
    items = "".join(f"<item><title>{i}</title><description><![CDATA[</item>]]></description>"
                    f"<!-- </entry> --></item>" for i in range(4))
    body = f"<rss><channel>{items}</channel></rss>".encode()
    cut, count = cut_entries(body, limit=2)
    assert count == 4 and cut.count(b"<item>") == 2 and cut.endswith(b"</channel></rss>")


def test_atom_feeds_are_cut_too():
    entries = "".join(f"<entry><title>{i}</title><id>urn:{i}</id></entry>" for i in range(700))
    body = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f"{entries}</feed>").encode()
    feed = parse_feed(body, {"content-type": "application/atom+xml"})
    assert feed.error is None and len(feed.entries) == 500 and feed.total_entries == 700
    assert not any("well-formed" in str(w) for w in feed.warnings)


@pytest.mark.slow
def test_a_huge_feed_of_tiny_entries_is_cut_before_parsing():
    items = b"".join(b"<item><title>x%d</title></item>" % i for i in range(250_000))
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' + items + \
        b"</channel></rss>"
    feed = parse_feed(body, XML)
    assert len(feed.entries) == 500 and feed.total_entries == 250_000
    assert feed.entries[-1].title == "x499" and feed.error is None


def test_html_to_text_folds_space_and_composes_letters():
    decomposed = unicodedata.normalize("NFD", "Jonas Gahr\u00a0Støre på Blåsenborg")
    assert html_to_text(decomposed) == "Jonas Gahr Støre på Blåsenborg"
    assert html_to_text("<p>Ap</p><p>Sp</p>") == "Ap Sp"
    assert html_to_text("Arbeider<em>partiet</em>") == "Arbeiderpartiet"
    assert html_to_text("a <!-- skjult --> b <style>p{}</style> c") == "a b c"
    assert html_to_text("1 &lt; 2 &amp;&#248;") == "1 < 2 &ø"
    assert html_to_text("<script>" * 10000) == ""  # hostile markup stays linear


def test_clean_html_keeps_formatting_and_drops_everything_active():
    dirty = ('<p onclick="x()">Hei <b>du</b><script>alert(1)</script>'
             '<a href="javascript:alert(1)">j</a><a href="https://nrk.no">nrk</a>'
             '<img src="x" onerror="alert(1)"><iframe src="https://evil"></iframe>'
             '<style>body{}</style></p>')
    clean = str(clean_html(dirty))
    for bad in ("script", "onclick", "onerror", "javascript", "<img", "iframe", "style"):
        assert bad not in clean
    assert '<a href="https://nrk.no" rel="noopener noreferrer nofollow">nrk</a>' in clean
    assert "<b>du</b>" in clean


def test_safe_link():
    assert safe_link("https://www.vg.no/a?b=1") == "https://www.vg.no/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//vg.no", "vg.no", "http://",
                "https://vg.no/a b", None, ""):
        assert safe_link(bad) == ""


def test_nul_characters_never_reach_the_database():
    body = rss([{"title": "Ap\x00 vil &#0; x", "description": "a\x00b", "guid": "urn:\x00",
                 "link": "https://vg.no/\x00a"}])
    entry = parse_feed(body, XML).entries[0]
    for value in (entry.title, entry.summary, entry.summary_html, entry.guid, entry.link):
        assert "\x00" not in value
    assert entry.title.startswith("Ap vil")
