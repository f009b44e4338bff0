"""The identities of a feed entry, so that each story is stored once.

An entry's keys, strongest first: its GUID, its normalised link, its title and publication
time (to the minute). Every key
is stored (ArticleKey) pointing to the one article, so a syndicated copy that shares any key with
a stored story (an NTB story in several regional papers: same title, same date) becomes one more
source of that article. Keys are hashed to a fixed length.

GUIDs are only trusted when they look meaningful: like FreshRSS, a batch in which more than 5%
of the GUIDs are blank or repeated is identified by link and title instead; a GUID that is not a
URI ("1", "42") is only unique within its own feed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from crm.monitoring.parse import ParsedEntry
from crm.text import fold

TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref", "xtor", "ns_campaign",
                   "ns_source", "ns_mchannel", "cmpid", "spMailingID"}


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


def _guid_key(guid: str, feed_id: int) -> str:
    looks_global = ":" in guid or "/" in guid or len(guid) >= 24
    return _hash("g", guid if looks_global else f"{feed_id}|{guid}")


def _title_date_key(title: str, published: datetime | None) -> str:
    folded = fold(title)
    if not folded or published is None:
        return ""
    # To the minute: a looser date would merge different stories under generic titles
    # ("Kort nytt", "Dagens tegning"), hiding one of them; NTB copies keep NTB's time.
    return _hash("t", f"{folded}|{published:%Y-%m-%dT%H:%M}")


def entry_keys(entry: ParsedEntry, feed_id: int, guids_trusted: bool = True) -> list[str]:
    """The entry's keys, strongest first; never empty."""
    keys = []
    if entry.guid and guids_trusted:
        keys.append(_guid_key(entry.guid, feed_id))
    link = normalise_link(entry.link)
    if link:
        keys.append(_hash("l", link))
    title_date = _title_date_key(entry.title, entry.published)
    if title_date:
        keys.append(title_date)
    if not keys:
        # Nothing global to go by: the same text in the same feed is the same entry.
        keys.append(_hash("f", f"{feed_id}|{fold(entry.title)}|{fold(entry.summary[:500])}"))
    return keys
