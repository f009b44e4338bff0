"""The hand-made dedupe set (data/dedupe_set.json) and its pair precision and recall.

Used by test_dedupe.py and scripts/eval_dedupe.py. A pair is two entries; it is "true" when
the set says they are one story, "predicted" when the store made them one article.
"""

from __future__ import annotations

import json
from datetime import datetime
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

from crm.monitoring.parse import ParsedEntry

PATH = Path(__file__).parent / "data" / "dedupe_set.json"
OSLO = ZoneInfo("Europe/Oslo")


def load() -> list[dict]:
    """The entries, in publication order."""
    rows = json.loads(PATH.read_text("utf-8"))["entries"]
    return sorted(rows, key=lambda r: r["time"])


def parsed(row: dict) -> ParsedEntry:
    return ParsedEntry(guid=row["guid"], link=row["link"], title=row["title"],
                       summary_html=row["summary"], summary=row["summary"], author="",
                       published=datetime.fromisoformat(row["time"]).replace(tzinfo=OSLO))


def pairs(labels: list) -> set[tuple[int, int]]:
    """Index pairs whose labels are equal."""
    return {(i, j) for i, j in combinations(range(len(labels)), 2) if labels[i] == labels[j]}


def precision_recall(truth: list, predicted: list) -> tuple[float, float]:
    true, found = pairs(truth), pairs(predicted)
    both = len(true & found)
    return (both / len(found) if found else 1.0), (both / len(true) if true else 1.0)


def store_all(rows: list[dict], cycle_index: bool = True) -> list[int]:
    """Store each entry as its feed's poll (in time order); the article id of each. With
    `cycle_index`, as in one poll cycle: the context is told of each commit, so it finds the
    articles it stored in memory (store.StoreContext.committed); else all by SQL."""
    from crm.extensions import db
    from crm.monitoring.matching import Matcher
    from crm.monitoring.models import ArticleSource, Feed
    from crm.monitoring.store import BylineIndex, StoreContext, store_entries

    feeds: dict[str, int] = {}
    for name in dict.fromkeys(r["feed"] for r in rows):
        feed = Feed(url=f"https://{name}.example.no/rss", name=name)
        db.session.add(feed)
        db.session.flush()
        feeds[name] = feed.id
    ctx = StoreContext(Matcher([]), BylineIndex())
    for row in rows:
        store_entries(feeds[row["feed"]], None, [parsed(row)], ctx)
        db.session.commit()
        if cycle_index:
            ctx.committed()
    by_source = dict(((f, g), a) for f, g, a in db.session.execute(
        db.select(ArticleSource.feed_id, ArticleSource.guid, ArticleSource.article_id)))
    return [by_source[(feeds[r["feed"]], r["guid"])] for r in rows]
