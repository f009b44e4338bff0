"""The identities of a feed entry, and whether two entries tell the same story.

Two kinds of evidence, both checked by store.py:

1. Keys (ArticleKey: one article per key). An entry's GUID and its normalised link. A GUID
   is global only when it is an http(s) permalink; anything else ("nyhet:48213", "42", a UUID)
   is scoped to its feed, since two outlets' CMSes happily number their stories alike. Like
   FreshRSS, a batch in which more than 5% of the GUIDs are blank or repeated is identified
   by link instead. An entry with neither gets a feed-scoped key over its text.

2. Content (ArticleSketch: many articles per band). Syndicated copies (the same NTB text in
   several outlets, links differing, titles lightly edited, times minutes apart) share no key,
   so we look for near-duplicates by content:

   * Fingerprint: the folded title's words, and the word 3-shingles of the first 80 words of
     the summary (feeds truncate summaries at different lengths; containment over the start
     survives that), less the shingles that recur in a good part of the same feed's batch
     (boilerplate: a standard paragraph would otherwise make every story of a feed alike).
   * Candidates by MinHash bands, kept in an indexed table: for each of BANDS hash functions,
     the band key is the pair (smallest title-word hash, smallest summary-shingle hash).
     Two copies share a band with probability about J(title) x J(summary), so a copy with an
     identical summary and a lightly edited title (J(title) ~ 0.5) is found with probability
     1 - 0.5^6 ~ 0.98, while a different story with the same boilerplate summary and another
     title rarely is. Long titles (>= LONG_TITLE words) also get title-only bands, for copies
     without summaries, and short texts a band of title and exact summary. The lookup is one
     `key IN (...)` query per feed on the primary key, an index scan whatever the planner's
     statistics, returning a handful of rows per entry.
   * Verification by text, within a time window: summaries contained >= 0.7 in each other
     and titles sharing half their words (or summaries >= 0.9 and titles a third), within
     two days. With no or a short summary, within three hours: titles almost equal and either
     both long (>= LONG_TITLE words) with summaries that do not contradict, or the same short
     summary with at least SHORT_TEXT_WORDS words of title and summary together. So generic
     titles ("Kort nytt", "Dagens tegning", "Trafikkulykke på E6") with no or a short summary
     never merge: there is too little content to tell copies from look-alikes. Content never
     merges two entries of the same feed (a feed does not carry a story twice under two
     GUIDs and links; its look-alikes are different stories): only keys do.

   Why not datasketch or rapidfuzz: the sketch is 6 small integer minima per entry in plain
   Python (~50 microseconds an entry, no numpy), and the verification is set arithmetic on a
   few candidates; the cost that matters is SQL, bounded to one indexed query per feed.

Hashes are stable across processes (blake2b, not Python's salted hash()), as they are stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from crm.monitoring.parse import ParsedEntry
from crm.text import fold

TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref", "xtor", "ns_campaign",
                   "ns_source", "ns_mchannel", "cmpid", "spMailingID"}
BANDS = 6
TITLE_BANDS = 3
SUMMARY_WORDS = 80
MIN_SUMMARY_WORDS = 8
LONG_TITLE = 7
SHORT_TEXT_WORDS = 10  # title + short summary, compared exactly
WINDOW = timedelta(hours=48)  # copies with summaries
TITLE_WINDOW = timedelta(hours=3)  # copies with only a long title
FOLDED_COMPARED = 300  # characters of folded summaries compared as text (prefix, equality)
MAX_CANDIDATES = 50  # per entry, ranked (the best crm.monitoring.store.VERIFIED are compared)
# Words too common in titles to find candidates by ("vil", "om"): left out of the title bands
# (not of the comparison), so that a band points to few stored articles.
STOPWORDS = frozenset(
    "og i pa om til for med er vil av en et ei som at de det den dei har fra etter ikke kan skal "
    "ma na seg ny nye nytt mot ut inn opp far fikk blir ble sier ntb no the a of in".split())
_PRIME = (1 << 61) - 1
# Fixed (a, b) pairs for h(x) = (a*x + b) mod p: the bands are stored, so never change these.
_PERMS = [(int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=7).digest(), "big") | 1,
           int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=7).digest(), "big"))
          for i in range(BANDS)]


def _hash(kind: str, value: str) -> str:
    return kind + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _tracking(pair: str) -> bool:
    name = unquote_plus(pair.partition("=")[0])
    return name.lower().startswith("utm_") or name in TRACKING_PARAMS


def normalise_link(url: str) -> str:
    """A link reduced to what identifies the page; "" for links that identify nothing.

    w3lib canonicalises (one percent-encoding, "støre" and "st%c3%b8re" alike; IDNA host in
    lower case; query sorted; fragment dropped); then tracking parameters, "www.", a default
    port, a trailing slash and the scheme go: http and https are the same page.
    """
    if not url:
        return ""
    try:
        parts = urlsplit(canonicalize_url(url.strip(), keep_blank_values=True))
        port = parts.port
    except ValueError:  # a bad port or IPv6 literal, a host IDNA refuses
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.removeprefix("www.")
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not _tracking(p))
    path = parts.path.rstrip("/")
    if not path and not query:
        return ""  # a front page is not an article's identity
    return urlunsplit(("", host, path, query, ""))


def trusted_guids(entries: list[ParsedEntry]) -> bool:
    if not entries:
        return True
    present = [e.guid for e in entries if e.guid]
    blank = len(entries) - len(present)
    repeated = len(present) - len(set(present))
    return blank + repeated <= 0.05 * len(entries)


def is_permalink(guid: str) -> bool:
    lowered = guid.strip().lower()
    return lowered.startswith(("http://", "https://")) and bool(normalise_link(guid))


def _guid_key(guid: str, feed_id: int) -> str:
    if is_permalink(guid):
        return _hash("g", normalise_link(guid))
    return _hash("g", f"{feed_id}|{guid}")


def entry_keys(entry: ParsedEntry, feed_id: int, guids_trusted: bool = True) -> list[str]:
    """The entry's keys, strongest first; never empty."""
    keys = []
    if entry.guid and guids_trusted:
        keys.append(_guid_key(entry.guid, feed_id))
    link = normalise_link(entry.link)
    if link:
        key = _hash("l", link)
        if key not in keys:
            keys.append(key)
    if not keys:
        # Nothing global to go by: the same text in the same feed is the same entry.
        keys.append(_hash("f", f"{feed_id}|{fold(entry.title)}|{fold(entry.summary[:500])}"))
    return keys


# --- content -------------------------------------------------------------------------------

def _h64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "big")


def _minima(hashes: set[int]) -> list[int]:
    if not hashes:
        return [0] * BANDS
    return [min((a * x + b) % _PRIME for x in hashes) for a, b in _PERMS]


@dataclass(frozen=True)
class Fingerprint:
    title_words: frozenset[str]
    title_length: int
    summary_shingles: frozenset[int]
    summary_length: int  # words
    summary_folded: str

    @property
    def has_summary(self) -> bool:
        return len(self.summary_shingles) >= MIN_SUMMARY_WORDS - 2

    def without(self, boilerplate: set[int]) -> Fingerprint:
        """The fingerprint without the shingles that are its feed's boilerplate."""
        if not boilerplate or not (self.summary_shingles & boilerplate):
            return self
        return replace(self, summary_shingles=self.summary_shingles - boilerplate)

    @property
    def long_title(self) -> bool:
        return self.title_length >= LONG_TITLE

    @property
    def short_text(self) -> bool:
        """A short summary, but with the title enough words to compare exactly."""
        return (not self.has_summary and bool(self.summary_folded)
                and self.title_length + self.summary_length >= SHORT_TEXT_WORDS)

    def bands(self) -> list[str]:
        """The candidate keys to store and look up; none for too little content."""
        keys: list[str] = []
        if not (self.has_summary or self.long_title or self.short_text):
            return keys
        title_min = _minima({_h64(w) for w in self.title_words - STOPWORDS}
                            or {_h64(w) for w in self.title_words})
        if self.has_summary:
            summary_min = _minima(set(self.summary_shingles))
            keys += [_band("c", i, t, s)
                     for i, (t, s) in enumerate(zip(title_min, summary_min, strict=True))]
        if self.long_title:
            keys += [_band("t", i, t, 0) for i, t in enumerate(title_min[:TITLE_BANDS])]
        if self.short_text:
            text = _h64(self.summary_folded)
            keys += [_band("s", i, t, text) for i, t in enumerate(title_min[:TITLE_BANDS])]
        return keys


def _band(kind: str, i: int, a: int, b: int) -> str:
    return kind + hashlib.blake2b(f"{i}|{a}|{b}".encode(), digest_size=8).hexdigest()


def title_words(title: str) -> frozenset[str]:
    return frozenset(fold((title or "")[:1000]).split())


def fingerprint(title: str, summary: str) -> Fingerprint:
    title_words = fold((title or "")[:1000]).split()
    words = fold((summary or "")[:SUMMARY_WORDS * 10]).split()[:SUMMARY_WORDS]
    shingles = frozenset(_h64(" ".join(words[i:i + 3])) for i in range(max(0, len(words) - 2)))
    return Fingerprint(frozenset(title_words), len(title_words), shingles, len(words),
                       " ".join(words))


def boilerplate(prints: list[Fingerprint]) -> set[int]:
    """Summary shingles that recur across a feed's entries (a standard paragraph, "Les mer
    på ..."): evidence of the feed, not of the story, so they are left out."""
    if len(prints) < 3:
        return set()
    counts = Counter(sh for p in prints for sh in p.summary_shingles)
    floor = max(3, len(prints) // 5)
    return {sh for sh, n in counts.items() if n >= floor}


def titles_may_match(a: frozenset[str], b: frozenset[str]) -> bool:
    """A cheap first test: could similarity() say yes, by the titles alone?"""
    return _jaccard(a, b) >= 0.3


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _containment(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity(a: Fingerprint, b: Fingerprint, apart: timedelta) -> float:
    """0 if a and b are different stories, else how alike they are (up to 1)."""
    apart = abs(apart)
    titles = _jaccard(a.title_words, b.title_words)
    if a.has_summary and b.has_summary:
        if apart > WINDOW:
            return 0.0
        text = _containment(a.summary_shingles, b.summary_shingles)
        if (text >= 0.9 and titles >= 0.3) or (text >= 0.7 and titles >= 0.5):
            return (text + titles) / 2
        return 0.0
    if apart > TITLE_WINDOW or titles < 0.85:
        return 0.0
    a_text, b_text = a.summary_folded[:FOLDED_COMPARED], b.summary_folded[:FOLDED_COMPARED]
    if a.long_title and b.long_title and _compatible(a_text, b_text):
        return titles
    if a.short_text and b.short_text and a_text == b_text:
        return titles
    return 0.0


def _compatible(a: str, b: str) -> bool:
    """Summaries that do not contradict: one missing, or one the start of the other."""
    return not a or not b or a.startswith(b) or b.startswith(a)


def same_story(a: Fingerprint, b: Fingerprint, a_at: datetime, b_at: datetime) -> bool:
    return similarity(a, b, a_at - b_at) > 0


DRAWN_TITLES = 0.2  # the least title overlap at which drawn_from() can say yes


def may_be_drawn_from(source_title: frozenset[str], text_title: frozenset[str]) -> bool:
    """A cheap first test by the titles alone (title_words()): could drawn_from() say yes?"""
    return _jaccard(source_title, text_title) >= DRAWN_TITLES


def drawn_from(source: Fingerprint, text: Fingerprint) -> float:
    """0 unless `text` (an article) looks written from `source` (a press release), else how
    much (up to 1): a copy as same_story() finds them, or a rewrite that keeps half of its
    summary's shingles from the source with a related title, or a title close to the source's.
    """
    copy = similarity(source, text, timedelta(0))
    if copy:
        return copy
    titles = _jaccard(source.title_words, text.title_words)
    if text.has_summary and source.has_summary:
        kept = len(text.summary_shingles & source.summary_shingles) / len(text.summary_shingles)
        if kept >= 0.5 and titles >= DRAWN_TITLES:
            return (kept + titles) / 2
    if len(source.title_words & text.title_words) >= 4 and titles >= 0.6:
        return titles
    return 0.0
