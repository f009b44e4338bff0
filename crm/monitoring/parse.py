"""Turning fetched bytes into entries with feedparser, and judging what went wrong.

feedparser is called with `sanitize_html=False, resolve_relative_uris=False`: those two cost
60-80% of its parse time (feedparser issues #257, #495), and we never display its HTML anyway
(sanitize.py does, with nh3). It gets the bytes as a stream: given plain bytes it first tries
them as a *file name*, so a hostile server answering "/etc/passwd" would make it read a local
file.

Bounded: the document is cut after the MAX_ENTRIES-th closing </item> or </entry> before
feedparser sees it (`cut_entries`), so a feed of 250,000 entries costs a byte scan past the
rest, not their parse. The time and memory a parse may take are bounded by the worker process
that runs it (crm/monitoring/workers.py).

A feed feedparser recovered (an HTML entity such as "&oslash;" in RSS, a bare "&", an unbound
namespace prefix: common in Norwegian feeds) is healthy with a warning when it gave entries.
Stored text carries no control characters, soft hyphens or zero-width characters.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from crm.messages import Message, msg, nmsg
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
# The closing tag of an entry, with or without a namespace prefix (</item>, </rss:item>,
# </atom:entry>); feedparser's loose parser reads </ITEM> too.
# CDATA sections and comments are matched (and skipped) so a "</item>" inside them does not
# count; an unclosed one runs to the end. One pass, linear time.
_ENTRY_END = re.compile(rb"<!\[CDATA\[(?:.*?\]\]>|.*)|<!--(?:.*?-->|.*)"
                        rb"|</(?:[A-Za-z_][\w.-]{0,40}:)?(?:item|entry)\s*>",
                        re.IGNORECASE | re.DOTALL)
# A byline wrapped in HTML, <author><p>Kari Nordmann</p></author>: feedparser would file the
# <p> as an unknown element and lose the name. Bounded scans: linear even if never closed.
_BYLINE_ELEMENT = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]{0,40}:)?(?:author|creator|name)(?:\s[^<>]{0,500})?>)"
    rb"([^\x00]{0,2000}?)(</(?:[A-Za-z_][\w.-]{0,40}:)?(?:author|creator|name)\s*>)",
    re.IGNORECASE)
_HTML_IN_BYLINE = re.compile(
    rb"<(/?)(p|div|br|li|span|a|b|strong|i|em|font|small)\b[^<>]{0,500}>", re.IGNORECASE)
_BLOCK = {b"p", b"div", b"br", b"li"}
_COMMAS = re.compile(rb"(?:,\s*){2,}")
# Entities feedparser's loose parser can leave in plain text ("St&oslash;re").
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# Never stored: C0 controls (tab, line feed and carriage return become spaces), DEL, C1
# controls, the soft hyphen and zero-width characters (they split "Arbeider\u00adpartiet" for
# matching, and are invisible anyway).
# Dropped from stored text and markup: C0 and C1 controls but tab and line breaks, the soft
# hyphen and the zero-width characters. (Regular expressions: str.translate with a table
# looks every character up in Python and was most of the cost of cleaning a feed.)
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200d\u2060\ufeff]")
_BREAKS = re.compile("[\t\n\r]")  # a space in plain text; kept in markup
_INVISIBLE_ENTITY = re.compile(
    r"&(?:shy|ZeroWidthSpace|zwnj|zwj|NoBreak|#0*173|#x0*ad|#0*820[345]|#x0*200[bcd]|#0*8288"
    r"|#x0*2060|#0*65279|#x0*feff);", re.IGNORECASE)


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
    error: Message | None = None  # the feed is broken and no entry could be recovered
    total_entries: int = 0  # before MAX_ENTRIES


def clean_text(text: str) -> str:
    """Text as stored: no control, soft-hyphen or zero-width characters."""
    return text if text.isprintable() else _BREAKS.sub(" ", _INVISIBLE.sub("", text))


def plain(text: str) -> str:
    """Stored plain text: `clean_text`, NFC, whitespace folded."""
    return normalise_space(clean_text(text))


def clean_markup(markup: str) -> str:
    """Untrusted HTML without invisible characters, literal or as entities (&shy;)."""
    if not markup:
        return ""
    if "&" in markup:
        markup = _INVISIBLE_ENTITY.sub("", markup)
    return _INVISIBLE.sub("", markup)


def _unescape_entity(match: re.Match) -> str:
    return html.unescape(match.group(0))


def resolve_entities(text: str) -> str:
    """HTML entities feedparser left in plain text, as their characters."""
    return _ENTITY.sub(_unescape_entity, text) if "&" in text else text


def cut_entries(body: bytes, limit: int = MAX_ENTRIES) -> tuple[bytes, int]:
    """(the document cut after its `limit`-th entry, the number of entries it had).

    The rest of the document after its last entry (</channel></rss>, </feed>, </rdf:RDF>)
    is kept, so what feedparser sees is still a well-formed feed. Counting the entries past
    the cut is one regex scan; nothing past it is parsed. A closing tag inside a CDATA section
    or a comment does not count.
    """
    cut_at, count, last_end = -1, 0, -1
    for match in _ENTRY_END.finditer(body):
        if body[match.start() + 1] == 33:  # "<!": CDATA or comment
            continue
        count += 1
        last_end = match.end()
        if count == limit:
            cut_at = match.end()
    if count <= limit or cut_at < 0:
        return body, count
    return body[:cut_at] + body[last_end:], count


def _byline_text(match: re.Match) -> bytes:
    inner = match.group(2)
    if b"<" not in inner:
        return match.group(0)

    def tag(m: re.Match) -> bytes:
        return b", " if m.group(2).lower() in _BLOCK else b""
    inner = _COMMAS.sub(b", ", _HTML_IN_BYLINE.sub(tag, inner))
    return match.group(1) + inner + match.group(3)


def unwrap_bylines(body: bytes) -> bytes:
    """<author><p>Kari Nordmann</p></author> as <author>Kari Nordmann</author>."""
    if b"<p" not in body and b"<P" not in body and b"<span" not in body:
        return body
    return _BYLINE_ELEMENT.sub(_byline_text, body)


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
    warning, error = _bozo_message(exc)
    return ([warning] if warning else []), error


def _bozo_message(exc) -> tuple[Message | None, Message | None]:
    if isinstance(exc, CharacterEncodingOverride):
        return msg("The feed's declared character encoding was wrong: %(detail)s",
                   detail=_exception_text(exc)), None
    if isinstance(exc, WARNING_TYPES):
        return msg("The server did not label the feed as XML: %(detail)s",
                   detail=_exception_text(exc)), None
    if exc is None:
        return None, msg("The feed could not be parsed.")
    if type(exc).__name__ == "SAXParseException":
        return None, msg("Not well-formed XML: %(detail)s", detail=_exception_text(exc))
    return None, msg("The feed could not be parsed (%(kind)s: %(detail)s).",
                     kind=type(exc).__name__, detail=_exception_text(exc))


def recovered(error: Message, entries: int) -> Message:
    """The warning for a broken feed that feedparser could still read."""
    if not entries:
        return msg("%(error)s (The feed could still be read.)", error=error)
    return nmsg("%(error)s (%(num)d entry was recovered.)",
                "%(error)s (%(num)d entries were recovered.)", entries, error=error)


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
        return plain(resolve_entities(value[:SUMMARY_MAX]))[:TEXT_MAX]
    return plain(html_to_text(value, SUMMARY_MAX))[:TEXT_MAX]


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
    author = _EMAIL.sub(" ", plain(html_to_text(author[:SUMMARY_MAX]))).replace("()", " ")
    return normalise_space(author).strip(" ,;()")[:AUTHOR_MAX]


def _link(raw, guid: str, base: str) -> str:
    """The entry's own link; a GUID (an Atom id) only when it is an http(s) URL itself.

    feedparser copies the GUID into `link` when there is no link ("guidislink"), also for
    Atom ids such as "tag:nrk.no,2026:1" or "1", which would link nowhere (or, resolved
    against the feed's address, somewhere wrong).
    """
    links = [ln for ln in raw.get("links") or [] if isinstance(ln, dict)
             and isinstance(ln.get("href"), str) and ln.get("rel", "alternate") == "alternate"]
    link = links[0]["href"] if links else raw.get("link")
    if not isinstance(link, str):
        return ""
    if link == guid and raw.get("guidislink") and not links:
        return guid if guid.startswith(("http://", "https://")) else ""
    if link and base and "://" not in link[:12]:
        try:
            link = urljoin(base, link)
        except ValueError:
            return ""
    return link


def _entry(raw, base: str) -> ParsedEntry:
    summary_html = _summary_html(raw)
    summary_detail = raw.get("summary_detail") or {}
    if summary_detail.get("type") == "text/plain" and raw.get("summary"):
        summary_text = resolve_entities(summary_html)
    else:
        summary_text = html_to_text(summary_html, SUMMARY_MAX)
    guid = raw.get("id") or ""
    guid = plain(guid[:2000])[:1000] if isinstance(guid, str) else ""
    return ParsedEntry(
        guid=guid, link=safe_link(_link(raw, guid, base)),
        title=_text_of(raw, "title")[:TITLE_MAX],
        summary_html=clean_markup(summary_html), summary=plain(summary_text)[:TEXT_MAX],
        author=_author(raw), published=_published(raw))


def parse_feed(body: bytes, headers: dict[str, str] | None = None, url: str = "") -> ParsedFeed:
    """Parse fetched bytes; never raises for bad input (a broken feed comes back with .error)."""
    # No Content-Location is made up from `url`: feedparser would resolve GUIDs such as "1"
    # against it, and two feeds on one site would share them. Links are resolved below.
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if not body.strip():
        return ParsedFeed(error=msg("The server sent an empty response."))
    body, repaired = repair_utf8(body, headers.get("content-type", ""))
    body, total = cut_entries(body)
    body = unwrap_bylines(body)
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser should not raise, but a feed must never stop a poll
        return ParsedFeed(error=msg("The feed could not be parsed (%(kind)s).",
                                    kind=type(exc).__name__))
    warnings, error = classify_bozo(result)
    raw_entries = result.get("entries") or []
    if repaired:
        warnings.insert(0, msg("Invalid UTF-8 bytes were replaced."))
    feed_info = result.get("feed") or {}
    title = feed_info.get("title") if isinstance(feed_info.get("title"), str) else ""
    parsed = ParsedFeed(
        title=plain(html_to_text(title[:SUMMARY_MAX]))[:300],
        link=safe_link(feed_info.get("link") if isinstance(feed_info.get("link"), str) else ""),
        warnings=warnings, error=error, total_entries=max(total, len(raw_entries)))
    if not result.get("version") and not raw_entries and not error:
        parsed.error = msg("This is not an RSS or Atom feed.")
    for raw in raw_entries[:MAX_ENTRIES]:
        try:
            parsed.entries.append(_entry(raw, url))
        except Exception as exc:  # one odd entry must not lose the others
            parsed.warnings.append(msg("An entry was skipped (%(kind)s).",
                                       kind=type(exc).__name__))
    entries = [e for e in parsed.entries if e.title or e.link or e.summary]
    if error is not None and (entries or (result.get("version") and parsed.title)):
        # Recovered (entries, or a feed of a known kind with its title but no entries yet):
        # healthy, with the error as a warning.
        parsed.warnings.append(recovered(error, len(entries)))
        parsed.error = None
    if parsed.total_entries > MAX_ENTRIES:
        parsed.warnings.append(msg("Only the first %(max)d of %(total)d entries were read.",
                                   max=MAX_ENTRIES, total=parsed.total_entries))
    return parsed
