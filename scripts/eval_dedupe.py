"""Dedupe quality: pair precision and recall on the hand-made set of syndicated copies and
look-alikes (tests/monitoring/data/dedupe_set.json).

    .venv/bin/python scripts/eval_dedupe.py

Stores every entry of the set, each as its feed's poll in time order, on a fresh in-memory
SQLite database, and counts pairs of entries: "true" when the set says one story, "found" when
they became one article. With --before REV, also the identity keys of crm/monitoring/dedupe.py
at git revision REV (e.g. main), grouped as that store did: entries sharing a key are one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def old_labels(rows, revision: str) -> list[int]:
    from tests.monitoring import dedupe_set
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:crm/monitoring/dedupe.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_dedupe")
    exec(compile(source, "old_dedupe.py", "exec"), module.__dict__)
    feeds = {name: i for i, name in enumerate(dict.fromkeys(r["feed"] for r in rows), 1)}
    owner: dict[str, int] = {}
    labels = []
    for n, row in enumerate(rows):
        keys = module.entry_keys(dedupe_set.parsed(row), feeds[row["feed"]])
        label = next((owner[k] for k in keys if k in owner), n)
        owner.update(dict.fromkeys(keys, label))
        labels.append(label)
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="", help="also score dedupe.py at this git revision")
    args = parser.parse_args()

    from crm import create_app
    from crm.extensions import db
    from tests.monitoring import dedupe_set

    rows = dedupe_set.load()
    truth = [r["story"] for r in rows]
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "eval"})
    with app.app_context():
        db.create_all()
        found = dedupe_set.store_all(rows)
    stories = len(set(truth))
    print(f"{len(rows)} entries, {stories} stories, {len(dedupe_set.pairs(truth))} true pairs")
    precision, recall = dedupe_set.precision_recall(truth, found)
    print(f"content dedupe:     precision {precision:.2f}  recall {recall:.2f}  "
          f"({len(set(found))} articles)")
    if args.before:
        labels = old_labels(rows, args.before)
        precision, recall = dedupe_set.precision_recall(truth, labels)
        print(f"keys at {args.before}:".ljust(20) + f"precision {precision:.2f}  recall "
              f"{recall:.2f}  ({len(set(labels))} articles)")
    for a, b in sorted(dedupe_set.pairs(truth) ^ dedupe_set.pairs(found)):
        kind = "missed" if truth[a] == truth[b] else "wrongly merged"
        print(f"  {kind}: {rows[a]['feed']} {rows[a]['title']!r} / {rows[b]['feed']} "
              f"{rows[b]['title']!r}")


if __name__ == "__main__":
    main()
