"""Benchmark of the coverage report: building it for 30 days and 20,000 mentions.

    .venv/bin/python scripts/bench_report.py [--mentions 20000] [--days 30] [--runs 5]
        [--database-url URL ...]

Fills a fresh database per URL (a temporary SQLite file unless --database-url is given; the
tables of a given database are dropped and created again: give it one of its own) with
20 outlets and their feeds, 300 watch terms (party, competitors, issues, politicians with
contacts), 200 journalists, articles over DAYS days carrying MENTIONS mentions in all (a
fifth of the stories syndicated to a second feed, a third of the mentions with a tone, 2%
noise), 40 press releases sent to 100 recipients each and 300 press inquiries with deadlines.
Prints, per database: the time to build the whole report (every section of
crm.monitoring.report.SECTIONS; the goal is under 1 s), best and median of RUNS runs, each
section's share, and the time to render it as CSV and as the page. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUTLETS = ["NRK", "TV 2", "VG", "Dagbladet", "Aftenposten", "Dagens Næringsliv", "E24",
           "Klassekampen", "Nationen", "Vårt Land", "Dagsavisen", "NTB", "Bergens Tidende",
           "Adresseavisen", "Stavanger Aftenblad", "Fædrelandsvennen", "Nordlys", "iTromsø",
           "Sunnmørsposten", "Romerikes Blad"]
PARTIES = ["Høyre", "Fremskrittspartiet", "Senterpartiet", "SV", "Rødt", "Venstre", "KrF",
           "MDG"]
ISSUES = ["bompenger", "formuesskatt", "strømpris", "sykehus", "eldreomsorg", "fiskeri",
          "barnehage", "skolemat", "pensjon", "boligbygging", "klimakutt", "samferdsel"]
FIRST = ["Jonas", "Erna", "Trygve", "Sylvi", "Kari", "Ola", "Åse", "Øystein", "Marit", "Per",
         "Ingvild", "Bjørnar", "Hadia", "Audun", "Kirsti", "Torbjørn", "Guri", "Espen"]
LAST = ["Støre", "Solberg", "Vedum", "Listhaug", "Nordmann", "Hansen", "Ødegård", "Bergstø",
        "Moxnes", "Tajik", "Brenna", "Vestre", "Åsland", "Lie", "Haugland", "Berg"]
TONES = ["positive", "neutral", "negative"]


def _app(url: str):
    from crm import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "CRM_DEFAULT_LANGUAGE": "en", "SERVER_NAME": "bench.local"})


def fill(n_mentions: int, days: int, end: date) -> None:
    """The bench data, inserted in bulk (no matching: the report reads stored mentions)."""
    from crm.auth.services import create_user
    from crm.contacts.services import ContactData, create_contact, save_organisation
    from crm.extensions import db
    from crm.interactions.models import Interaction, PressInquiry
    from crm.monitoring.models import Article, ArticleSource, Feed, Mention, WatchTerm
    from crm.releases.models import Distribution, DistributionRecipient, Release
    from crm.timeutil import local_day_bounds

    rng = random.Random(7)
    user = create_user("bench@example.no", "correct horse battery staple", role="admin",
                       name="Bench")
    outlets = [save_organisation(None, name=name, kind="outlet") for name in OUTLETS]
    feeds = [Feed(url=f"https://{i}.example.no/rss", name=o.name, organisation_id=o.id)
             for i, o in enumerate(outlets)]
    db.session.add_all(feeds)
    journalists = [create_contact(ContactData(kind="journalist", name=f"Journalist {i:03d}",
                                              organisation_id=outlets[i % 20].id))
                   for i in range(200)]
    terms = [WatchTerm(term="Arbeiderpartiet", group="party")]
    terms += [WatchTerm(term=p, group="competitor") for p in PARTIES]
    terms += [WatchTerm(term=i, group="issue") for i in ISSUES]
    names = sorted({f"{a} {b}" for a in FIRST for b in LAST})
    rng.shuffle(names)
    for i, name in enumerate(names[:300 - len(terms)]):
        contact = create_contact(ContactData(kind="politician", name=name)) if i < 60 else None
        terms.append(WatchTerm(term=name, group="politician",
                               contact_id=contact.id if contact else None))
    db.session.add_all(terms)
    db.session.commit()

    lo, _ = local_day_bounds(end - timedelta(days=days - 1))
    _, hi = local_day_bounds(end)
    span = (hi - lo).total_seconds()
    articles, sources, mentions = [], [], []
    article_id = mention_id = source_id = 0
    # Few terms do most of the work, as in real coverage.
    weights = [40, *[8] * len(PARTIES), *[3] * len(ISSUES)] + [1] * (len(terms) - 21)
    while mention_id < n_mentions:
        article_id += 1
        at = lo + timedelta(seconds=rng.random() * span)
        author = rng.choice(journalists) if rng.random() < 0.4 else None
        articles.append({"id": article_id, "title": f"Sak {article_id}", "link": "",
                         "summary": "", "summary_html": "", "author": "",
                         "author_contact_id": author.id if author else None,
                         "author_guess": False, "published_at": at, "seen_at": at,
                         "sort_at": at})
        for feed in rng.sample(feeds, 2 if rng.random() < 0.2 else 1):
            source_id += 1
            sources.append({"id": source_id, "article_id": article_id, "feed_id": feed.id,
                            "guid": f"g{source_id}", "link": "", "title": "", "summary": "",
                            "seen_at": at})
        for term in {t.id: t for t in rng.choices(terms, weights, k=rng.choice((1, 2, 2, 3)))
                     }.values():
            mention_id += 1
            toned = rng.random() < 0.33
            mentions.append({"id": mention_id, "article_id": article_id, "term_id": term.id,
                             "place": "title", "snippet": "", "mark_start": 0, "mark_end": 0,
                             "hits": 1, "status": "noise" if rng.random() < 0.02 else "unset",
                             "is_read": False, "tone": rng.choice(TONES) if toned else "",
                             "tone_set_by_id": user.id if toned else None,
                             "tone_set_at": at if toned else None, "sort_at": at,
                             "created_at": at})
    for model, rows in ((Article, articles), (ArticleSource, sources), (Mention, mentions)):
        for start in range(0, len(rows), 5000):
            db.session.execute(db.insert(model), rows[start:start + 5000])
    db.session.commit()

    for r in range(40):
        at = lo + timedelta(seconds=rng.random() * span)
        release = Release(title=f"Pressemelding {r}", status="published", created_by_id=user.id)
        distribution = Distribution(scheduled_for=at, status="done", finished_at=at)
        distribution.recipients = [DistributionRecipient(
            name=j.name, email=f"j{k}@example.no", contact_id=j.id,
            status="failed" if k % 25 == 0 else "sent",
            sent_at=None if k % 25 == 0 else at + timedelta(seconds=k))
            for k, j in enumerate(journalists[:100])]
        release.distributions.append(distribution)
        db.session.add(release)
    for q in range(300):
        at = lo + timedelta(seconds=rng.random() * span)
        interaction = Interaction(kind="inquiry", direction="inbound", occurred_at=at,
                                  subject=f"Henvendelse {q}", staff_id=user.id)
        answered = at + timedelta(minutes=rng.randint(5, 600)) if q % 6 else None
        interaction.inquiry = PressInquiry(deadline=at + timedelta(hours=rng.choice((1, 3, 6))),
                                           status="answered" if answered else "new",
                                           answered_at=answered)
        db.session.add(interaction)
    db.session.commit()


def measure(url: str, n_mentions: int, days: int, runs: int) -> None:
    from flask import render_template

    from crm.extensions import db
    from crm.monitoring import report
    from crm.monitoring.analytics import Period
    from crm.monitoring.views_report import render_chart

    app = _app(url)
    end = date(2026, 11, 30)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        fill(n_mentions, days, end)
        counts = {name: db.session.scalar(db.text(f"SELECT count(*) FROM {name}"))
                  for name in ("mention", "article", "article_source", "watch_term",
                               "distribution_recipient", "press_inquiry")}
        print(f"\n{url.split('://')[0]}: filled in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{n} {t}" for t, n in counts.items()))
    scope = report.ReportScope(Period(end - timedelta(days=days - 1), end),
                               now=datetime(2026, 12, 1, 12, 0).astimezone())
    with app.test_request_context("/monitoring/coverage/report"):
        db.session.remove()
        totals, per_section = [], {f.__name__: [] for f in report.SECTIONS}
        for _ in range(runs):
            started = time.perf_counter()
            built = report.build_report(scope)
            totals.append(time.perf_counter() - started)
            for build in report.SECTIONS:  # each alone, for the shares
                t = time.perf_counter()
                build(scope)
                per_section[build.__name__].append(time.perf_counter() - t)
        print(f"  build the report ({days} days, {counts['mention']} mentions): best "
              f"{min(totals) * 1000:.0f} ms, median {statistics.median(totals) * 1000:.0f} ms "
              f"(goal < 1000 ms) over {runs} runs")
        for name, times in per_section.items():
            print(f"    {name:<20} {statistics.median(times) * 1000:6.0f} ms")
        t = time.perf_counter()
        report.report_csv(built)
        csv_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        render_template("monitoring/report.html", report=built, period=built.period,
                        render_chart=render_chart, cell_text=report.cell_text)
        print(f"  render: CSV {csv_ms:.0f} ms, page {(time.perf_counter() - t) * 1000:.0f} ms")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=20000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", action="append", dest="urls",
                        help="a database of its own (its tables are dropped); repeatable")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for url in args.urls or [f"sqlite:///{tmp}/bench_report.sqlite3"]:
            measure(url, args.mentions, args.days, args.runs)


if __name__ == "__main__":
    main()
