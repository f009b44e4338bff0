"""Turning fetched bytes into entries with feedparser, and judging what went wrong.

feedparser is called with `sanitize_html=False, resolve_relative_uris=False`: those two cost
60-80% of its parse time (feedparser issues #257, #495), and we never display its HTML anyway
(sanitize.py does, with nh3). It gets the bytes as a stream: given plain bytes it first tries them as a *file name*,
so a hostile server answering "/etc/passwd" would make it read a local file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from crm.messages import Message, msg
from crm.monitoring.sanitize import html_to_text, safe_link
from crm.text import normalise_space

MAX_ENTRIES = 500
TITLE_MAX = 1000
SUMMARY_MAX = 100_000
TEXT_MAX = 20_000
AUTHOR_MAX = 300
WARNING_TYPES = (CharacterEncodingOverride, NonXMLContentType)
_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_UTF8 = {"utf-8", "utf8"}
_EMAIL = re.compile(r"[^\s()<>]+@[^\s()<>]+")


@dataclass
class ParsedEntry:
    guid: str
    link: str
    title: str  # plain text
    summary_html: str  # untrusted: clean it before display
    summary: str  # plain text
    author: str
    published: datetime | None


@dataclass
class ParsedFeed:
    title: str = ""
    link: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    error: Message | None = None  # the feed is broken (entries may still have been recovered)
    total_entries: int = 0  # before MAX_ENTRIES


def declared_encodings(body: bytes, content_type: str) -> list[str]:
    found = []
    if match := _CHARSET.search(content_type or ""):
        found.append(match.group(1).lower())
    if match := _XML_ENCODING.match(body[:500].lstrip(b"\xef\xbb\xbf")):
        found.append(match.group(1).decode("ascii").lower())
    return found


def repair_utf8(body: bytes, content_type: str = "") -> tuple[bytes, bool]:
    """Replace invalid bytes in a feed that says it is UTF-8; (bytes, whether repaired).

    Without this, feedparser decodes the *whole* feed as windows-1252 when one byte is wrong
    and "Støre" becomes "StÃ¸re", so watch terms silently miss (feedparser 6.0, open pull
    request #421). Feeds that declare another encoding, or carry a
    UTF-16/32 byte order mark, are left alone.
    """
    if body.startswith(_BOMS) or not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return body, False  # UTF-16/32, EBCDIC ...: not an ASCII-compatible document
    if any(enc not in _UTF8 for enc in declared_encodings(body, content_type)):
        return body, False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("utf-8", "replace").encode("utf-8"), True
    return body, False


def _exception_text(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return normalise_space(text)[:300]


def classify_bozo(result) -> tuple[list[Message], Message | None]:
    """(warnings, error) from feedparser's bozo flag: encoding/content-type notes are warnings.

    feedparser's own explanation (English, technical) is a parameter of a translated sentence.
    """
    if not result.get("bozo"):
        return [], None
    exc = result.get("bozo_exception")
    if isinstance(exc, CharacterEncodingOverride):
        return [msg("The feed's declared character encoding was wrong: %(detail)s",
                    detail=_exception_text(exc))], None
    if isinstance(exc, WARNING_TYPES):
        return [msg("The server did not label the feed as XML: %(detail)s",
                    detail=_exception_text(exc))], None
    if exc is None:
        return [], msg("The feed could not be parsed.")
    if type(exc).__name__ == "SAXParseException":
        return [], msg("Not well-formed XML: %(detail)s", detail=_exception_text(exc))
    return [], msg("The feed could not be parsed (%(kind)s: %(detail)s).",
                   kind=type(exc).__name__, detail=_exception_text(exc))


def _published(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                moment = datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError, OverflowError):
                continue
            if moment.year >= 1990:
                return moment
    return None


def _text_of(entry, key: str) -> str:
    detail = entry.get(f"{key}_detail") or {}
    value = entry.get(key) or ""
    if not isinstance(value, str):
        return ""
    if detail.get("type", "text/html") == "text/plain":
        return normalise_space(value)[:TEXT_MAX]
    return html_to_text(value, SUMMARY_MAX)[:TEXT_MAX]


def _summary_html(entry) -> str:
    value = entry.get("summary") or ""
    if not value:
        content = entry.get("content") or []
        value = content[0].get("value", "") if content and isinstance(content[0], dict) else ""
    return value[:SUMMARY_MAX] if isinstance(value, str) else ""


def _author(entry) -> str:
    """The byline's names (RSS gives "kari@nrk.no (Kari Nordmann)": the name is kept)."""
    names = [a.get("name") for a in entry.get("authors") or [] if isinstance(a, dict)]
    names = [n for n in names if isinstance(n, str) and n.strip()]
    author = ", ".join(dict.fromkeys(names)) if names else entry.get("author") or ""
    if not isinstance(author, str):
        return ""
    author = _EMAIL.sub(" ", html_to_text(author)).replace("()", " ")
    return normalise_space(author).strip(" ,;()")[:AUTHOR_MAX]


def _no_nul(text: str) -> str:
    # NUL reaches us from the loose parser; PostgreSQL refuses it in text columns.
    return text.replace("\x00", "") if "\x00" in text else text


def _entry(raw, base: str) -> ParsedEntry:
    summary_html = _summary_html(raw)
    summary_detail = raw.get("summary_detail") or {}
    if summary_detail.get("type") == "text/plain" and raw.get("summary"):
        summary_text = normalise_space(summary_html)[:TEXT_MAX]
    else:
        summary_text = html_to_text(summary_html, SUMMARY_MAX)[:TEXT_MAX]
    guid = raw.get("id") or ""
    guid = normalise_space(guid)[:1000] if isinstance(guid, str) else ""
    link = raw.get("link") if isinstance(raw.get("link"), str) else ""
    if raw.get("guidislink") and not guid.startswith(("http://", "https://")):
        link = ""  # feedparser made a "link" of a GUID such as "1": it links nowhere
    elif link and base and "://" not in link[:12]:
        try:
            link = urljoin(base, link)
        except ValueError:
            link = ""
    return ParsedEntry(
        guid=_no_nul(guid), link=safe_link(link),
        title=_no_nul(_text_of(raw, "title"))[:TITLE_MAX],
        summary_html=_no_nul(summary_html), summary=_no_nul(summary_text),
        author=_no_nul(_author(raw)), published=_published(raw))


def parse_feed(body: bytes, headers: dict[str, str] | None = None, url: str = "") -> ParsedFeed:
    """Parse fetched bytes; never raises for bad input (a broken feed comes back with .error)."""
    # No Content-Location is made up from `url`: feedparser would resolve GUIDs such as "1"
    # against it, and two feeds on one site would share them. Links are resolved below.
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if not body.strip():
        return ParsedFeed(error=msg("The server sent an empty response."))
    body, repaired = repair_utf8(body, headers.get("content-type", ""))
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser should not raise, but a feed must never stop a poll
        return ParsedFeed(error=msg("The feed could not be parsed (%(kind)s).",
                                    kind=type(exc).__name__))
    warnings, error = classify_bozo(result)
    if repaired:
        warnings.insert(0, msg("Invalid UTF-8 bytes were replaced."))
    raw_entries = result.get("entries") or []
    feed_info = result.get("feed") or {}
    parsed = ParsedFeed(
        title=_no_nul(html_to_text(feed_info.get("title") or ""))[:300],
        link=safe_link(feed_info.get("link") if isinstance(feed_info.get("link"), str) else ""),
        warnings=warnings, error=error, total_entries=len(raw_entries))
    if not result.get("version") and not raw_entries and not error:
        parsed.error = msg("This is not an RSS or Atom feed.")
    for raw in raw_entries[:MAX_ENTRIES]:
        try:
            parsed.entries.append(_entry(raw, url))
        except Exception as exc:  # one odd entry must not lose the others
            parsed.warnings.append(msg("An entry was skipped (%(kind)s).",
                                       kind=type(exc).__name__))
    if len(raw_entries) > MAX_ENTRIES:
        parsed.warnings.append(msg("Only the first %(max)d of %(total)d entries were read.",
                                   max=MAX_ENTRIES, total=len(raw_entries)))
    return parsed
