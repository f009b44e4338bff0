"""The pure part of storing a feed's entries: identities, fingerprints, bands, term matches,
sanitized HTML.

No database and no app context, so it runs where the feed was parsed, in the worker
processes (crm/monitoring/workers.py), on both cores, and the polling process only looks up
and writes (crm/monitoring/store.py). store.py calls the same function itself when an outcome
comes without it (a feed read in this process, an older worker, terms that changed).

The matches are made with the watch terms the poll cycle started with; `terms_digest` names
them, so the store uses the worker's matches only if it matches with the same terms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from crm.monitoring.dedupe import Fingerprint, boilerplate, entry_keys, fingerprint, trusted_guids
from crm.monitoring.matching import Matcher, TermMatch, TermSpec
from crm.monitoring.parse import ParsedEntry
from crm.monitoring.sanitize import clean_html


@dataclass
class PreparedEntry:
    index: int  # of the entry in the parsed feed's entries
    keys: list[str]
    print_: Fingerprint  # of the entry's own title and summary (its article's, if new)
    bands: list[str]  # candidate keys of the print less its feed's boilerplate
    summary_html: str  # the entry's summary HTML, sanitized
    matches: dict[int, TermMatch] | None = None  # None: not matched where prepared


@dataclass
class PreparedFeed:
    feed_id: int
    entries: int  # how many entries it was prepared from
    items: list[PreparedEntry]  # without the entries that repeat an earlier one's key
    boilerplate: frozenset[int]
    terms_digest: str = ""  # of the terms the matches were made with ("" none)


def terms_digest(terms: Iterable[TermSpec]) -> str:
    """A name for a set of term specs that is the same in every process."""
    return hashlib.sha256(repr(sorted(terms, key=lambda t: t.id)).encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]


def prepare_entries(feed_id: int, entries: list[ParsedEntry], matcher: Matcher | None = None,
                    digest: str = "") -> PreparedFeed:
    """Keys, fingerprints and bands of a feed's entries (an entry whose key an earlier entry
    of the batch has is the same story twice and left out); with `matcher`, the terms each
    entry's text mentions."""
    trusted = trusted_guids(entries)
    items: list[PreparedEntry] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        keys = entry_keys(entry, feed_id, trusted)
        if seen.intersection(keys):
            continue
        seen.update(keys)
        items.append(PreparedEntry(index, keys, fingerprint(entry.title, entry.summary), [],
                                   str(clean_html(entry.summary_html))))
    common = frozenset(boilerplate([item.print_ for item in items]))
    for item in items:
        item.bands = item.print_.without(common).bands()
        if matcher is not None:
            entry = entries[item.index]
            item.matches = matcher.match(entry.title, entry.summary)
    return PreparedFeed(feed_id, len(entries), items, common,
                        digest if matcher is not None else "")
