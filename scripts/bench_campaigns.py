#!/usr/bin/env python
"""Benchmark: campaign pull-through over 30 days and 20,000 mentions.

Fills a fresh database (a SQLite file in a temp folder, or each --database-url given, whose
tables are dropped and made anew: give it one of its own) with ARTICLES articles over DAYS
days from 10 outlets and 60 journalists, MENTIONS mentions of the campaign's issue terms
(Core inserts: this measures the campaign code, not the feed pipeline), a campaign of ours
with 5 key messages and two competitors' campaigns on the same issues. Texts are Norwegian
(bokmål and nynorsk), a share carrying a message's wording, its key phrases or a paraphrase.
Prints, per database:
  1. the first detection of the whole scope (what saving a campaign costs), articles per second,
  2. the report (pull_through_rates: per message, outlet, journalist, week) with everything
     examined, median of RUNS (the goal is under 1 s),
  3. the three campaigns side by side over the same 30 days,
  4. after a poll of 200 new articles: examining them (the AFTER_POLL hook).

    .venv/bin/python scripts/bench_campaigns.py [--mentions 20000] [--days 30] [--runs 7]
        [--database-url URL ...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from crm import create_app  # noqa: E402
from crm.campaigns import services  # noqa: E402
from crm.campaigns.services import CampaignData, MessageData  # noqa: E402
from crm.contacts.models import Contact, Organisation  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.monitoring.models import Article, ArticleSource, Feed, Mention, WatchTerm  # noqa: E402
from crm.text import name_key, sort_key  # noqa: E402
from crm.timeutil import local_today, utcnow  # noqa: E402

ISSUES = ["skole", "skule", "lærer", "skolemat", "barnehage", "helse", "sykehus", "eldreomsorg"]
OUTLETS = ["NRK", "VG", "Dagbladet", "Aftenposten", "Bergens Tidende", "Adresseavisen",
           "Stavanger Aftenblad", "Nordlys", "Klassekampen", "Vårt Land"]
FIRST = ["Kari", "Ola", "Åse", "Øystein", "Marit", "Per", "Ingvild", "Bjørnar", "Hadia", "Siv"]
LAST = ["Nordmann", "Hansen", "Ødegård", "Berg", "Lie", "Haugland", "Eriksen", "Aasland"]
MESSAGES = [
    MessageData("Flere lærere i skolen", "Fleire lærarar i skulen",
                "lærertetthet\ntidlig innsats\nflere lærere"),
    MessageData("Gratis skolemat til alle elever", "", "skolemat\ngratis\nalle elever"),
    MessageData("Kortere ventetid på sykehus", "Kortare ventetid på sjukehus",
                "ventetid\nsykehuskø\nbehandling"),
    MessageData("En eldreomsorg med tid til omsorg", "", "eldreomsorg\ntid\nhjemmetjeneste"),
    MessageData("Barnehageplass til alle som trenger det", "Barnehageplass til alle",
                "barnehageplass\nmakspris"),
]
CARRY = [
    "Regjeringen lover flere lærere i skolen fra høsten.",
    "Regjeringa lovar fleire lærarar i skulen frå hausten.",
    "Lærertettheten skal opp, og tidlig innsats prioriteres.",
    "Partiet vil gi skolen flere lærere.",
    "Forslaget gir gratis skolemat til alle elever.",
    "Skolemat er gratis fra nyttår.",
    "Ventetiden på sykehus skal ned, og sykehuskøene kortes inn.",
    "Kortare ventetid på sjukehus er målet.",
    "Eldreomsorgen skal få mer tid, sier statsråden.",
    "Barnehageplass til alle som trenger det, lover partiet.",
]
FILLER = ["Kommunestyret behandlet saken i går kveld.", "Opposisjonen reagerer kraftig.",
          "Budsjettet legges fram i oktober.", "Fylkesordføreren er kritisk til forslaget.",
          "Saken skal opp i Stortinget før jul.", "Det regner i Bergen, og det blir mer regn.",
          "Forhandlingene fortsetter neste uke.", "Statsråden vil ikke kommentere saken."]


def seed(rng: random.Random, mentions: int, days: int) -> tuple[list[int], dict]:
    now = utcnow()
    orgs = [Organisation(name=n, kind="outlet", name_key=name_key(n), sort_name=sort_key(n))
            for n in OUTLETS]
    db.session.add_all(orgs)
    db.session.flush()
    people = [Contact(kind="journalist", name=f"{f} {ln}", sort_name=sort_key(f"{f} {ln}"),
                      organisation_id=rng.choice(orgs).id)
              for f in FIRST for ln in LAST[:6]]
    db.session.add_all(people)
    feeds = [Feed(url=f"https://{o.name.lower().replace(' ', '')}.example/rss",
                  name=o.name, organisation_id=o.id) for o in orgs]
    db.session.add_all(feeds)
    terms = [WatchTerm(term=t, group="issue") for t in ISSUES]
    db.session.add_all(terms)
    db.session.flush()
    per_article = 2
    count = mentions // per_article
    article_rows, times = [], []
    for i in range(count):
        when = now - timedelta(seconds=rng.uniform(0, days * 86400 - 3600))
        sentences = rng.sample(FILLER, 3)
        if rng.random() < 0.45:
            sentences.insert(rng.randrange(4), rng.choice(CARRY))
        title = rng.choice(["Skolen", "Sykehuset", "Barnehagen", "Eldreomsorgen"]) + \
            f" i {rng.choice(OUTLETS)}: sak {i}"
        article_rows.append({"title": title, "summary": " ".join(sentences),
                             "summary_html": "", "sort_at": when, "seen_at": when,
                             "published_at": when,
                             "author_contact_id": rng.choice(people).id
                             if rng.random() < 0.7 else None})
        times.append(when)
    ids = []
    for start in range(0, len(article_rows), 2000):
        ids.extend(db.session.execute(insert(Article).returning(Article.id),
                                      article_rows[start:start + 2000]).scalars())
    db.session.execute(insert(ArticleSource), [
        {"article_id": a, "feed_id": rng.choice(feeds).id, "guid": f"urn:{a}", "title": "",
         "summary": "", "seen_at": t} for a, t in zip(ids, times, strict=True)])
    mention_rows = []
    for a, t in zip(ids, times, strict=True):
        for term in rng.sample(terms, per_article):
            mention_rows.append({"article_id": a, "term_id": term.id, "place": "summary",
                                 "snippet": "", "sort_at": t, "created_at": t,
                                 "status": "noise" if rng.random() < 0.03 else "unset"})
    for start in range(0, len(mention_rows), 5000):
        db.session.execute(insert(Mention), mention_rows[start:start + 5000])
    db.session.commit()
    return [t.id for t in terms], {"articles": len(ids), "mentions": len(mention_rows)}


def timed(func, runs: int = 1):
    timings, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func()
        timings.append(time.perf_counter() - t0)
    return result, timings


def run(url: str, args) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        rng = random.Random(13)
        t0 = time.perf_counter()
        term_ids, sizes = seed(rng, args.mentions, args.days)
        print(f"Seeded {sizes['articles']} articles and {sizes['mentions']} mentions over "
              f"{args.days} days in {time.perf_counter() - t0:.1f} s")
        today = local_today()
        period = dict(start_date=today - timedelta(days=args.days - 1), end_date=today)
        t0 = time.perf_counter()
        ours = services.save_campaign(None, CampaignData(
            name="Velferdsløftet", term_ids=term_ids, messages=MESSAGES, **period))
        first = time.perf_counter() - t0
        scope = services.pull_through_rates(ours, groups=False).articles
        print(f"1. first detection of the scope: {scope} articles, 5 messages, "
              f"{first:.2f} s ({scope / first:.0f} articles/s)")
        rivals = [services.save_campaign(None, CampaignData(
            name=f"Konkurrent {n}", side="competitor", party=party, term_ids=term_ids,
            messages=MESSAGES[n:n + 3], **period)) for n, party in ((1, "Høyre"), (2, "FrP"))]
        report, timings = timed(lambda: services.pull_through_rates(ours), args.runs)
        print(f"2. report (per message, {len(report.outlets)} outlets, "
              f"{len(report.journalists)} journalists, {len(report.weeks)} weeks) over "
              f"{report.articles} articles: median {statistics.median(timings) * 1000:.0f} ms "
              f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}, {args.runs} runs;"
              f" goal < 1000 ms)")
        print("   pull-through per message: " + ", ".join(
            f"{m.position + 1}: {m.cell.rate:.0%} ({m.cell.explicit} explicit, "
            f"{m.cell.partial} partial)" for m in report.messages))
        _all, timings = timed(lambda: services.side_by_side(
            [ours, *rivals], period["start_date"], period["end_date"]), args.runs)
        print(f"3. three campaigns side by side: median "
              f"{statistics.median(timings) * 1000:.0f} ms")
        since = utcnow()
        new_ids = db.session.execute(insert(Article).returning(Article.id), [
            {"title": f"Ny sak {i}", "summary": rng.choice(CARRY) + " " + rng.choice(FILLER),
             "summary_html": "", "sort_at": since, "seen_at": since, "published_at": since}
            for i in range(200)]).scalars().all()
        db.session.execute(insert(Mention), [
            {"article_id": a, "term_id": term_ids[0], "place": "summary", "snippet": "",
             "sort_at": since, "created_at": since} for a in new_ids])
        db.session.commit()
        _none, timings = timed(lambda: services.examine_new_articles(since))
        print(f"4. after a poll of 200 new articles: examined for 3 campaigns in "
              f"{timings[0] * 1000:.0f} ms")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=20000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", action="append", default=[],
                        help="default: a SQLite file in a temp folder (repeat for several)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for url in args.database_url or [f"sqlite:///{tmp}/bench.sqlite3"]:
            print(f"== {url.split('://')[0]} ==")
            run(url, args)


if __name__ == "__main__":
    main()
