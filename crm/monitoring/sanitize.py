"""Feed HTML is untrusted: nh3 cleans what is displayed; matching works on plain text.

feedparser's own sanitizer is switched off: with relative-URI resolution it takes 60-80% of
feedparser's parse time (a 186 KB Atom feed: 191 ms with the defaults, 36 ms without), and its
maintainer means to drop it (feedparser issues #257, #495; parse.py). So everything from a feed
that reaches a page goes through `clean_html` here, and matching and snippets use
`html_to_text`, never the markup.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

from crm.text import normalise_space

ALLOWED_TAGS = {"a", "p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "blockquote",
                "q", "cite", "code", "pre", "h3", "h4", "h5", "h6", "span", "small", "sub", "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_HTML_CHARS = 100_000

# Elements whose content is never text a reader sees.
_INVISIBLE_OPEN = re.compile(r"<(script|style|template|noscript|iframe|object)\b",
                             re.IGNORECASE)
# Inline elements join their text to the neighbours ("Arbeider<b>partiet</b>"); every other
# tag (p, br, li, div, td ...) separates words.
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i",
           "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
           "u", "var", "wbr"}
# `[^<>]*` keeps every scan short: linear time even on hostile input full of unclosed tags.
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)[^<>]*>|<[!?][^<>]*>")


def clean_html(value: str | None) -> Markup:
    """Untrusted HTML reduced to harmless formatting and http(s)/mailto links."""
    if not value:
        return Markup("")
    cleaned = nh3.clean(value[:MAX_HTML_CHARS], tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                        strip_comments=True)
    return Markup(cleaned)  # noqa: S704 (nh3 output is safe by construction)


def _tag_replacement(match: re.Match) -> str:
    name = (match.group(1) or "").lower()
    return "" if name in _INLINE else " "


def _drop_between(text: str, start: str, end: str) -> str:
    """Remove every start...end span (an unclosed one runs to the end), in linear time."""
    out, pos = [], 0
    while (found := text.find(start, pos)) != -1:
        out.append(text[pos:found])
        close = text.find(end, found + len(start))
        if close == -1:
            pos = len(text)
            break
        out.append(" ")
        pos = close + len(end)
    out.append(text[pos:])
    return "".join(out)


def _drop_invisible(text: str) -> str:
    out, pos = [], 0
    while match := _INVISIBLE_OPEN.search(text, pos):
        out.append(text[pos:match.start()])
        close = re.compile(r"</" + match.group(1) + r"\s*>", re.IGNORECASE).search(
            text, match.end())
        if close is None:
            pos = len(text)
            break
        pos = close.end()
        out.append(" ")
    out.append(text[pos:])
    return "".join(out)


def html_to_text(value: str | None, limit: int = MAX_HTML_CHARS) -> str:
    """Plain text of an HTML fragment: tags out, entities decoded, NFC, whitespace folded."""
    if not value:
        return ""
    text = value[:limit]
    if "<" in text:
        text = _drop_between(text, "<!--", "-->")
        text = _drop_invisible(text)
        text = text.replace("<![CDATA[", "").replace("]]>", "")
        text = _TAG.sub(_tag_replacement, text)
    if "&" in text:
        text = html.unescape(text)
    return normalise_space(text)


def safe_link(url: str | None) -> str:
    """The URL if it is absolute http(s), else "" (never a javascript: or data: link)."""
    url = (url or "").strip()
    if not url or len(url) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url
