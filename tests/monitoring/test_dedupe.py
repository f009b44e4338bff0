"""Content-based dedupe: syndicated copies are one article, look-alikes stay apart."""

from __future__ import annotations

from datetime import timedelta

from crm.monitoring.dedupe import entry_keys, fingerprint, is_permalink, similarity
from tests.monitoring import dedupe_set


def test_the_hand_made_set_is_deduplicated_by_content(app):
    rows = dedupe_set.load()
    articles = dedupe_set.store_all(rows)
    precision, recall = dedupe_set.precision_recall([r["story"] for r in rows], articles)
    assert precision == 1.0  # no two stories in one article
    assert recall >= 0.9


def test_guids_are_global_only_when_they_are_permalinks():
    assert is_permalink("https://www.nrk.no/1.2345")
    assert not is_permalink("nyhet:48213") and not is_permalink("tag:vg.no,2026:1")
    a, b = (dedupe_set.parsed({"guid": "nyhet:48213", "link": "", "title": t, "summary": "",
                               "time": "2026-11-23T09:00"}) for t in ("A", "B"))
    assert entry_keys(a, 1) != entry_keys(b, 2)
    assert entry_keys(a, 1) == entry_keys(b, 1)  # the same feed's id: the same entry


def test_generic_titles_with_little_text_never_merge():
    for title, summary in (("Kort nytt", ""), ("Dagens tegning", ""), ("Siste nytt", "Brann."),
                           ("Trafikkulykke på E6", "Én person er skadd."), ("Leserbrev", "")):
        one = fingerprint(title, summary)
        assert one.bands() == []
        assert similarity(one, fingerprint(title, summary), timedelta(0)) == 0


def test_the_same_text_far_apart_in_time_is_not_merged():
    text = ("Regjeringen vil bruke 450 milliarder oljekroner neste år, og opposisjonen krever "
            "lavere skatter.")
    a, b = fingerprint("Budsjettet er lagt fram", text), fingerprint("Budsjettet lagt fram", text)
    assert similarity(a, b, timedelta(minutes=20)) > 0
    assert similarity(a, b, timedelta(days=5)) == 0


def test_hostile_text_is_fingerprinted_without_error():
    for text in ("", "\x00" * 50, "🙂 " * 500, "<script>alert(1)</script>" * 100, "æøå " * 10_000):
        assert isinstance(fingerprint(text, text).bands(), list)
