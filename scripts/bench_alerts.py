"""Benchmark of the spike check that runs after every poll (crm.alerts.check).

    .venv/bin/python scripts/bench_alerts.py [--terms 300] [--weeks 5] [--per-hour 200]
        [--runs 30] [--database-url URL ...]

Builds a fresh database per URL (a temporary SQLite file unless --database-url is given; the
tables of a given database are dropped and created again: give it one of its own) with TERMS
watch terms watched for WEEKS weeks and PER_HOUR mentions an hour over all terms (articles
published through the week's rhythm: busy weekday mornings, quiet nights), then a poll's worth
of new mentions with a spike on three terms. Prints, per database:
  1. the first check after that poll, which fires the spikes (rules created, counted, claimed,
     stored), and its aggregate query alone,
  2. RUNS further checks 20 s apart (the fired rules are cooling down), median and 95th
     percentile,
  3. the query plan of the aggregate query (which index it reads).
The goal is under 100 ms for the check over 300 terms.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GROUPS = ("party", "politician", "issue", "competitor")


def build(app, terms: int, weeks: int, per_hour: int, now) -> None:
    from sqlalchemy import insert

    from crm.extensions import db
    from crm.monitoring.models import Article, Mention, WatchTerm
    rng = random.Random(13)
    db.drop_all()
    db.create_all()
    started = now - timedelta(weeks=weeks, days=1)
    db.session.execute(insert(WatchTerm), [
        {"term": f"Term {i:03d}", "group": GROUPS[i % 4], "created_at": started,
         "updated_at": started} for i in range(terms)])
    term_ids = db.session.scalars(db.select(WatchTerm.id)).all()
    weights = [1 / (rank + 1) for rank in range(len(term_ids))]  # a few busy, many quiet
    hours = weeks * 7 * 24
    total = 0
    batch_articles, batch_mentions = [], []
    next_id = 1
    for hour in range(hours, 1, -1):  # the last hour is the poll's, below
        top = now - timedelta(hours=hour)
        for _ in range(int(per_hour * _busy(top))):
            at = top + timedelta(seconds=rng.randrange(3600))
            batch_articles.append({"id": next_id, "title": f"Sak {next_id}", "sort_at": at,
                                   "seen_at": at, "published_at": at})
            batch_mentions.append({"article_id": next_id,
                                   "term_id": rng.choices(term_ids, weights)[0],
                                   "sort_at": at, "created_at": at,
                                   "status": "noise" if rng.random() < 0.05 else "unset"})
            next_id += 1
        if len(batch_articles) > 20000:
            total += _flush(db, insert, Article, Mention, batch_articles, batch_mentions)
    total += _flush(db, insert, Article, Mention, batch_articles, batch_mentions)
    # The last hour, ending with the poll that just ended: the usual for this hour of the
    # week, plus 25 each on three quiet terms.
    spiking = term_ids[-3:]
    usual = int(per_hour * _busy(now - timedelta(hours=1)))
    for term_id in [*rng.choices(term_ids, weights, k=usual), *spiking * 25]:
        at = now - timedelta(seconds=rng.randrange(1, 3600))
        batch_articles.append({"id": next_id, "title": f"Sak {next_id}", "sort_at": at,
                               "seen_at": at, "published_at": at})
        batch_mentions.append({"article_id": next_id, "term_id": term_id, "sort_at": at,
                               "created_at": at, "status": "unset"})
        next_id += 1
    total += _flush(db, insert, Article, Mention, batch_articles, batch_mentions)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"  data: {terms} terms, {total:,} mentions over {weeks} weeks "
          f"({per_hour}/hour on average), 3 terms spiking")


def _busy(utc_hour) -> float:
    """How busy an hour is against the average: weekday mornings, nights (Oslo, UTC+1)."""
    local = utc_hour + timedelta(hours=1)
    if local.hour < 6:
        return 0.15
    return 1.6 if 6 <= local.hour <= 10 and local.weekday() < 5 else 0.8


def _flush(db, insert, article, mention, articles, mentions) -> int:
    n = len(mentions)
    if n:
        db.session.execute(insert(article), articles)
        db.session.execute(insert(mention), mentions)
        db.session.commit()
    articles.clear()
    mentions.clear()
    return n


def run(url: str, args) -> None:
    from sqlalchemy import text

    from crm import create_app
    from crm.alerts import check
    from crm.extensions import db
    from crm.timeutil import utcnow
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "CRM_SMTP_URL": "smtp://127.0.0.1:1"})
    now = utcnow().replace(microsecond=0)
    print(f"{url.split('://')[0]}:")
    with app.app_context():
        t0 = time.monotonic()
        build(app, args.terms, args.weeks, args.per_hour, now)
        print(f"  built in {time.monotonic() - t0:.1f} s")
        check.ensure_rules(now)
        db.session.commit()
        t0 = time.perf_counter()
        check.bucket_counts(now, 1, 4)
        query_ms = (time.perf_counter() - t0) * 1000
        db.session.commit()
        t0 = time.perf_counter()
        first = check.check(now)
        first_ms = (time.perf_counter() - t0) * 1000
        print(f"  first check after the poll: {first_ms:.1f} ms, {first} "
              f"(aggregate query alone {query_ms:.1f} ms)")
        times, fired_later = [], 0
        for i in range(args.runs):
            later = now + timedelta(seconds=20 * (i + 1))
            db.session.commit()
            t0 = time.perf_counter()
            again = check.check(later)
            times.append((time.perf_counter() - t0) * 1000)
            fired_later += len(again.fired)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"  {args.runs} more checks, 20 s apart ({fired_later} fired): median {statistics.median(times):.1f}"
              f" ms, 95th percentile {p95:.1f} ms, max {times[-1]:.1f} ms "
              f"(goal < 100 ms)")
        plan_sql = _compiled_bucket_query(now)
        explain = "EXPLAIN " if db.engine.dialect.name == "postgresql" else \
            "EXPLAIN QUERY PLAN "
        plan = db.session.execute(text(explain + plan_sql)).all()
        print("  plan: " + " | ".join(" ".join(str(c) for c in row[-1:]) for row in plan[:6]))
        db.session.remove()
        db.engine.dispose()


def _compiled_bucket_query(now) -> str:
    """The aggregate query with its values inlined, for EXPLAIN."""
    from unittest import mock

    from crm.alerts import check
    from crm.extensions import db
    captured = {}
    real_execute = db.session.execute

    def capture(statement, *a, **k):
        captured["sql"] = str(statement.compile(db.engine,
                                                compile_kwargs={"literal_binds": True}))
        return real_execute(statement, *a, **k)

    with mock.patch.object(db.session, "execute", capture):
        check.bucket_counts(now, 1, 4)
    return captured["sql"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=5)
    parser.add_argument("--per-hour", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", action="append", default=[])
    args = parser.parse_args()
    urls = args.database_url
    with tempfile.TemporaryDirectory() as tmp:
        for url in urls or ["sqlite:///" + str(Path(tmp) / "bench.sqlite3")]:
            run(url, args)


if __name__ == "__main__":
    main()
