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


def test_the_cycle_index_in_memory_finds_what_sql_finds(app):
    """A poll cycle finds the copies of articles it stored itself in memory, older ones by
    SQL: the same grouping either way."""
    from crm.extensions import db
    from crm.monitoring.models import Article, ArticleKey, ArticleSketch, ArticleSource, Feed

    rows = dedupe_set.load()
    in_memory = dedupe_set.store_all(rows)
    for model in (ArticleSource, ArticleSketch, ArticleKey, Article, Feed):
        db.session.execute(db.delete(model))
    db.session.commit()
    by_sql = dedupe_set.store_all(rows, cycle_index=False)

    def groups(labels):
        return sorted(sorted(i for i, x in enumerate(labels) if x == label)
                      for label in set(labels))

    assert groups(in_memory) == groups(by_sql)
    assert len(set(in_memory)) < len(rows)  # copies were found (not all apart)


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


BOILERPLATE = ("Regjeringen la i dag fram forslaget for Stortinget, og opposisjonen reagerer "
               "kraftig. Saken har vært diskutert i komiteen i flere uker. ")


def _store(feed, rows, with_terms=False):
    """Store rows as one poll of `feed` (matching the database's watch terms if asked)."""
    from crm.extensions import db
    from crm.monitoring.matching import Matcher
    from crm.monitoring.store import BylineIndex, StoreContext, load_matcher, store_entries

    ctx = StoreContext(load_matcher() if with_terms else Matcher([]), BylineIndex())
    counts = store_entries(feed.id, None, [dedupe_set.parsed(r) for r in rows], ctx)
    db.session.commit()
    return counts


def _row(title, summary, guid, time="2026-11-23T09:00"):
    return {"title": title, "summary": summary, "guid": guid, "time": time,
            "link": f"https://www.example.no/{guid}"}


def test_a_feeds_boilerplate_does_not_make_its_stories_alike(app):
    from tests import factories as make
    one, other = make.feed("https://a.example.no/rss"), make.feed("https://b.example.no/rss")
    names = ["Støre", "Solberg", "Vedum", "Listhaug", "Bergstø", "Moxnes"]
    rows = [_row(f"{n} vil endre bompengene", BOILERPLATE + f"Mer om {n}s utspill.", f"a{i}")
            for i, n in enumerate(names)]
    assert _store(one, rows).new_articles == len(names)
    rows = [_row(f"{n} vil endre bompengene nå", BOILERPLATE + f"Mer om {n}s forslag.",
                 f"b{i}") for i, n in enumerate(reversed(names))]
    assert _store(other, rows).new_articles == len(names)


def test_a_copy_never_loses_a_mention_of_its_own_text(app):
    from crm.extensions import db
    from crm.monitoring.mentions import rematch
    from crm.monitoring.models import Article, ArticleSource, Mention
    from tests import factories as make
    make.watch_term("Støre", group="politician")
    make.watch_term("Vedum", group="politician")
    text = ("Regjeringen vil bruke 450 milliarder oljekroner neste år. Finansministeren varsler "
            "kutt i statlige investeringer og mer penger til sykehusene.")
    vg, ba = make.feed("https://vg.example.no/rss"), make.feed("https://ba.example.no/rss")
    _store(vg, [_row("Støre legger fram statsbudsjettet", text, "vg1")], True)
    counts = _store(ba, [_row("Støre og Vedum legger fram statsbudsjettet", "",
                              "ba1", "2026-11-23T09:05")], True)
    # No summary: kept apart (titles alone are not enough for short titles) ...
    assert counts.new_articles == 1
    counts = _store(ba, [_row("Vedum: Støre legger fram statsbudsjettet", text + " Vedum er enig.",
                              "ba2", "2026-11-23T09:06")], True)
    assert counts.new_articles == 0 and counts.new_mentions == 1  # ... a copy joins: + Vedum
    article = db.session.scalars(db.select(Article).where(Article.title.like("Støre legger%"))).one()
    sources = db.session.scalars(db.select(ArticleSource).where(
        ArticleSource.article_id == article.id)).all()
    assert {s.title for s in sources} == {"Støre legger fram statsbudsjettet",
                                          "Vedum: Støre legger fram statsbudsjettet"}
    terms = {m.term.term for m in db.session.scalars(
        db.select(Mention).where(Mention.article_id == article.id))}
    assert terms == {"Støre", "Vedum"}
    # Re-matching every stored article keeps both: each source's own text is matched.
    db.session.execute(db.delete(Mention))
    db.session.commit()
    rematch(None)
    assert {m.term.term for m in db.session.scalars(
        db.select(Mention).where(Mention.article_id == article.id))} == {"Støre", "Vedum"}


def test_a_later_copy_fills_what_the_first_left_empty(app):
    from crm.extensions import db
    from crm.monitoring.models import Article
    from tests import factories as make
    title = "Norge slo Sverige 3–1 i VM-kvalifiseringen etter to mål av Haaland"
    first = make.feed("https://one.example.no/rss")
    second = make.feed("https://two.example.no/rss")
    _store(first, [{"title": title, "summary": "", "guid": "x1", "link": "",
                    "time": "2026-11-23T15:00"}])
    _store(second, [_row(title, "", "y1", "2026-11-23T15:05")])
    article = db.session.scalars(db.select(Article)).one()
    assert article.link == "https://www.example.no/y1"


def test_a_rolled_back_store_leaves_nothing_in_the_cycle_index(app):
    from crm.extensions import db
    from crm.monitoring.store import StoreContext, store_entries
    from tests import factories as make

    one, other = make.feed("https://a.example.no/rss"), make.feed("https://b.example.no/rss")
    text = ("Regjeringen la i dag fram forslaget om nye bompenger i Bergen, og opposisjonen "
            "reagerer kraftig på økningen.")
    story = dedupe_set.parsed(_row("Nye bompenger i Bergen møter sterk motstand i bystyret",
                                   text, "a1"))
    copy = dedupe_set.parsed(_row("Nye bompenger i Bergen møter sterk motstand i bystyret",
                                  text, "b1", time="2026-11-23T09:20"))
    ctx = StoreContext.load()
    assert store_entries(one.id, None, [story], ctx).new_articles == 1
    db.session.rollback()
    ctx.rolled_back()
    ctx.committed()  # nothing pending any more
    assert not ctx.recent and not ctx.prints
    assert store_entries(one.id, None, [story], ctx).new_articles == 1
    db.session.commit()
    ctx.committed()
    assert len(ctx.recent) == 1 and ctx.first_recent is not None
    counts = store_entries(other.id, None, [copy], ctx)  # found in memory, not by SQL
    db.session.commit()
    ctx.committed()
    assert (counts.new_articles, counts.new_sources) == (0, 1)
    [article_id] = ctx.recent
    assert sorted(ctx.recent[article_id].feeds) == sorted([one.id, other.id])


def test_a_band_shared_by_crowds_of_look_alikes_neither_hides_a_copy_nor_costs_a_scan(app):
    """A band that hundreds of the cycle's articles share (a recurring phrase) is passed over
    while the entry's other bands find candidates; it is read, newest first, only when they
    find none. Candidates are ranked by the bands they share, then by nearness in time."""
    from crm.monitoring.prepare import prepare_entries
    from crm.monitoring.store import CROWDED, StoreContext, _Entry, _Recent, _shortlist

    text = ("Regjeringen la i dag fram forslaget om nye bompenger i Bergen, og opposisjonen "
            "reagerer kraftig på økningen.")
    entry = dedupe_set.parsed(_row("Nye bompenger i Bergen møter motstand", text, "a1"))
    prepared = prepare_entries(1, [entry]).items[0]
    item = _Entry(entry, prepared, prepared.print_, entry.published)
    crowded, *own = prepared.bands
    ctx = StoreContext.load()
    look_alikes = range(1000, 1000 + 3 * CROWDED)
    for article_id in look_alikes:
        ctx.recent[article_id] = _Recent(entry.published - timedelta(minutes=10),
                                         prepared.print_.title_words, [2])
    copy = 5000
    ctx.recent[copy] = _Recent(entry.published + timedelta(minutes=2),
                               prepared.print_.title_words, [3])
    ctx.recent_bands[crowded] = [*look_alikes, copy]
    ctx.recent_bands[own[0]] = copy
    assert _shortlist(item, {}, 1, ctx) == [(copy, ctx.recent[copy].sort_at)]
    # No other band finds anything: the crowded band's newest are read, the copy first.
    del ctx.recent_bands[own[0]]
    found = [article_id for article_id, _at in _shortlist(item, {}, 1, ctx)]
    assert found[0] == copy and set(found) <= {copy, *look_alikes[-CROWDED:]}
    # The feed's own articles are never candidates.
    assert _shortlist(item, {}, 3, ctx)[0][0] != copy


def test_bulk_inserts_store_what_an_insert_would_and_clash_as_an_insert_does(app):
    """On PostgreSQL by COPY: the columns' bind processing (UTC times), Python-side defaults
    for the columns left out, and a unique violation as SQLAlchemy's IntegrityError."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    from crm.extensions import db
    from crm.monitoring.models import Article, ArticleKey, Mention
    from crm.monitoring.store import COPY_MIN_ROWS, bulk_insert
    from crm.timeutil import utcnow
    from tests import factories as make

    term = make.watch_term("Støre")
    feed = make.feed("https://a.example.no/rss")
    _store(feed, [_row(f"Sak {i} om ferja", f"Tekst nummer {i} om ferja i fjorden.", f"g{i}")
                  for i in range(COPY_MIN_ROWS + 5)])
    articles = db.session.scalars(db.select(Article).order_by(Article.id)).all()
    at = utcnow().replace(microsecond=0)
    bulk_insert(Mention.__table__, [
        {"article_id": a.id, "term_id": term.id, "place": "title", "snippet": f"«{a.title}» ø\n",
         "mark_start": 0, "mark_end": 3, "hits": 1, "status": "unset", "is_read": False,
         "sort_at": at, "created_at": at} for a in articles])
    db.session.commit()
    stored = db.session.scalars(db.select(Mention).order_by(Mention.article_id)).all()
    assert len(stored) == len(articles)
    assert {(m.tone, m.sort_at, m.is_read) for m in stored} == {("", at, False)}
    assert stored[0].snippet == f"«{articles[0].title}» ø\n"
    clash = [{"key": f"k{i}", "article_id": articles[0].id} for i in range(COPY_MIN_ROWS)]
    bulk_insert(ArticleKey.__table__, clash)
    db.session.commit()
    with pytest.raises(IntegrityError):
        bulk_insert(ArticleKey.__table__, clash)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(ArticleKey).where(
        ArticleKey.key.like("k%"))) == COPY_MIN_ROWS
