#!/usr/bin/env python
"""Benchmark: build one user's morning digest from 5,000 new mentions.

Stores articles through the real monitoring pipeline (store_entries: dedupe, matching,
mentions) into a fresh SQLite file (or --database-url, whose tables are dropped and made
anew), then builds and renders the digest N times and prints the median time and the size of
the email (HTML part, text part, whole MIME message).

    .venv/bin/python scripts/bench_digest.py [--mentions 5000] [--runs 15]
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
from crm.contacts.services import save_organisation  # noqa: E402
from crm.digest import services  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.monitoring.models import Feed, Mention, WatchTerm  # noqa: E402
from crm.monitoring.parse import ParsedEntry  # noqa: E402
from crm.monitoring.store import StoreContext, store_entries  # noqa: E402
from crm.timeutil import local_today, utcnow  # noqa: E402

TERMS = {
    "party": ["Arbeiderpartiet", "Ap", "Arbeidarpartiet"],
    "politician": ["Jonas Gahr Støre", "Hadia Tajik", "Jan Christian Vestre", "Tonje Brenna",
                   "Marianne Sivertsen Næss", "Espen Barth Eide"],
    "issue": ["sykehus", "strømpris", "skatt", "bompenger", "eldreomsorg", "barnehage"],
    "competitor": ["Høyre", "Fremskrittspartiet", "Senterpartiet", "Sylvi Listhaug"],
}
OUTLETS = ["NRK", "VG", "Aftenposten", "Dagbladet", "NTB", "Bergens Tidende",
           "Adresseavisen", "Nationen", "Klassekampen", "E24"]
FILLER = ("Regjeringen la fram forslaget tirsdag. Opposisjonen reagerer kraftig, og flere "
          "lokalpolitikere krever svar før helgen.")


def seed(target_mentions: int, rng: random.Random) -> int:
    for group, terms in TERMS.items():
        for term in terms:
            db.session.add(WatchTerm(term=term, group=group))
    feeds = []
    for name in OUTLETS:
        org = save_organisation(None, name=name, kind="outlet")
        feed = Feed(url=f"https://{name.lower().replace(' ', '')}.example/rss", name=name,
                    organisation_id=org.id)
        db.session.add(feed)
        feeds.append(feed)
    db.session.commit()
    all_terms = [t for terms in TERMS.values() for t in terms]
    made = 0
    serial = 0
    while made < target_mentions:
        feed = rng.choice(feeds)
        entries = []
        for _ in range(200):
            serial += 1
            picked = rng.sample(all_terms, rng.choice([1, 1, 1, 2, 2, 3]))
            title = f"{picked[0]} i sak nummer {serial}"
            summary = " ".join(f"{FILLER} {t}." for t in picked[1:]) or FILLER
            entries.append(ParsedEntry(f"urn:bench:{serial}", f"https://x.example/{serial}",
                                       title, summary, summary, "", None))
        store_entries(feed.id, feed.organisation_id, entries, StoreContext.load())
        db.session.commit()
        made = db.session.scalar(db.select(db.func.count()).select_from(Mention))
        print(f"\r  mentions {made}/{target_mentions}", end="", flush=True)
    print()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", help="default: a SQLite file in a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            db.drop_all()
            db.create_all()
            user = create_user("bench@example.no", "benchmark password", role="editor",
                               name="Benk Redaktør", language="nb")
            start = time.perf_counter()
            mentions = seed(args.mentions, random.Random(7))
            print(f"Stored {mentions} mentions in {time.perf_counter() - start:.1f} s")
            now = utcnow() + timedelta(seconds=1)
            day = local_today()
            timings, rendered = [], None
            for _ in range(args.runs):
                t0 = time.perf_counter()
                digest, rendered = services.compose(user, day, now)
                timings.append(time.perf_counter() - t0)
                db.session.rollback()
            message = services.message_for(user, rendered, day)
            shown = sum(len(g.items) for s in digest.sections for g in s.groups)
            total = sum(s.total for s in digest.sections)
            print(f"Digest for one user from {mentions} mentions "
                  f"({total} items in groups, {shown} shown, the rest as 'and N more'):")
            print(f"  median build + render time: {statistics.median(timings) * 1000:.0f} ms "
                  f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}, "
                  f"{args.runs} runs)")
            print(f"  HTML part: {len(rendered.html.encode()) / 1024:.1f} KiB, "
                  f"text part: {len(rendered.text.encode()) / 1024:.1f} KiB, "
                  f"whole email: {len(message.as_bytes()) / 1024:.1f} KiB")
            db.session.remove()
            db.drop_all() if args.database_url else None
            db.engine.dispose()


if __name__ == "__main__":
    main()
