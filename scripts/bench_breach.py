"""Benchmark of the embargo breach watch: what it adds to a poll cycle's store path.

    .venv/bin/python scripts/bench_breach.py [--articles 1000] [--releases 5] [--runs 5]
        [--database-url URL]

Stores ARTICLES new articles (Norwegian text, through the real dedupe and matching, in feeds
of 50) on a fresh database (a temporary SQLite file unless --database-url is given; its tables
are dropped and created again: give it one of its own), then times the breach watch
(crm.releases.breach.after_poll, as the AFTER_POLL hook runs it) over those articles:
  1. with no release under embargo (the usual case: one query),
  2. with RELEASES releases under embargo (every new article compared with each),
and prints both beside the time it took to store the articles. One of the articles is a
rewrite of a release, so the second run also finds (and records) one breach.
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

from crm import create_app  # noqa: E402
from crm.auth.services import create_user  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.monitoring.models import Feed  # noqa: E402
from crm.monitoring.parse import ParsedEntry  # noqa: E402
from crm.monitoring.store import StoreContext, store_entries  # noqa: E402
from crm.releases import breach, services, workflow  # noqa: E402
from crm.releases.models import EmbargoBreach  # noqa: E402
from crm.timeutil import utcnow  # noqa: E402

WORDS = ("regjeringen stortinget budsjett skolemat sykehus kommunene pensjon strømpris bompenger "
         "forslaget opposisjonen flertallet komiteen departementet kostnader nyttår elever "
         "fylket ordføreren partiet velgerne målingen valget kampanjen Støre Solberg Vedum "
         "Listhaug Bergstø Moxnes Åsland Ødegård").split()
LEAK = ("Partiet vil gi gratis skolemat til alle elever",
        "Partiet foreslår at alle elever i grunnskolen får et gratis måltid hver skoledag fra "
        "høsten, ifølge kilder.")


SYLLABLES = "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne " \
            "ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu æ ø å".split()


def text(rng: random.Random, n: int) -> str:
    """News-like text: common words and made-up ones (as many distinct words as real text)."""
    words = [rng.choice(WORDS) if rng.random() < 0.3 else
             "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
             for _ in range(n)]
    return " ".join(words).capitalize() + "."


def store_articles(count: int, rng: random.Random) -> float:
    started = time.perf_counter()
    for start in range(0, count, 50):
        feed = Feed(url=f"https://avis{start}.example.no/rss", name=f"Avis {start}")
        db.session.add(feed)
        db.session.flush()
        entries = [ParsedEntry(guid=f"https://avis{start}.example.no/{i}",
                               link=f"https://avis{start}.example.no/{i}", title=text(rng, 8),
                               summary_html="", summary=text(rng, 40), author="",
                               published=None)
                   for i in range(start, min(start + 50, count))]
        if start == 0:
            entries[0] = ParsedEntry(guid="https://avis0.example.no/lekk", link="",
                                     title=LEAK[0], summary_html="", summary=LEAK[1],
                                     author="", published=None)
        store_entries(feed.id, None, entries, StoreContext.load())
        db.session.commit()
    return time.perf_counter() - started


def embargoed_releases(n: int, rng: random.Random) -> None:
    author = create_user("forfatter@example.no", "benchmark password one", role="editor")
    approver = create_user("godkjenner@example.no", "benchmark password two", role="editor")
    for i in range(n):
        title, lead = (("Partiet vil gi gratis skolemat til alle elever i grunnskolen",
                        "Partiet foreslår at alle elever i grunnskolen får et gratis måltid "
                        "hver skoledag fra høsten.") if i == 0
                       else (text(rng, 9), text(rng, 30)))
        release = services.save_release(None, services.ReleaseData(
            title=title, lead=lead, body=text(rng, 120),
            embargo_until=utcnow() + timedelta(hours=6)), author.id)
        workflow.transition(release, "submit", author.id)
        workflow.transition(release, "approve", approver.id)


def timed(since, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        db.session.execute(db.delete(EmbargoBreach))
        db.session.commit()
        t0 = time.perf_counter()
        breach.find_breaches(since, utcnow())
        timings.append(time.perf_counter() - t0)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--releases", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="default: a SQLite file in a temp folder")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            db.drop_all()
            db.create_all()
            since = utcnow() - timedelta(seconds=1)
            stored = store_articles(args.articles, rng)
            print(f"Stored {args.articles} new articles in {stored:.2f} s "
                  f"({stored / args.articles * 1000:.1f} ms an article)")
            none = timed(since, args.runs)
            print(f"Breach watch, no release under embargo: "
                  f"{statistics.median(none) * 1000:.2f} ms (median of {args.runs})")
            embargoed_releases(args.releases, rng)
            some = timed(since, args.runs)
            found = db.session.scalar(db.select(db.func.count(EmbargoBreach.id)))
            print(f"Breach watch, {args.releases} releases under embargo x {args.articles} "
                  f"articles: {statistics.median(some) * 1000:.1f} ms (median of {args.runs}), "
                  f"{statistics.median(some) / stored * 100:.1f}% of the store time; "
                  f"{found} breach found")
            db.session.remove()
            db.drop_all() if args.database_url else None
            db.engine.dispose()


if __name__ == "__main__":
    main()
